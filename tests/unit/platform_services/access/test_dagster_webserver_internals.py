"""The private Dagster API the authenticated webserver relies on, checked against the
installed Dagster: an upgrade that changes it fails here, loudly, before it reaches a stack."""

import inspect

import pytest
from dagster._core.workspace.context import WorkspaceProcessContext, WorkspaceRequestContext
from dagster._core.workspace.permissions import Permissions
from dagster_webserver.webserver import DagsterWebserver

from platform_services.access import dagster_webserver_internals as internals
from platform_services.access import roles


def test_every_permission_of_this_dagster_has_a_role_and_its_scope_is_unchanged() -> None:
    internals.verify_dagster_permissions()


def test_a_permission_dagster_adds_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    classified = roles.CLASSIFIED_PERMISSIONS - {str(Permissions.WIPE_ASSETS)}
    monkeypatch.setattr(internals, "CLASSIFIED_PERMISSIONS", classified)

    with pytest.raises(RuntimeError, match=r"new: \['wipe_assets'\]"):
        internals.verify_dagster_permissions()


def test_the_overridden_methods_and_constructors_are_as_written_for() -> None:
    parameters = inspect.signature(WorkspaceRequestContext.__init__).parameters
    assert list(parameters)[1:7] == [
        "instance", "current_workspace", "process_context", "version", "source", "read_only",
    ]  # fmt: skip
    for name in ("permissions_for_location", "has_permission", "has_permission_for_location"):
        assert callable(getattr(WorkspaceRequestContext, name)), name
    assert isinstance(inspect.getattr_static(WorkspaceRequestContext, "permissions"), property)
    assert list(inspect.signature(WorkspaceProcessContext.create_request_context).parameters) == [
        "self", "source",
    ]  # fmt: skip
    assert callable(DagsterWebserver.build_middleware)
    assert __import__("dagster").__version__ == internals.WRITTEN_FOR_DAGSTER


def test_a_role_grants_exactly_its_permissions_per_location() -> None:
    launcher = internals._permission_map(roles.Role.LAUNCHER, True)
    editor = internals._permission_map(roles.Role.EDITOR, True)

    assert launcher["launch_pipeline_execution"].enabled
    assert not launcher["wipe_assets"].enabled
    assert "editor" in (launcher["wipe_assets"].disabled_reason or "")
    assert editor["wipe_assets"].enabled
    assert "reload_workspace" not in editor  # not per location in Dagster: admins only
    assert not internals._permission_map(roles.Role.VIEWER, False)["reload_workspace"].enabled
    assert internals._permission_map(roles.Role.ADMIN, False)["reload_workspace"].enabled
