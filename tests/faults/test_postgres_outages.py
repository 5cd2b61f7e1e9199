"""Postgres crashing or unreachable under operators' feet: no failed click, no run stuck, none lost.

Postgres's main process is SIGKILLed (as by the OOM killer) with runs queued and running, and the
restart policy brings it back; or it stops answering for a minute (its container paused) while
the UI is in use. The very first requests after it is back must succeed, and every run must end
SUCCESS, itself or through its retry. Figures go to the e2e timings summary.
"""

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from shared_lib.policies.stuck_runs import STUCK_RUNS_SENSOR_NAME
from tests.support.stack import FINISHED, Stack, docker, wait_until

pytestmark = pytest.mark.faults

USERS_CONFIG = {"ops": {"user_history": {"config": {"n_users": 200_000}}}}
RUNS_IN_FLIGHT = 8
ASSET_GRAPH = "{ assetNodes { assetKey { path } isMaterializable } }"
WORKSPACE = """
{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }
"""


def ui_requests(stack: Stack) -> dict[str, Callable[[], Any]]:
    """What the UI sends when an operator opens it and clicks Materialize, one of each."""
    return {
        "runs": stack.runs,
        "asset graph": lambda: stack.graphql(ASSET_GRAPH),
        "workspace": lambda: stack.graphql(WORKSPACE),
        "launch": lambda: stack.launch(
            "location_core", assets=[["user_history"]], run_config=USERS_CONFIG
        ),
    }


def attempt(request: Callable[[], Any]) -> tuple[Any, str | None]:
    """The request's result, or why it failed (an HTTP error, a GraphQL error, a timeout)."""
    try:
        return request(), None
    except (requests.RequestException, AssertionError) as error:
        return None, f"{type(error).__name__}: {str(error)[:300]}"


def postgres_healthy(stack: Stack, restarts_before: int | None = None) -> bool:
    state = stack.inspect(stack.container("postgres"))
    restarted = restarts_before is None or state["RestartCount"] > restarts_before
    health = state["State"].get("Health", {}).get("Status")
    return restarted and state["State"]["Running"] and health == "healthy"


def every_run_ends_in_success(stack: Stack, run_ids: list[str], timeout: float) -> float:
    """Wait until each run ended SUCCESS, itself or through a retry; the seconds it took."""
    started = time.time()

    def outcome(run_id: str) -> str | None:
        run = stack.run(run_id)
        if run["status"] not in FINISHED:
            return None
        if run["status"] == "SUCCESS":
            return "SUCCESS"
        retries = [
            r["runId"]
            for r in stack.runs()
            if {"key": "dagster/parent_run_id", "value": run_id} in r["tags"]
        ]
        return outcome(retries[0]) if retries else None

    def all_ended() -> bool:
        return all(outcome(run_id) == "SUCCESS" for run_id in run_ids)

    try:
        wait_until(all_ended, timeout, "every run ending SUCCESS (itself or through a retry)", 3)
    except AssertionError:
        ends = {run_id: (stack.run(run_id)["status"], outcome(run_id)) for run_id in run_ids}
        raise AssertionError(f"not every run ended SUCCESS within {timeout} s: {ends}") from None
    return time.time() - started


def stuck_runs(stack: Stack) -> list[dict[str, Any]]:
    """Runs the UI shows as never started: a launch that failed halfway leaves one."""
    return stack.runs(["NOT_STARTED"])


def test_postgres_killed_with_runs_in_flight_costs_no_request_and_no_run(stack: Stack) -> None:
    run_ids = [
        stack.launch("location_core", assets=[["user_history"]], run_config=USERS_CONFIG)
        for _ in range(RUNS_IN_FLIGHT)
    ]
    wait_until(lambda: stack.runs(["STARTED"]), 120, "a run started")
    postgres = stack.inspect(stack.container("postgres"))
    os.kill(postgres["State"]["Pid"], signal.SIGKILL)  # the main process, as the OOM killer would
    killed = time.time()

    wait_until(lambda: postgres_healthy(stack, postgres["RestartCount"]), 120, "postgres back")
    stack.timings["postgres SIGKILL -> healthy again"] = time.time() - killed
    # The very first requests after Postgres is back: the UI's queries and two Materialize clicks.
    failures = []
    for name, request in [*ui_requests(stack).items(), ("launch", ui_requests(stack)["launch"])]:
        result, failure = attempt(request)
        if failure:
            failures.append(f"{name}: {failure}")
        elif name == "launch":
            run_ids.append(result)
    stack.counts["postgres SIGKILL: first requests failed"] = len(failures)

    took = every_run_ends_in_success(stack, run_ids, timeout=600)
    stack.timings["postgres SIGKILL -> every run ended SUCCESS"] = time.time() - killed
    stack.counts["postgres SIGKILL: runs stuck NOT_STARTED"] = len(stuck_runs(stack))
    assert failures == []
    assert stuck_runs(stack) == []
    assert took < 600


def test_postgres_unreachable_for_a_minute_while_the_ui_is_used(stack: Stack) -> None:
    outcomes: list[tuple[float, str | None]] = []
    stop = threading.Event()

    def operator() -> None:  # the UI polls; an operator keeps it open
        while not stop.is_set():
            sent = time.time()
            _, failure = attempt(stack.runs)
            outcomes.append((sent, failure))
            time.sleep(1)

    watching = threading.Thread(target=operator, daemon=True)
    watching.start()
    postgres = stack.container("postgres")
    docker("pause", postgres)
    paused = time.time()
    try:
        time.sleep(60)
    finally:
        docker("unpause", postgres)
    back = time.time()
    wait_until(lambda: postgres_healthy(stack), 60, "postgres answering")
    launched, launch_failure = attempt(ui_requests(stack)["launch"])
    time.sleep(30)
    stop.set()
    watching.join(timeout=120)

    # By when each request was sent: one sent while Postgres was paused may fail; none after.
    after = [failure for sent, failure in outcomes if sent > back and failure]
    during = [failure for sent, failure in outcomes if paused <= sent <= back and failure]
    stack.counts["postgres paused 60 s: requests failed while paused"] = len(during)
    stack.counts["postgres paused 60 s: requests failed after"] = len(after) + bool(launch_failure)
    assert launch_failure is None
    assert after == []
    assert every_run_ends_in_success(stack, [launched], timeout=300) < 300
    assert stuck_runs(stack) == []


SENSOR = """
query ($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 1) { status skipReason error { message } } } }
  }
}
"""


def test_every_location_runs_the_stuck_runs_safeguard_visibly(stack: Stack) -> None:
    def ticked_in(location: str) -> dict[str, Any] | None:
        selector = {
            "repositoryLocationName": location,
            "repositoryName": "__repository__",
            "sensorName": STUCK_RUNS_SENSOR_NAME,
        }
        found = stack.graphql(SENSOR, {"selector": selector})["sensorOrError"]
        assert found["__typename"] == "Sensor", (location, found)
        state = found["sensorState"]
        assert state["status"] == "RUNNING", location
        return state["ticks"][0] if state["ticks"] else None

    for location in stack.locations():
        tick = wait_until(lambda loc=location: ticked_in(loc), 180, f"a tick in {location}")
        assert tick["status"] == "SKIPPED", (location, tick)
        assert "past its bound" in tick["skipReason"] or "Failed" in tick["skipReason"], tick
