"""`scripts/new-location` in a copy of the repository: one command, and the new team is ready.

Right after it, with no other change: ruff is clean, the boundary checks and `dg check defs`
pass, the new location's own tests pass, its assets materialize from core's data, and no other
team's lock moved. (The end-to-end stack is built from such a copy too: see tests/conftest.py.)
"""

import subprocess
from pathlib import Path

import pytest

from platform_services.access.access_files import read_access_dir
from platform_services.access.policy import AccessPolicy, Identity
from platform_services.access.roles import Role
from tests.support.stack import ROOT, copy_repository

TEAM = "marketing"
MATERIALIZE_CORE_THEN_TEAM = f"""
import tempfile, os
os.environ["PLATFORM_DATA_DIR"] = tempfile.mkdtemp()
from dagster import DagsterInstance
from location_core.definitions import defs as core
from location_{TEAM}.definitions import defs as team
with DagsterInstance.ephemeral() as instance:
    config = {{"ops": {{"user_history": {{"config": {{"n_users": 500}}}}}}}}
    core_job = core().resolve_implicit_global_asset_job_def()
    selection = [key for key in core().resolve_asset_graph().materializable_asset_keys
                 if key.path[0] in ("user_history", "churn_model", "users") and len(key.path) == 1]
    assert core_job.execute_in_process(instance=instance, run_config=config,
                                       asset_selection=selection).success
    result = team().resolve_implicit_global_asset_job_def().execute_in_process(instance=instance)
    assert result.success
    print(sorted(e.asset_key.to_user_string() for e in result.get_asset_materialization_events()))
"""


def run(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository in which the new team has run the one command."""
    root = copy_repository(tmp_path_factory.mktemp("new-location") / "repo")
    created = run(root, "scripts/new-location", TEAM)
    assert created.returncode == 0, created.stdout + created.stderr
    return root


def changed_files(root: Path) -> list[str]:
    """What the command added or changed, compared with the repository it was copied from."""
    before = {path.relative_to(ROOT) for path in ROOT.rglob("*") if path.is_file()}
    changed = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or {".venv", "__pycache__", ".cache"} & set(relative.parts):
            continue
        if relative.name == "uv.lock":
            continue
        if relative not in before or (ROOT / relative).read_bytes() != path.read_bytes():
            changed.append(str(relative))
    return changed


def test_it_writes_the_location_its_tests_its_lock_and_its_deployment(repository: Path) -> None:
    location = f"location_{TEAM}"

    assert sorted(changed_files(repository)) == sorted(
        [
            "dg.toml",
            "docker-compose.yml",
            f"access/{TEAM}.yaml",
            "workspace.yaml",
            "deploy/compose.object-storage.yaml",
            "deploy/helm/values.yaml",
            f"requirements/{location}.txt",
            f"{location}/pyproject.toml",
            f"{location}/src/{location}/__init__.py",
            f"{location}/src/{location}/definitions.py",
            f"{location}/src/{location}/defs/__init__.py",
            f"{location}/src/{location}/defs/engaged_users.py",
            f"{location}/src/{location}/defs/{TEAM}_by_country/defs.yaml",
            f"tests/unit/{location}/__init__.py",
            f"tests/unit/{location}/test_definitions.py",
        ]
    )


def test_the_team_is_launcher_on_its_new_location_in_the_authenticated_mode(
    repository: Path,
) -> None:
    platform, teams = read_access_dir(repository / "access")
    locations = [f"location_{team}" for team in ("core", "features", TEAM)]
    policy = AccessPolicy.build(platform, teams, locations)
    teams[f"{TEAM}.yaml"].members.append("someone")
    member = AccessPolicy.build(platform, teams, locations).grants_for(Identity("someone"))

    assert policy.teams == ("core", "features", TEAM)
    assert member.role_on(f"location_{TEAM}") is Role.LAUNCHER
    assert member.role_on("location_core") is Role.VIEWER


def test_no_other_teams_lock_moves(repository: Path) -> None:
    for lock in (ROOT / "requirements").glob("*.txt"):
        assert (repository / "requirements" / lock.name).read_bytes() == lock.read_bytes(), lock


def test_ruff_is_clean_and_the_boundary_checks_pass(repository: Path) -> None:
    for command in (
        (".venv/bin/ruff", "check", "."),
        (".venv/bin/ruff", "format", "--check", "."),
        ("scripts/check-locations",),
    ):
        result = run(repository, *command)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"


def test_its_own_unit_tests_pass(repository: Path) -> None:
    result = run(
        repository, ".venv/bin/python", "-m", "pytest", "-q", f"tests/unit/location_{TEAM}"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout


def test_its_assets_materialize_from_cores_data(repository: Path) -> None:
    result = run(repository, ".venv/bin/python", "-c", MATERIALIZE_CORE_THEN_TEAM)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"'{TEAM}/engaged_users', '{TEAM}/users_by_country'" in result.stdout


def test_a_second_location_of_the_same_team_is_refused(repository: Path) -> None:
    again = run(repository, "scripts/new-location", TEAM)

    assert again.returncode != 0
    assert f"location_{TEAM}/ exists already" in again.stderr
