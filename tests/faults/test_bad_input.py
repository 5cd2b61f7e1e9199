"""Bad run config, bad data and a bad environment: clear errors, nothing half-written, no hang."""

import subprocess

import pytest

from tests.support.stack import Stack

pytestmark = pytest.mark.faults

DATA = "/opt/dagster/data"
BAND = ["churn_0p9_to_1p0", "users"]
BAD_USERS = f"""
import polars as pl
bad = pl.DataFrame({{"user_id": [1, 2], "predicted_churn_proba": [0.95, 1.7]}})
bad.write_parquet("{DATA}/users.parquet")
"""
CHECKSUM = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())"


def checksum(stack: Stack, path: str) -> str:
    return stack.exec("location-core", "python", "-c", CHECKSUM, f"{DATA}/{path}").strip()


def failure_messages(stack: Stack, run_id: str) -> str:
    events = stack.graphql(
        """query Failures($runId: ID!) { logsForRun(runId: $runId, limit: 1000) {
             ... on EventConnection { events { __typename
               ... on ExecutionStepFailureEvent { error { message } } } } } }""",
        {"runId": run_id},
    )["logsForRun"]["events"]
    return "\n".join(
        e["error"]["message"] for e in events if e["__typename"] == "ExecutionStepFailureEvent"
    )


def test_bad_run_config_is_refused_before_anything_runs(stack: Stack) -> None:
    with pytest.raises(AssertionError, match=r"RunConfigValidationInvalid.*n_users"):
        stack.launch(
            "location_core",
            assets=[["user_history"]],
            run_config={"ops": {"user_history": {"config": {"n_users": "many"}}}},
        )


def test_bad_data_reaching_a_band_fails_it_and_keeps_its_last_good_version(stack: Stack) -> None:
    good = stack.wait_for_run(stack.launch("location_core", assets=[["users"], BAND]))
    assert good["status"] == "SUCCESS"
    band_before = checksum(stack, "churn_0p9_to_1p0/users.parquet")

    stack.exec("location-core", "python", "-c", BAD_USERS)
    try:
        bad = stack.wait_for_run(stack.launch("location_core", assets=[BAND]))

        assert bad["status"] == "FAILURE"
        assert bad["assetMaterializations"] == []
        message = failure_messages(stack, bad["runId"])
        assert "churn_0p9_to_1p0/users: input 'upstream' breaks its upstream's contract" in message
        assert "predicted_churn_proba lies in [0.0, 1.0]" in message
        assert checksum(stack, "churn_0p9_to_1p0/users.parquet") == band_before
    finally:
        restored = stack.wait_for_run(stack.launch("location_core", assets=[["users"]]))
        assert restored["status"] == "SUCCESS"


def run_image(
    stack: Stack, image: str, env: dict[str, str], *command: str
) -> subprocess.CompletedProcess:
    """``command`` in a fresh container of ``image`` on the stack's network; 120 s at most."""
    flags = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
    return subprocess.run(
        ["docker", "run", "--rm", "--network", stack.name, *flags, image, *command],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


POSTGRES_ENV = {
    "DAGSTER_POSTGRES_HOST": "postgres",
    "DAGSTER_POSTGRES_PORT": "5432",
    "DAGSTER_POSTGRES_USER": "dagster",
    "DAGSTER_POSTGRES_DB": "dagster",
    "DAGSTER_MAX_CONCURRENT_RUNS": "4",
}


def test_a_missing_postgres_password_is_a_clear_error_at_start(stack: Stack) -> None:
    result = run_image(
        stack, stack.image("dagster"), POSTGRES_ENV, "dagster", "instance", "migrate"
    )

    assert result.returncode != 0
    assert 'environment variable "DAGSTER_POSTGRES_PASSWORD" which is not set' in result.stderr


def test_a_wrong_postgres_password_is_a_clear_error_at_start(stack: Stack) -> None:
    env = {**POSTGRES_ENV, "DAGSTER_POSTGRES_PASSWORD": "not-the-password"}

    result = run_image(stack, stack.image("dagster"), env, "dagster", "instance", "migrate")

    assert result.returncode != 0
    assert "password authentication failed" in result.stderr


def test_a_wrong_data_directory_is_a_clear_error_at_start(stack: Stack) -> None:
    result = run_image(
        stack,
        stack.image("location-features"),
        {"PLATFORM_DATA_DIR": "/srv/no-such-volume"},
        # What the code server does at start: load the location's definitions.
        "python", "-c", "from location_features.definitions import defs; defs()",
    )  # fmt: skip

    assert result.returncode != 0
    assert "PLATFORM_DATA_DIR=/srv/no-such-volume is not a writable directory" in result.stderr
