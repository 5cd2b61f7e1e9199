"""Each location is a `dg` project: `dg check defs`, `dg list defs`, `dg list components` and
`dg scaffold defs` with shared_lib's components work inside it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import Definitions

from repo_tooling.check_locations import load_definitions
from repo_tooling.locations import discover_locations

ROOT = Path(__file__).resolve().parents[2]
DG = Path(sys.executable).parent / "dg"
LOCATIONS = {location.name: location for location in discover_locations(ROOT)}


SHARED_COMPONENTS = {
    "shared_lib.components.ChurnBandsComponent",
    "shared_lib.components.SqlAssetComponent",
    "shared_lib.components.UpstreamContractsComponent",
}


def dg(location: str | Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    directory = location if isinstance(location, Path) else ROOT / location
    return subprocess.run(
        [str(DG), *args],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("location", LOCATIONS)
def test_dg_check_defs_passes(location: str) -> None:
    result = dg(location, "check", "defs")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout


@pytest.mark.parametrize("location", LOCATIONS)
def test_dg_list_defs_lists_the_locations_assets(location: str) -> None:
    result = dg(location, "list", "defs", "--json")
    assert result.returncode == 0, result.stderr

    assets = json.loads(result.stdout)["assets"]
    listed = {asset["asset_key"] for asset in assets if asset["is_executable"]}
    defs: Definitions = load_definitions(LOCATIONS[location])
    graph = defs.resolve_asset_graph()
    assert listed == {key.to_user_string() for key in graph.materializable_asset_keys}


@pytest.mark.parametrize("location", LOCATIONS)
def test_dg_list_components_lists_shared_libs_components(location: str) -> None:
    result = dg(location, "list", "components", "--json")
    assert result.returncode == 0, result.stderr

    listed = {component["key"] for component in json.loads(result.stdout)["items"]}
    assert listed >= SHARED_COMPONENTS


@pytest.mark.parametrize("location", LOCATIONS)
def test_dg_scaffold_defs_writes_a_defs_yaml_that_loads_for_each_component(
    location: str, tmp_path: Path
) -> None:
    copy = tmp_path / location
    shutil.copytree(ROOT / location, copy, ignore=shutil.ignore_patterns("__pycache__"))
    # The copy's package first on the path, so dg loads it rather than the installed one.
    source = {"PYTHONPATH": str(copy / "src")}

    for component in sorted(SHARED_COMPONENTS):
        folder = f"team_example/{component.rsplit('.', 1)[1]}"
        scaffolded = dg(copy, "scaffold", "defs", component, folder, **source)
        assert scaffolded.returncode == 0, scaffolded.stdout + scaffolded.stderr
        written = copy / "src" / location / "defs" / folder / "defs.yaml"
        assert f"type: {component}" in written.read_text()

    checked = dg(copy, "check", "defs", **source)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "All definitions loaded successfully" in checked.stdout


def repository_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The repository's files in ``tmp_path``, each location on this environment, and the
    environment that makes dg load the copy's code rather than the installed one."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    copy = tmp_path / "repo"
    for name in listed:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    sources = [str(copy / "shared_lib" / "src")]
    for location in LOCATIONS:
        (copy / location / ".venv").symlink_to(Path(sys.executable).parents[1])
        sources.append(str(copy / location / "src"))
    return copy, {"PYTHONPATH": os.pathsep.join(sources), "DAGSTER_HOME": str(tmp_path)}


def test_dg_check_defs_from_the_root_checks_every_location(tmp_path: Path) -> None:
    copy, env = repository_copy(tmp_path)
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    assert dg(copy, "check", "defs", **env).returncode == 0

    for location in LOCATIONS:
        defs = copy / location / "src" / location / "defs" / "injected_by_test.py"
        defs.write_text(f"raise RuntimeError('injected into {location}')\n")
    result = dg(copy, "check", "defs", **env)

    assert result.returncode != 0
    for location in LOCATIONS:
        assert f"injected into {location}" in result.stdout + result.stderr
