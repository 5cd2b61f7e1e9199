"""What the platform generates from its list of locations is never stale and never hand-kept."""

from pathlib import Path

import yaml

from repo_tooling.compose_files import workspace_yaml
from repo_tooling.generate_deployment import stale_files
from repo_tooling.locations import Location, discover_locations
from tests.support.stack import ROOT


def test_the_committed_generated_files_match_the_locations() -> None:
    assert stale_files(ROOT) == [], "run scripts/generate-deployment"


def test_the_workspace_has_one_code_server_per_location() -> None:
    locations = [Location(Path("/repo/location_core")), Location(Path("/repo/location_risk_ops"))]

    entries = yaml.safe_load(workspace_yaml(locations))["load_from"]

    assert entries == [
        {"grpc_server": {"host": "location-core", "port": 4000, "location_name": "location_core"}},
        {
            "grpc_server": {
                "host": "location-risk-ops",
                "port": 4000,
                "location_name": "location_risk_ops",
            }
        },
    ]


def test_locations_are_the_location_directories_that_are_dg_projects(tmp_path: Path) -> None:
    for name, dg in [("location_a", True), ("location_b", False), ("not_a_location", True)]:
        (tmp_path / name).mkdir()
        table = '[tool.dg]\ndirectory_type = "project"\n' if dg else "[project]\nname = 'x'\n"
        (tmp_path / name / "pyproject.toml").write_text(table)

    assert [location.name for location in discover_locations(tmp_path)] == ["location_a"]


def test_the_repository_lists_core_and_features() -> None:
    names = [location.name for location in discover_locations(ROOT)]

    assert {"location_core", "location_features"} <= set(names)
