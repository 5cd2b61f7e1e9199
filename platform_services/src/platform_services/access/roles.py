"""The roles a person has on a code location, and the Dagster permissions each role grants.

The names and their meaning follow Dagster+ (Viewer, Launcher, Editor, Admin). Permissions are
Dagster's own permission names (``dagster._core.workspace.permissions.Permissions`` values);
:mod:`platform_services.access.dagster_webserver_internals` checks at start that every Dagster
permission is classified here, so an upgrade that adds one fails loudly instead of granting it.
"""

from enum import IntEnum

LAUNCHER_PERMISSIONS = frozenset(
    {
        "launch_pipeline_execution",
        "launch_pipeline_reexecution",
        "launch_partition_backfill",
        "cancel_partition_backfill",
        "terminate_pipeline_execution",
    }
)
"""Launch, re-execute, backfill, and stop the location's runs and backfills."""

EDITOR_PERMISSIONS = LAUNCHER_PERMISSIONS | {
    "start_schedule",
    "stop_running_schedule",
    "schedule_dry_run",
    "edit_sensor",
    "sensor_dry_run",
    "update_sensor_cursor",
    "delete_pipeline_run",
    "reload_repository_location",
    "wipe_assets",
    "report_runless_asset_events",
    "edit_dynamic_partitions",
    "refresh_component_state",
}
"""Everything a team does to its own location: automation on and off, reload, wipe, report."""

ADMIN_ONLY_PERMISSIONS = frozenset(
    {"reload_workspace", "toggle_auto_materialize", "edit_concurrency_limit"}
)
"""Not scoped to a location in Dagster: whoever holds them acts on every team at once."""

NEVER_GRANTED_PERMISSIONS = frozenset({"edit_app_managed_components"})
"""A Dagster+ feature that Dagster OSS disables for everyone; kept off here too."""


class Role(IntEnum):
    """A role on one location; a higher role has every permission of the lower ones."""

    VIEWER = 0
    LAUNCHER = 1
    EDITOR = 2
    ADMIN = 3

    @classmethod
    def named(cls, name: str) -> "Role":
        """``"launcher"`` → ``Role.LAUNCHER``.

        >>> Role.named("editor") > Role.named("launcher")
        True
        """
        return cls[name.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def permissions(self) -> frozenset[str]:
        """The Dagster permissions this role grants on a location it holds.

        >>> sorted(Role.LAUNCHER.permissions)[:2]
        ['cancel_partition_backfill', 'launch_partition_backfill']
        """
        if self is Role.VIEWER:
            return frozenset()
        if self is Role.LAUNCHER:
            return LAUNCHER_PERMISSIONS
        if self is Role.EDITOR:
            return frozenset(EDITOR_PERMISSIONS)
        return frozenset(EDITOR_PERMISSIONS | ADMIN_ONLY_PERMISSIONS)


ROLE_NAMES = tuple(role.label for role in Role)
CLASSIFIED_PERMISSIONS = EDITOR_PERMISSIONS | ADMIN_ONLY_PERMISSIONS | NEVER_GRANTED_PERMISSIONS
"""Every Dagster permission this module knows the role of."""
