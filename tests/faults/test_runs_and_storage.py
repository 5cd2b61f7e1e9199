"""Run containers killed mid-run, Postgres restarting, the daemon restarting: nothing is lost."""

import time
from collections import Counter

import pytest
import requests

from tests.support.stack import Stack, docker, wait_until

pytestmark = pytest.mark.faults

USERS_CONFIG = {"ops": {"user_history": {"config": {"n_users": 2_000}}}}
BIG_USERS_CONFIG = {"ops": {"user_history": {"config": {"n_users": 3_000_000}}}}
STEP_START = """
query Steps($runId: ID!) {
  logsForRun(runId: $runId, limit: 1000) { ... on EventConnection { events {
    __typename ... on ExecutionStepStartEvent { stepKey }
  } } }
}
"""


def stored_user_history_rows(stack: Stack) -> int:
    path = "/opt/dagster/data/user_history.parquet"
    script = f"import polars as pl; print(pl.read_parquet('{path}').height)"
    return int(stack.exec("location-core", "python", "-c", script).strip())


def step_started(stack: Stack, run_id: str) -> bool:
    events = stack.graphql(STEP_START, {"runId": run_id})["logsForRun"]["events"]
    return any(e["__typename"] == "ExecutionStepStartEvent" for e in events)


def test_a_killed_run_container_fails_the_run_which_is_retried_to_success(stack: Stack) -> None:
    first = stack.launch("location_core", assets=[["user_history"]], run_config=USERS_CONFIG)
    assert stack.wait_for_run(first)["status"] == "SUCCESS"
    assert stored_user_history_rows(stack) == 2_000

    run_id = stack.launch("location_core", assets=[["user_history"]], run_config=BIG_USERS_CONFIG)
    wait_until(lambda: step_started(stack, run_id), 120, "the step starting", every=0.2)
    docker("kill", stack.run(run_id)["tags"]["docker/container_id"])
    killed = time.time()
    # Whatever the moment of the kill, the stored file is a whole version: the last good one
    # (2 000 rows) or, had the write finished, the new one; never a torn file.
    assert stored_user_history_rows(stack) in {2_000, 3_000_000}

    failed = stack.wait_for_run(run_id, timeout=120)
    stack.timings["run container killed -> run marked FAILURE"] = time.time() - killed
    assert failed["status"] == "FAILURE"
    retry = wait_until(
        lambda: [
            r
            for r in stack.runs()
            if {"key": "dagster/parent_run_id", "value": run_id} in r["tags"]
        ],
        timeout=120,
        what="run retries launching a retry",
    )[0]
    assert stack.wait_for_run(retry["runId"], timeout=600)["status"] == "SUCCESS"
    stack.timings["run container killed -> retry SUCCESS"] = time.time() - killed
    assert stored_user_history_rows(stack) == 3_000_000


def test_postgres_restarting_while_idle_is_survived(stack: Stack) -> None:
    stack.compose("restart", "postgres")
    restarted = time.time()

    wait_until(lambda: stack.services()["postgres"].get("Health") == "healthy", 120, "postgres")
    wait_until(lambda: answers(stack), 120, "the webserver answering again")
    run_id = stack.launch("location_core", assets=[["user_history"]], run_config=USERS_CONFIG)
    assert stack.wait_for_run(run_id, timeout=300)["status"] == "SUCCESS"
    stack.timings["postgres restart (idle) -> a run succeeds"] = time.time() - restarted
    for service in ("webserver", "daemon", "location-core", "location-features"):
        assert stack.services()[service]["State"] == "running", service


def test_postgres_restarting_with_runs_queued_loses_none_of_them(stack: Stack) -> None:
    run_ids = [
        stack.launch("location_core", assets=[["user_history"]], run_config=USERS_CONFIG)
        for _ in range(12)
    ]
    stack.compose("restart", "postgres")
    restarted = time.time()

    wait_until(lambda: answers(stack), 120, "the webserver answering again")
    statuses = Counter(stack.wait_for_run(run_id, timeout=900)["status"] for run_id in run_ids)
    stack.timings["postgres restart (12 queued) -> all finished"] = time.time() - restarted
    retried = {
        r["runId"]: r
        for r in stack.runs()
        if any(t["key"] == "dagster/parent_run_id" for t in r["tags"])
    }
    # A run whose worker lost the database mid-flight is failed by monitoring and retried;
    # none may be lost: each ends in SUCCESS, itself or through its retry.
    for run_id in run_ids:
        if stack.run(run_id)["status"] != "SUCCESS":
            retries = [
                r
                for r in retried.values()
                if {"key": "dagster/parent_run_id", "value": run_id} in r["tags"]
            ]
            assert retries, f"run {run_id} ended {stack.run(run_id)['status']} and was not retried"
            assert stack.wait_for_run(retries[0]["runId"], timeout=600)["status"] == "SUCCESS"
    assert sum(statuses.values()) == len(run_ids)


def answers(stack: Stack) -> bool:
    try:
        stack.runs()
    except (requests.RequestException, AssertionError):
        return False
    return True


def test_a_restarted_daemon_keeps_automating_without_duplicate_runs(stack: Stack) -> None:
    stack.compose("restart", "daemon")
    restarted = time.time()
    wait_until(lambda: stack.services()["daemon"].get("Health") == "healthy", 180, "the daemon")

    changed = time.time()
    core = stack.wait_for_run(stack.launch("location_core", assets=[["users"]]))
    assert core["status"] == "SUCCESS"
    wait_until(
        lambda: [
            r for r in stack.runs()
            if r["creationTime"] > changed and r["status"] == "SUCCESS"
            and {"key": "dagster/from_automation_condition", "value": "true"} in r["tags"]
        ],
        timeout=240,
        what="automation after the daemon restart",
        every=3,
    )  # fmt: skip
    stack.timings["daemon restart -> automation runs again"] = time.time() - restarted

    requested: Counter[tuple[str, str, str, str | None]] = Counter()
    for run in stack.runs(materializations=True):
        tags = {t["key"]: t["value"] for t in run["tags"]}
        if "dagster/asset_evaluation_id" not in tags:
            continue
        for materialization in run["assetMaterializations"]:
            key = "/".join(materialization["assetKey"]["path"])
            tick = (
                run["repositoryOrigin"]["repositoryLocationName"],
                tags["dagster/asset_evaluation_id"],
            )
            requested[(*tick, key, materialization["partition"])] += 1
    assert requested
    assert [k for k, n in requested.items() if n > 1] == []
