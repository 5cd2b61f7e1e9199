"""When core refreshes on its own: a nightly run of the published ``users``, off by default.

``users`` promises freshness within 26 hours (contracts/core.yaml); turning this schedule on
(an Editor of location_core, in the UI) keeps that promise without anyone launching a run.
"""

import dagster as dg

users_nightly = dg.ScheduleDefinition(
    name="users_nightly",
    target=dg.AssetSelection.assets("user_history", "users"),
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
