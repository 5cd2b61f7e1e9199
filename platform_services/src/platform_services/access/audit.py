"""Who did what: the permission decisions of one request, and the one-line audit log of them.

Every state-changing request (a GraphQL mutation, a REST asset report) logs one line per
decision on the ``platform.audit`` logger, greppable by field::

    audit user=alice via=password teams=core request=launchPipelineExecution
      action=launch_pipeline_execution location=location_core decision=allowed

(one line in the log; an admin's actions say ``location=*``: their permission is global.)
"""

import logging
from dataclasses import dataclass, field

from platform_services.access.policy import Grants

AUDIT_LOGGER = logging.getLogger("platform.audit")
RECORD_KEY = "platform_access"
"""Where the middleware leaves a request's :class:`AccessRecord`: its ASGI scope's state."""
GLOBAL = "*"
"""The location field of a decision that is not scoped to one location (admin-only actions)."""


@dataclass
class AccessRecord:
    """One request's identity, grants and every permission it was checked for."""

    grants: Grants
    checks: list[tuple[str, str | None, bool]] = field(default_factory=list)
    """(permission, location or ``None`` for the global check, allowed)."""
    refused: set[str] = field(default_factory=set)
    """Permissions refused for this request whatever the roles (a wipe across locations)."""

    def decisions(self) -> list[tuple[str, str, bool]]:
        """(action, location, allowed), one per action and location the request touched.

        Dagster asks the global permission first and the location's next: the action is
        allowed on a location if either said yes; an action asked only globally is ``*``.
        """
        global_ok: dict[str, bool] = {}
        by_location: dict[tuple[str, str], bool] = {}
        for permission, location, allowed in self.checks:
            if location is None:
                global_ok[permission] = global_ok.get(permission, False) or allowed
            else:
                key = (permission, location)
                by_location[key] = by_location.get(key, False) or allowed
        decided = {
            (permission, location): allowed or global_ok.get(permission, False)
            for (permission, location), allowed in by_location.items()
        }
        located = {permission for permission, _ in by_location}
        decided |= {(p, GLOBAL): ok for p, ok in global_ok.items() if p not in located}
        return [(p, loc, ok) for (p, loc), ok in decided.items()]


def log_decisions(record: AccessRecord, request: str) -> None:
    """One line per decision of a state-changing request (one ``unchecked`` line if none)."""
    who = record.grants.identity
    prefix = (
        f"audit user={who.name} via={who.via} teams={','.join(record.grants.teams) or '-'} "
        f"request={request}"
    )
    decisions = record.decisions() or [("-", "-", True)]
    for action, location, allowed in decisions:
        decision = "unchecked" if action == "-" else ("allowed" if allowed else "refused")
        AUDIT_LOGGER.info(f"{prefix} action={action} location={location} decision={decision}")
