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

from location_core.definitions import defs as load_core_defs
from location_features.definitions import defs as load_features_defs

ROOT = Path(__file__).resolve().parents[2]
DG = Path(sys.executable).parent / "dg"
LOCATIONS = {"location_core": load_core_defs, "location_features": load_features_defs}


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
    defs: Definitions = LOCATIONS[location]()
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
