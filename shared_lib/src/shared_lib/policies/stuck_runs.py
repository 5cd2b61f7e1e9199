"""The platform's bound on runs that Dagster's run monitoring does not watch: NOT_STARTED, QUEUED.

Run monitoring (dagster.yaml) fails a run stuck STARTING or STARTED. Nothing in Dagster 1.13
ends a run created by a launch that failed halfway (Postgres lost mid-request: the run is
written, the rest is not), which stays NOT_STARTED forever, nor a QUEUED run that can never be
dequeued. Every location gets a sensor (``with_platform_policies``) that fails its own runs left
in those states past a bound, with a message that says why; run retries then relaunch them. In
the UI: the run's log says why it failed, and the sensor's ticks say what it did.

Bounds, in seconds, from the environment: ``PLATFORM_NOT_STARTED_TIMEOUT_SECONDS`` (default 300:
a launch takes seconds) and ``PLATFORM_QUEUED_TIMEOUT_SECONDS`` (default 21600: a busy queue
legitimately holds runs for a long time).
"""

import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from dagster import (
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunsFilter,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

STUCK_RUNS_SENSOR_NAME = "platform_stuck_runs"
NOT_STARTED_TIMEOUT_ENV = "PLATFORM_NOT_STARTED_TIMEOUT_SECONDS"
QUEUED_TIMEOUT_ENV = "PLATFORM_QUEUED_TIMEOUT_SECONDS"
DEFAULT_TIMEOUTS = {DagsterRunStatus.NOT_STARTED: 300.0, DagsterRunStatus.QUEUED: 21_600.0}
_ENV = {
    DagsterRunStatus.NOT_STARTED: NOT_STARTED_TIMEOUT_ENV,
    DagsterRunStatus.QUEUED: QUEUED_TIMEOUT_ENV,
}


def timeouts() -> dict[DagsterRunStatus, float]:
    """How long a run may stay in each watched status, from the environment or the defaults."""
    return {
        status: float(os.environ.get(_ENV[status]) or default)
        for status, default in DEFAULT_TIMEOUTS.items()
    }


def fail_stuck_runs(
    instance: DagsterInstance,
    location: str | None,
    limits: dict[DagsterRunStatus, float] | None = None,
    now: float | None = None,
) -> list[str]:
    """Fail ``location``'s runs (every run's, if ``None``) stuck past their bound; their ids."""
    now = time.time() if now is None else now
    failed = []
    for status, limit in (limits or timeouts()).items():
        created_before = datetime.fromtimestamp(now - limit, tz=UTC)
        records = instance.get_run_records(
            RunsFilter(statuses=[status], created_before=created_before)
        )
        for record in records:
            run = record.dagster_run
            origin = run.remote_job_origin
            if location is not None and (origin is None or origin.location_name != location):
                continue
            instance.report_run_failed(
                run,
                message=f"The platform failed this run: it stayed {status.value} for more than "
                f"{limit:.0f} s (created {record.create_timestamp:%Y-%m-%d %H:%M:%S} UTC), and "
                f"nothing in Dagster moves a run on from there. "
                + (
                    "Its launch most likely failed halfway (the database was lost mid-request). "
                    if status == DagsterRunStatus.NOT_STARTED
                    else "The run queue never dequeued it. "
                )
                + "Run retries relaunch it if it has retries left; else launch it again.",
            )
            failed.append(run.run_id)
    return failed


def stuck_runs_sensor(minimum_interval_seconds: int = 60) -> SensorDefinition:
    """The sensor that bounds this location's NOT_STARTED and QUEUED runs (shipped running)."""

    @sensor(
        name=STUCK_RUNS_SENSOR_NAME,
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=DefaultSensorStatus.RUNNING,
        description="Fails this location's runs stuck NOT_STARTED or QUEUED past the "
        f"platform's bounds ({NOT_STARTED_TIMEOUT_ENV}, {QUEUED_TIMEOUT_ENV}).",
    )
    def platform_stuck_runs(context: SensorEvaluationContext) -> SkipReason:
        origin = context.code_location_origin
        location = origin.location_name if origin is not None else None
        failed = fail_stuck_runs(context.instance, location)
        return SkipReason(_summary(failed))

    return platform_stuck_runs


def _summary(failed: Sequence[str]) -> str:
    if not failed:
        return "No run stuck NOT_STARTED or QUEUED past its bound."
    return f"Failed {len(failed)} stuck run(s): {', '.join(failed)}."
