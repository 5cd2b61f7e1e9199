"""``scripts/new-location <team>``: a new team's code location, generated whole.

It writes ``location_<team>/`` in Dagster's project layout (``[tool.dg]``,
``src/location_<team>/definitions.py``, ``defs/`` with an example Python asset reading a
published contract and an example YAML component), its unit tests under
``tests/unit/location_<team>/`` and the team's ``access/<team>.yaml`` (its members and roles in
the authenticated mode), then regenerates what lists the locations (workspace.yaml,
compose services, dg.toml). ``scripts/new-location`` then writes its lock and installs it.
Nothing else needs an edit: locks, tests, images and compose find locations by themselves.
"""

import sys
from collections.abc import Sequence
from pathlib import Path
from string import Template

from repo_tooling.generate_deployment import write_generated
from repo_tooling.locations import (
    LOCATION_PREFIX,
    TEAM_NAME,
    Location,
    discover_locations,
    repository_root,
)

TEMPLATE = Path(__file__).parent / "location_template"


def check_team_name(root: Path, team: str) -> None:
    """Refuse a team name that cannot make a location, saying which names can."""
    if not TEAM_NAME.match(team):
        raise ValueError(
            f"{team!r} cannot name a location: use lowercase letters, digits and underscores, "
            "starting with a letter (e.g. marketing, risk_ops)."
        )
    existing = {location.team for location in discover_locations(root)}
    if team in existing or (root / f"{LOCATION_PREFIX}{team}").exists():
        raise ValueError(
            f"location_{team}/ exists already (locations: {sorted(existing)}); pick another name."
        )


def render(location: Location) -> dict[Path, str]:
    """Every file of the new location (and its tests) with its content."""
    values = {"team": location.team, "package": location.name, "project": location.project}
    root = location.root.parent
    files: dict[Path, str] = {}
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE)
        parts = [
            part.replace("__package__", location.name).replace("__team__", location.team)
            for part in relative.with_suffix("").parts
        ]
        if parts[0] == "tests":
            target = root / "tests" / "unit" / location.name / Path(*parts[1:])
        elif parts[0] == "access":
            target = root / Path(*parts)
        else:
            target = location.root / Path(*parts)
        files[target] = Template(source.read_text()).substitute(values)
    files[root / "tests" / "unit" / location.name / "__init__.py"] = ""
    return files


def new_location(root: Path, team: str) -> list[Path]:
    """Write the location ``location_<team>`` into the repository at ``root``."""
    check_team_name(root, team)
    location = Location(root / f"{LOCATION_PREFIX}{team}")
    files = render(location)
    access = root / "access" / f"{team}.yaml"
    if access.exists():  # the team had a file before it had a location: keep its members
        del files[access]
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return [*files, *write_generated(root)]


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: scripts/new-location <team>   (e.g. scripts/new-location marketing)")
        return 2
    root = repository_root()
    try:
        written = new_location(root, argv[0])
    except ValueError as error:
        print(f"scripts/new-location: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
