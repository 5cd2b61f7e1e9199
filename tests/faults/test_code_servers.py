"""A code server that crashes, stays down for minutes, or is redeployed broken.

The other location keeps serving and running; the restart policy brings a crashed server back;
the webserver *and* the daemon serve a returning location again with nobody pressing Reload;
a broken location shows its error and a rebuild of only its image restores it.
"""

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.stack import ROOT, Stack, wait_until

pytestmark = pytest.mark.faults

OUTAGE_SECONDS = 150
SMALL_CORE_RUN = {"ops": {"user_history": {"config": {"n_users": 2_000}}}}


def core_run_succeeds(stack: Stack) -> None:
    run_id = stack.launch("location_core", assets=[["user_history"]], run_config=SMALL_CORE_RUN)
    assert stack.wait_for_run(run_id)["status"] == "SUCCESS"


def restart_count(stack: Stack, service: str) -> int:
    return stack.inspect(stack.container(service))["RestartCount"]


def healthy(stack: Stack, service: str) -> bool:
    return stack.services()[service].get("Health") == "healthy"


def test_a_crashed_code_server_is_restarted_and_served_again_without_reload(stack: Stack) -> None:
    restarts = restart_count(stack, "location-features")
    killed = time.time()

    # Kill the server's main process as the OOM killer would (`docker kill` would count as a
    # manual stop and bypass the restart policy); PID 1 is the init that reaps it.
    stack.exec("location-features", "sh", "-c", "kill -9 $(cat /proc/1/task/1/children)")

    wait_until(
        lambda: restart_count(stack, "location-features") > restarts,
        timeout=60,
        what="the restart policy restarting location-features",
    )
    core_run_succeeds(stack)
    wait_until(lambda: healthy(stack, "location-features"), 180, "location-features healthy")
    wait_until(
        lambda: stack.location_is_loaded("location_features"), 120, "the UI loading it again"
    )
    stack.timings["code server crash -> served again"] = time.time() - killed
    run_id = stack.launch("location_features", assets=[["features", "tenure_years"]])
    assert stack.wait_for_run(run_id)["status"] == "SUCCESS"


def test_a_code_server_down_for_minutes_is_served_again_by_webserver_and_daemon(
    stack: Stack,
) -> None:
    stack.compose("stop", "location-features")
    stopped = time.monotonic()
    try:
        wait_until(
            lambda: not stack.location_is_loaded("location_features"),
            timeout=90,
            what="the UI noticing location_features is gone",
        )
        assert stack.location_is_loaded("location_core")
        core_run_succeeds(stack)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        assert stack.location_is_loaded("location_core")
    finally:
        stack.compose("start", "location-features")
    back = time.time()

    wait_until(
        lambda: stack.location_is_loaded("location_features"),
        timeout=120,
        what="the UI serving location_features again without a reload",
    )
    stack.timings["code server outage: back -> UI serves it"] = time.time() - back

    # The daemon serves it again too: a core change refreshes features by automation.
    wait_until(lambda: healthy(stack, "location-features"), 120, "location-features healthy")
    changed = time.time()
    core = stack.wait_for_run(stack.launch("location_core", assets=[["users"]]))
    assert core["status"] == "SUCCESS"
    wait_until(
        lambda: automated_run_of(stack, "location_features", after=changed),
        timeout=240,
        what="the daemon refreshing features after the outage",
        every=3,
    )
    stack.timings["code server outage: back -> daemon automates it"] = time.time() - back


def automated_run_of(stack: Stack, location: str, after: float) -> bool:
    return any(
        run["repositoryOrigin"]["repositoryLocationName"] == location
        and run["creationTime"] > after
        and run["status"] == "SUCCESS"
        and {"key": "dagster/from_automation_condition", "value": "true"} in run["tags"]
        for run in stack.runs()
    )


FEATURES_DEFS = Path("location_features", "src", "location_features", "defs")


@contextmanager
def changed_in_the_stacks_repository(stack: Stack, relative: Path) -> Iterator[Path]:
    """A file of the stack's repository to change, as a team changes its code before a
    redeploy; the file is as it was again when the block ends (the image built inside keeps the
    change). The stack's repository is a copy made for the tests, never the checkout."""
    assert stack.root != ROOT, "the tests change only their own copy of the repository"
    path = stack.root / relative
    original = path.read_text() if path.exists() else None
    try:
        yield path
    finally:
        if original is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(original)


BROKEN_DEFINITIONS = """

# Injected by the test: a factory called with its bounds the wrong way round.
from shared_lib import build_churn_band_asset as _band, contract as _contract

broken_band = _band(_contract("users"), 0.9, 0.8)
"""


def test_a_broken_location_shows_its_error_and_rebuilding_only_it_restores_it(
    stack: Stack,
) -> None:
    with changed_in_the_stacks_repository(stack, FEATURES_DEFS / "user_feature_assets.py") as defs:
        defs.write_text(defs.read_text() + BROKEN_DEFINITIONS)
        stack.compose("build", "location-features")
    core_before = stack.container("location-core")
    try:
        stack.compose("up", "--detach", "--no-build", "location-features")

        # While the server restarts the UI shows it unreachable; then the load error itself.
        error = wait_until(
            lambda: definitions_error(stack, "location_features"),
            180,
            "the UI showing the definitions' load error",
        )
        assert "min_churn_proba=0.9 and max_churn_proba=0.8" in error
        health = subprocess.run(
            ["docker", "exec", stack.container("location-features"),
             "python", "-m", "platform_services.code_server_health"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert health.returncode == 1
        assert "definitions failed to load" in health.stderr
        assert stack.location_is_loaded("location_core")
        core_run_succeeds(stack)
    finally:
        stack.compose("up", "--detach", "--build", "--wait", "location-features")

    wait_until(lambda: stack.location_is_loaded("location_features"), 120, "the fixed location")
    assert stack.container("location-core") == core_before


def definitions_error(stack: Stack, location: str) -> str | None:
    """The load error of ``location`` once it is its definitions' (not "unreachable")."""
    error = load_error(stack, location)
    return error if error and "DagsterUserCodeUnreachableError" not in error else None


def load_error(stack: Stack, location: str) -> str | None:
    """The load error the UI shows for ``location``, with every error that caused it."""
    entry = stack.locations().get(location) or {}
    error = entry.get("locationOrLoadError") or {}
    if error.get("__typename") != "PythonError":
        return None
    return "\n".join([error["message"], *(cause["message"] for cause in error["causes"])])


REDEPLOYED_ASSET = """

# Injected by the test: the team's change that gets redeployed.
from dagster import AutomationCondition as _Eager
from shared_lib import contract as _contract, standard_asset as _standard_asset


@_standard_asset(
    key=["features", "redeploy_probe"],
    ins={"users": _contract("users")},
    automation_condition=_Eager.eager(),
    group_name="features",
)
def redeploy_probe(users):
    return users.select("user_id")
"""
LOCATION_ASSETS = """
query Assets($selector: RepositorySelector!) {
  repositoryOrError(repositorySelector: $selector) {
    ... on Repository { assetNodes { assetKey { path } } }
  }
}
"""
LONG_CORE_RUN = {"ops": {"user_history": {"config": {"n_users": 400_000}}}}


def serves_asset(stack: Stack, location: str, path: list[str]) -> bool:
    selector = {"repositoryLocationName": location, "repositoryName": "__repository__"}
    repository = stack.graphql(LOCATION_ASSETS, {"selector": selector})["repositoryOrError"]
    return path in [node["assetKey"]["path"] for node in repository.get("assetNodes", [])]


def test_redeploying_a_location_under_load_finishes_the_others_runs_and_keeps_automating(
    stack: Stack,
) -> None:
    with changed_in_the_stacks_repository(stack, FEATURES_DEFS / "redeploy_probe.py") as probe_file:
        probe_file.write_text(REDEPLOYED_ASSET)
        stack.compose("build", "location-features")
    probe = ["features", "redeploy_probe"]
    assert not serves_asset(stack, "location_features", probe)

    in_flight = [
        stack.launch("location_core", assets=[["user_history"]], run_config=LONG_CORE_RUN)
        for _ in range(3)
    ]
    redeployed = time.time()
    try:
        stack.compose("up", "--detach", "--no-build", "--wait", "location-features")
        wait_until(
            lambda: serves_asset(stack, "location_features", probe),
            120,
            "the UI serving the redeployed code without a Reload",
        )
        stack.timings["redeploy under load -> new code served"] = time.time() - redeployed
        assert [stack.wait_for_run(run)["status"] for run in in_flight] == ["SUCCESS"] * 3

        # Declarative automation keeps firing for the redeployed location (dagster#33656).
        changed = time.time()
        core = stack.wait_for_run(stack.launch("location_core", assets=[["users"]]))
        assert core["status"] == "SUCCESS"
        wait_until(
            lambda: automated_run_of(stack, "location_features", after=changed),
            240,
            "automation refreshing the redeployed location after core changed",
            every=3,
        )
        stack.timings["redeploy under load -> automation fires"] = time.time() - changed
    finally:
        stack.compose("up", "--detach", "--build", "--wait", "location-features")
    wait_until(
        lambda: not serves_asset(stack, "location_features", probe), 120, "the original code"
    )
