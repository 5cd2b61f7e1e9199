"""Every private Dagster API the authenticated webserver relies on, and nothing else.

Written for Dagster 1.13.27. Dagster OSS has no authorization (dagster-io/dagster#2219, open
since 2020); its webserver already asks a ``WorkspaceRequestContext`` for permissions, globally
(``permissions``, ``has_permission``) and per code location (``permissions_for_location``,
``has_permission_for_location``), and its GraphQL mutations refuse with ``UnauthorizedError``
when the answer is no. This module subclasses those private classes so the answer comes from
the platform's roles (:mod:`platform_services.access.policy`):

- ``dagster._core.workspace.permissions``: the permission names, ``PermissionResult``,
  ``LOCATION_SCOPED_PERMISSIONS``;
- ``dagster._core.workspace.context``: ``WorkspaceRequestContext`` (its constructor and the four
  permission methods) and ``WorkspaceProcessContext.create_request_context``;
- ``RemoteWorkspaceAssetGraph.get_repository_handle`` (which location defines an asset: a wipe
  of several locations' assets at once is refused for anyone but an admin);
- ``dagster_webserver.webserver.DagsterWebserver.build_middleware``.

:func:`verify_dagster_permissions` runs at start and in the unit tests
(tests/unit/platform_services/access/test_dagster_webserver_internals.py): a Dagster upgrade that
adds, removes or re-scopes a permission stops the webserver with a message instead of silently
granting or refusing it. Upgrading Dagster: re-read those files, then bump
``WRITTEN_FOR_DAGSTER``.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache
from typing import Any

from dagster import AssetKey
from dagster._core.workspace.context import WorkspaceProcessContext, WorkspaceRequestContext
from dagster._core.workspace.permissions import (
    LOCATION_SCOPED_PERMISSIONS,
    PermissionResult,
    Permissions,
)
from dagster_webserver.webserver import DagsterWebserver
from starlette.middleware import Middleware

from platform_services.access.audit import RECORD_KEY, AccessRecord
from platform_services.access.policy import Grants, Identity
from platform_services.access.roles import (
    ADMIN_ONLY_PERMISSIONS,
    CLASSIFIED_PERMISSIONS,
    NEVER_GRANTED_PERMISSIONS,
    Role,
)

WRITTEN_FOR_DAGSTER = "1.13.27"
NOBODY = Grants(Identity("-", via="none"), admin=False)
"""The grants of a context made without a request (Dagster makes some after reloads)."""


def verify_dagster_permissions() -> None:
    """Raise if this Dagster's permissions are not exactly the ones the roles were written for."""
    dagster_permissions = {str(permission) for permission in Permissions}
    unknown = dagster_permissions - CLASSIFIED_PERMISSIONS
    gone = CLASSIFIED_PERMISSIONS - dagster_permissions
    global_only = dagster_permissions - {str(p) for p in LOCATION_SCOPED_PERMISSIONS}
    rescoped = global_only - ADMIN_ONLY_PERMISSIONS - NEVER_GRANTED_PERMISSIONS
    if unknown or gone or rescoped:
        raise RuntimeError(
            f"Dagster's webserver permissions changed since {WRITTEN_FOR_DAGSTER} (new: "
            f"{sorted(unknown)}, gone: {sorted(gone)}, no longer per location: "
            f"{sorted(rescoped)}): classify them in platform_services/access/roles.py and "
            "re-read platform_services/access/dagster_webserver_internals.py before upgrading."
        )


@cache
def _permission_map(role: Role, location_scoped: bool) -> Mapping[str, PermissionResult]:
    granted = role.permissions
    needs = {
        p: next((r.label for r in Role if p in r.permissions), "admin")
        for p in CLASSIFIED_PERMISSIONS
    }

    def reason(permission: str) -> str | None:
        if permission in granted:
            return None
        if needs[permission] == "admin":
            return (
                f"Only platform admins may do this; you are {role.label} (README: Who may do what)"
            )
        return (
            f"Needs the {needs[permission]} role on this code location; you are {role.label} "
            "here (README: Who may do what)"
        )

    return {
        str(permission): PermissionResult(
            enabled=str(permission) in granted, disabled_reason=reason(str(permission))
        )
        for permission in Permissions
        if not location_scoped or permission in LOCATION_SCOPED_PERMISSIONS
    }


class RoleScopedRequestContext(WorkspaceRequestContext):
    """A request's workspace context whose permissions are the requester's roles."""

    def __init__(self, *args: Any, record: AccessRecord | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._record = record
        self._grants = record.grants if record else NOBODY

    @property
    def platform_identity(self) -> Identity | None:
        """Who made the request; read by the run coordinator to tag the runs it launches."""
        return self._record.grants.identity if self._record else None

    @property
    def permissions(self) -> Mapping[str, PermissionResult]:
        return _permission_map(Role.ADMIN if self._grants.admin else Role.VIEWER, False)

    def permissions_for_location(self, *, location_name: str) -> Mapping[str, PermissionResult]:
        return _permission_map(self._grants.role_on(location_name), True)

    def has_permission(self, permission: str) -> bool:
        allowed = super().has_permission(permission)
        if self._record is not None:
            self._record.checks.append((str(permission), None, allowed))
        return allowed

    def has_permission_for_location(self, permission: str, location_name: str) -> bool:
        allowed = super().has_permission_for_location(permission, location_name)
        if self._record is not None and str(permission) in self._record.refused:
            allowed = False
        if self._record is not None:
            self._record.checks.append((str(permission), location_name, allowed))
        return allowed


class RoleScopedProcessContext(WorkspaceProcessContext):
    """The webserver's workspace, making a :class:`RoleScopedRequestContext` per request."""

    def create_request_context(self, source: object | None = None) -> WorkspaceRequestContext:
        scope = getattr(source, "scope", None)
        record = scope.get("state", {}).get(RECORD_KEY) if isinstance(scope, dict) else None
        return RoleScopedRequestContext(
            instance=self._instance,
            current_workspace=self.get_current_workspace(),
            process_context=self,
            version=self.version,
            source=source,
            read_only=False,
            record=record,
        )

    def location_names(self) -> list[str]:
        return sorted(self.get_current_workspace().code_location_entries)

    def locations_of(self, asset_paths: Collection[Sequence[str]]) -> set[str]:
        """The code locations defining these assets (unknown keys have none)."""
        graph = self.create_request_context().asset_graph
        keys = [AssetKey(list(path)) for path in asset_paths]
        return {graph.get_repository_handle(k).location_name for k in keys if graph.has(k)}


class AuthenticatedWebserver(DagsterWebserver):
    """Dagster's webserver app with the platform's access middleware outermost."""

    def __init__(
        self, process_context: RoleScopedProcessContext, access: Callable[..., Any], **options: Any
    ) -> None:
        self._access = access
        self._access_options = options
        super().__init__(process_context)

    def build_middleware(self) -> list[Middleware]:
        return [Middleware(self._access, **self._access_options), *super().build_middleware()]
