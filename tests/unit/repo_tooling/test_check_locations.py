"""The boundaries between teams: each mistake is named with the locations, the asset, the fix."""

from pathlib import Path

from repo_tooling.check_locations import check, duplicate_keys, foreign_imports
from repo_tooling.locations import Location, discover_locations
from tests.support.stack import ROOT


def test_the_repositorys_locations_respect_every_boundary() -> None:
    assert check(discover_locations(ROOT)) == []


def test_a_key_materialized_by_two_locations_names_both_and_the_fix() -> None:
    problems = duplicate_keys(
        {
            "location_core": [("churn_0p9_to_1p0/users", "core/defs.yaml:3")],
            "location_marketing": [("churn_0p9_to_1p0/users", "marketing/bands.py:12")],
            "location_features": [("features/tenure_years", None)],
        }
    )

    assert problems == [
        "Asset churn_0p9_to_1p0/users is materialized by 2 locations: location_core "
        "(core/defs.yaml:3), location_marketing (marketing/bands.py:12). An asset belongs to "
        "one team: rename it in all but one (a key prefix per team, e.g. key=['marketing', "
        "...]), and let the others read it through its published contract."
    ]


def test_importing_another_locations_package_names_the_file_and_line(tmp_path: Path) -> None:
    for team in ("core", "marketing"):
        (tmp_path / f"location_{team}" / "src" / f"location_{team}").mkdir(parents=True)
    offender = tmp_path / "location_marketing" / "src" / "location_marketing" / "assets.py"
    offender.write_text("import polars\n\nfrom location_core.defs.users import users\n")
    locations = [Location(tmp_path / "location_core"), Location(tmp_path / "location_marketing")]

    (problem,) = foreign_imports(locations)

    assert problem.startswith(f"{offender}:3: location_marketing imports location_core.defs.users")
    assert "published contracts" in problem
