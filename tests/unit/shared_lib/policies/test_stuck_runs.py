"""Runs stuck NOT_STARTED or QUEUED past the platform's bound end FAILURE, saying why."""

import time

from dagster import (
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    Definitions,
    asset,
    build_sensor_context,
)
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)

from shared_lib import with_platform_policies
from shared_lib.policies.stuck_runs import (
    STUCK_RUNS_SENSOR_NAME,
    fail_stuck_runs,
    stuck_runs_sensor,
)


@asset
def numbers() -> int:
    return 1


JOB = Definitions(assets=[numbers]).resolve_implicit_global_asset_job_def()
LIMITS = {DagsterRunStatus.NOT_STARTED: 300.0, DagsterRunStatus.QUEUED: 3_600.0}


def run_in(
    instance: DagsterInstance, status: DagsterRunStatus, location: str = "location_team"
) -> str:
    """A run of ``location``'s job recorded in ``status``, as a launch or the queue leaves it.

    Dagster has no public way to make the origin of a run of a deployed location: it is built
    from its internal classes here, as the webserver builds it.
    """
    code_location = RegisteredCodeLocationOrigin(location)
    origin = RemoteJobOrigin(RemoteRepositoryOrigin(code_location, "__repository__"), JOB.name)
    run = DagsterRun(job_name=JOB.name, status=status, remote_job_origin=origin)
    return instance.add_run(run).run_id


def failure_message(instance: DagsterInstance, run_id: str) -> str:
    (event,) = [
        e for e in instance.all_logs(run_id) if e.dagster_event and e.dagster_event.is_run_failure
    ]
    return event.dagster_event.message or ""


def test_a_run_never_started_past_its_bound_fails_saying_why() -> None:
    with DagsterInstance.ephemeral() as instance:
        stuck = run_in(instance, DagsterRunStatus.NOT_STARTED)

        failed = fail_stuck_runs(instance, None, LIMITS, now=time.time() + 301)

        assert failed == [stuck]
        assert instance.get_run_by_id(stuck).status == DagsterRunStatus.FAILURE
        assert "stayed NOT_STARTED for more than 300 s" in failure_message(instance, stuck)
        assert "launch most likely failed halfway" in failure_message(instance, stuck)


def test_runs_within_their_bound_or_moving_are_left_alone() -> None:
    with DagsterInstance.ephemeral() as instance:
        fresh = run_in(instance, DagsterRunStatus.NOT_STARTED)
        queued = run_in(instance, DagsterRunStatus.QUEUED)
        started = run_in(instance, DagsterRunStatus.STARTED)

        assert fail_stuck_runs(instance, None, LIMITS, now=time.time() + 60) == []
        assert fail_stuck_runs(instance, None, LIMITS, now=time.time() + 3_000) == [fresh]
        assert fail_stuck_runs(instance, None, LIMITS, now=time.time() + 3_601) == [queued]
        assert instance.get_run_by_id(started).status == DagsterRunStatus.STARTED


def test_a_location_fails_only_its_own_runs() -> None:
    with DagsterInstance.ephemeral() as instance:
        core = run_in(instance, DagsterRunStatus.NOT_STARTED, "location_core")
        run_in(instance, DagsterRunStatus.NOT_STARTED, "location_features")

        assert fail_stuck_runs(instance, "location_core", LIMITS, now=time.time() + 301) == [core]


def test_every_location_ships_the_sensor_running() -> None:
    defs = with_platform_policies(Definitions(assets=[numbers]))

    sensor = defs.resolve_sensor_def(STUCK_RUNS_SENSOR_NAME)
    assert sensor.default_status.value == "RUNNING"
    with DagsterInstance.ephemeral() as instance:
        result = stuck_runs_sensor().evaluate_tick(build_sensor_context(instance=instance))
    assert result.skip_message == "No run stuck NOT_STARTED or QUEUED past its bound."
