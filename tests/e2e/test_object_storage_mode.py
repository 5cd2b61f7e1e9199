"""The object-storage mode (`--env-file deploy/object-storage.env`): no data volume anywhere.

Assets live on S3 (SeaweedFS in the stack), step logs too; the cross-location path (a core run,
a features run reading it, the automation refreshing features when core changes) works on it.
"""

import json
import time

import pytest

from tests.e2e.test_deployment import (
    ALL_PROGRAMS,
    CAPTURED_LOGS,
    CORE_CONFIG,
    LOG_CONTENT,
    REFRESHED_BY_USERS,
    latest_materialization,
    refreshed_since,
    timed_run,
)
from tests.support.stack import Stack, docker

pytestmark = pytest.mark.e2e

READ_USERS = (
    "import polars as pl; print(pl.read_parquet('s3://platform/assets/users.parquet').height)"
)


@pytest.fixture(scope="module")
def cross_location_runs(object_storage_stack: Stack) -> dict[str, dict]:
    """The same two runs as on the volume (test_deployment's first runs): like for like."""
    stack = object_storage_stack
    core = timed_run(
        stack,
        "object storage: core",
        stack.launch("location_core", tags=ALL_PROGRAMS, run_config=CORE_CONFIG),
    )
    features = timed_run(
        stack, "object storage: features", stack.launch("location_features", tags=ALL_PROGRAMS)
    )
    return {"core": core, "features": features}


def test_no_service_and_no_run_gets_a_data_volume(
    object_storage_stack: Stack, cross_location_runs: dict[str, dict]
) -> None:
    stack = object_storage_stack
    volumes = docker("volume", "ls", "--format", "{{.Name}}").split()

    assert f"{stack.name}-data" not in volumes
    for service in ("location-core", "location-features"):
        mounts = stack.inspect(stack.container(service))["Mounts"]
        assert mounts == [], (service, mounts)
        context = json.loads(
            stack.exec(service, "sh", "-c", "echo $DAGSTER_CONTAINER_CONTEXT").strip()
        )
        assert context["docker"]["container_kwargs"]["volumes"] == []


def test_its_images_carry_the_s3_step_logs_and_nothing_of_kubernetes(
    object_storage_stack: Stack,
) -> None:
    for service in ("location-core", "location-features", "webserver"):
        found = object_storage_stack.importable(service, ["dagster_aws", "dagster_k8s"])
        assert found == {"dagster_aws": True, "dagster_k8s": False}, service


def test_core_then_features_run_on_object_storage(
    object_storage_stack: Stack, cross_location_runs: dict[str, dict]
) -> None:
    stack = object_storage_stack

    assert cross_location_runs["core"]["status"] == "SUCCESS"
    assert cross_location_runs["features"]["status"] == "SUCCESS"
    assert stack.exec("location-features", "python", "-c", READ_USERS).strip() == "5000"


def test_step_logs_are_readable_in_the_ui_without_a_shared_volume(
    object_storage_stack: Stack, cross_location_runs: dict[str, dict]
) -> None:
    stack = object_storage_stack
    run_id = cross_location_runs["core"]["runId"]
    events = stack.graphql(CAPTURED_LOGS, {"runId": run_id})["logsForRun"]["events"]
    captured = [e for e in events if e["__typename"] == "LogsCapturedEvent"]
    assert captured

    logs = stack.graphql(LOG_CONTENT, {"key": [run_id, "compute_logs", captured[0]["fileKey"]]})

    assert "users: 5000 rows x 10 columns" in logs["capturedLogs"]["stderr"]


def test_features_refresh_by_themselves_on_object_storage(
    object_storage_stack: Stack, cross_location_runs: dict[str, dict]
) -> None:
    stack = object_storage_stack
    stack.wait_for_automation_tick(
        "location_features", after=cross_location_runs["features"]["endTime"]
    )
    core = stack.wait_for_run(stack.launch("location_core", assets=[["users"]]))
    assert core["status"] == "SUCCESS"
    changed = latest_materialization(stack, ["users"])["timestamp"]

    deadline = time.monotonic() + 240
    while stale := [f for f in REFRESHED_BY_USERS if not refreshed_since(stack, f, changed)]:
        assert time.monotonic() < deadline, f"{stale} not refreshed within 240s of users changing"
        time.sleep(3)
    stack.timings["object storage: users changed -> features refreshed"] = time.time() - changed
