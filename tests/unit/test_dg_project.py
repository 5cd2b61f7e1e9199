"""Each location is a `dg` project: `dg check defs` and `dg list defs` work inside it."""

import json
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


def dg(location: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DG), *args], cwd=ROOT / location, capture_output=True, text=True, timeout=300
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
