"""The code locations of a platform repository, discovered from its ``location_*/`` projects.

>>> [location.name for location in discover_locations()]  # doctest: +SKIP
['location_core', 'location_features']
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

LOCATION_PREFIX = "location_"
TEAM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


@dataclass(frozen=True)
class Location:
    """One team's code location: ``location_<team>/``, a Dagster project of its own."""

    root: Path

    @property
    def name(self) -> str:
        """Directory, Python package and Dagster location name: ``location_core``."""
        return self.root.name

    @property
    def team(self) -> str:
        return self.name.removeprefix(LOCATION_PREFIX)

    @property
    def service(self) -> str:
        """Its compose service and the host name of its code server: ``location-core``."""
        return self.name.replace("_", "-")

    @property
    def project(self) -> str:
        """Its Python distribution name: ``location-core``."""
        return self.service

    @property
    def package_dir(self) -> Path:
        return self.root / "src" / self.name

    @property
    def lock(self) -> Path:
        return self.root.parent / "requirements" / f"{self.name}.txt"


def repository_root(start: Path | None = None) -> Path:
    """The platform repository containing ``start`` (default: the working directory).

    It is the directory whose ``pyproject.toml`` declares the uv workspace.
    """
    here = (start or Path.cwd()).resolve()
    for directory in [here, *here.parents]:
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "workspace" in tomllib.loads(pyproject.read_text()).get(
            "tool", {}
        ).get("uv", {}):
            return directory
    raise FileNotFoundError(
        f"{here} is not inside the platform repository (no pyproject.toml with "
        "[tool.uv.workspace] above it); run this from the repository."
    )


def is_location(directory: Path) -> bool:
    """Whether ``directory`` is a code location: ``location_<team>/``, a dg project."""
    pyproject = directory / "pyproject.toml"
    if not (directory.name.startswith(LOCATION_PREFIX) and pyproject.is_file()):
        return False
    dg = tomllib.loads(pyproject.read_text()).get("tool", {}).get("dg", {})
    return dg.get("directory_type") == "project"


def discover_locations(root: Path | None = None) -> list[Location]:
    """Every code location of the repository, in name order."""
    base = root or repository_root()
    return [Location(d) for d in sorted(base.iterdir()) if d.is_dir() and is_location(d)]
