"""Contracts across teams on the running stack: owners and freshness seen from both sides.

The stack's copy of the repository gives core's ``churn_model`` a one-minute freshness window
(tests/conftest.py: ``STALE_AFTER_A_MINUTE``), so a test can watch it go stale.
"""

import time
from typing import Any

import pytest

from tests.conftest import STALE_AFTER_A_MINUTE
from tests.support.stack import Stack, wait_until

pytestmark = pytest.mark.e2e

VIEWS = ("location_core", "location_features")
"""The producer's view of core's published assets, and a consumer's."""

REPOSITORY_ASSETS = """
query ($location: String!) {
  repositoryOrError(repositorySelector: {
    repositoryLocationName: $location, repositoryName: "__repository__"
  }) {
    ... on Repository {
      assetNodes {
        assetKey { path }
        isMaterializable
        owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
        freshnessStatusInfo { freshnessStatus }
      }
    }
  }
}
"""


def asset_node(stack: Stack, location: str, key: str) -> dict[str, Any]:
    """``key`` as ``location`` sees it: the producer's asset, or a consumer's contract spec."""
    nodes = stack.graphql(REPOSITORY_ASSETS, {"location": location})["repositoryOrError"]
    found = [n for n in nodes["assetNodes"] if "/".join(n["assetKey"]["path"]) == key]
    assert len(found) == 1, (location, key)
    return found[0]


def freshness(stack: Stack, location: str, key: str) -> str:
    return asset_node(stack, location, key)["freshnessStatusInfo"]["freshnessStatus"]


def test_the_producing_team_owns_a_published_asset_in_every_locations_view(stack: Stack) -> None:
    for location, materializable in zip(VIEWS, (True, False), strict=True):
        node = asset_node(stack, location, "users")
        assert node["isMaterializable"] is materializable
        assert node["owners"] == [{"team": "core"}], location


def test_a_published_asset_past_its_freshness_window_is_late_for_its_consumers_too(
    stack: Stack,
) -> None:
    run_id = stack.launch(
        "location_core",
        assets=[["user_history"], [STALE_AFTER_A_MINUTE]],
        run_config={"ops": {"user_history": {"config": {"n_users": 2_000}}}},
    )
    assert stack.wait_for_run(run_id)["status"] == "SUCCESS"
    materialized = time.monotonic()

    def state_everywhere(expected: str) -> bool:
        return {freshness(stack, location, STALE_AFTER_A_MINUTE) for location in VIEWS} == {
            expected
        }

    # The daemon evaluates freshness every 30 s; the webserver shows its latest evaluation.
    wait_until(lambda: state_everywhere("HEALTHY"), 120, f"{STALE_AFTER_A_MINUTE} fresh", every=5)
    wait_until(lambda: state_everywhere("DEGRADED"), 180, f"{STALE_AFTER_A_MINUTE} late", every=5)
    assert time.monotonic() - materialized >= 55  # not before its window ran out
