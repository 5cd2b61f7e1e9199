"""Runs launched through the UI or the API carry who launched them: Dagster's ``user`` tag.

The run queue of every process (dagster.yaml ``run_coordinator``) is Dagster's
``QueuedRunCoordinator``; the webserver submits a run with its request's workspace context,
which in the authenticated mode knows who signed in
(:class:`~platform_services.access.dagster_webserver_internals.RoleScopedRequestContext`). The
tag is written by the server, over any ``user`` tag the client sent. Runs that schedules,
sensors, automation and backfills start are submitted by the daemon and keep Dagster's own tags
(``dagster/schedule_name``, ``dagster/sensor_name``, ``dagster/backfill``...). In the open mode
there is nobody to name and nothing changes.
"""

from dagster import DagsterRun, QueuedRunCoordinator, SubmitRunContext

USER_TAG = "user"
"""Dagster's tag for who created a run (``dagster._core.storage.tags.USER_TAG``)."""


class UserTaggingRunCoordinator(QueuedRunCoordinator):
    """Dagster's run queue, tagging each run with the signed-in user who submitted it."""

    def submit_run(self, context: SubmitRunContext) -> DagsterRun:
        identity = getattr(context.workspace, "platform_identity", None)
        if identity is not None:
            self._instance.add_run_tags(context.dagster_run.run_id, {USER_TAG: identity.name})
        return super().submit_run(context)
