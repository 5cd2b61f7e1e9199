"""Two teams' tiny code locations for the authenticated webserver's tests: two assets (one
partitioned), a job, a schedule and a sensor each, named after the team (alpha.py, beta.py)."""

import dagster as dg


def team_definitions(team: str) -> dg.Definitions:
    @dg.asset(name=f"{team}_numbers")
    def numbers() -> int:
        return 1

    @dg.asset(name=f"{team}_letters", partitions_def=dg.StaticPartitionsDefinition(["a", "b"]))
    def letters() -> str:
        return "a"

    job = dg.define_asset_job(f"{team}_job", selection=[numbers])

    @dg.sensor(name=f"{team}_sensor", job=job, minimum_interval_seconds=3600)
    def sensor() -> dg.SkipReason:
        return dg.SkipReason("the tests only start and stop it")

    schedule = dg.ScheduleDefinition(name=f"{team}_schedule", job=job, cron_schedule="0 0 * * *")
    return dg.Definitions(
        assets=[numbers, letters], jobs=[job], schedules=[schedule], sensors=[sensor]
    )
