"""The definitions snapshot: canonical, complete, and the same for the same definitions."""

import json
import subprocess
import sys

import pytest

from repo_tooling import definitions_snapshot
from repo_tooling.check_locations import load_definitions
from repo_tooling.locations import discover_locations
from tests.support.stack import ROOT


@pytest.fixture(scope="module")
def snapshot_in_a_new_process() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "repo_tooling.definitions_snapshot", str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_the_same_definitions_give_the_same_snapshot_in_any_process(
    snapshot_in_a_new_process: str, capsys: pytest.CaptureFixture[str]
) -> None:
    definitions_snapshot.main([str(ROOT)])

    assert capsys.readouterr().out == snapshot_in_a_new_process


def test_it_holds_every_asset_of_every_location_and_no_absolute_path(
    snapshot_in_a_new_process: str,
) -> None:
    locations = json.loads(snapshot_in_a_new_process)

    for location in discover_locations(ROOT):
        graph = load_definitions(location).resolve_asset_graph()
        keys = {
            spec["key"]
            for asset in locations[location.name]["assets"]
            for spec in asset.get("specs", [asset.get("spec")])
            if spec
        }
        assert keys == {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert str(ROOT) not in snapshot_in_a_new_process
