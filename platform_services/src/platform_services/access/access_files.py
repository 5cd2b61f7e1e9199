"""The ``access/`` files: who is on which team and what role a team or a person has where.

One file per team (``access/<team>.yaml``, owned by that team like its contract file) and one for
the platform (``access/platform.yaml``: its admins). Validated with pydantic; every error names
the file and the field, and nothing of a directory with one bad file is used.

>>> text = "team: core\\nmembers: [alice]\\nroles: {location_core: editor}"
>>> parse_team_file(text, "core.yaml").roles
{'location_core': 'editor'}
"""

from pathlib import Path
from typing import Annotated, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PLATFORM_FILE = "platform.yaml"
"""The platform team's file in the access directory: the admins."""

PersonName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")]
"""A sign-in name: the proxy's user name, an SSO user or e-mail, or an automation token's name."""
TeamRole = Literal["viewer", "launcher", "editor"]
"""The roles a team file can give; admin is the platform's to give (``platform.yaml``)."""


Model = TypeVar("Model", bound=BaseModel)


class AccessFileError(ValueError):
    """An ``access/`` file that cannot be used; the message names the file and the field."""


class PlatformAccessFile(BaseModel):
    """``access/platform.yaml``: who administers the platform (every permission everywhere)."""

    model_config = ConfigDict(extra="forbid")
    admins: list[PersonName] = []
    admin_sso_groups: list[str] = []


class TeamAccessFile(BaseModel):
    """``access/<team>.yaml``: the team's members and the roles beyond the defaults.

    Defaults: a team is Launcher on its own location (``location_<team>``), Viewer elsewhere.
    """

    model_config = ConfigDict(extra="forbid")
    team: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
    members: list[PersonName] = []
    sso_groups: list[str] = []
    """Members by SSO group (the proxy's groups header), besides those named."""
    roles: dict[str, TeamRole] = {}
    """The whole team's role on a location, by location name."""
    people: dict[PersonName, dict[str, TeamRole]] = {}
    """A member's own role on a location, above the team's."""


def _parse(model: type[Model], text: str, source: str) -> Model:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise AccessFileError(f"{source}: not valid YAML: {error}") from None
    try:
        return model.model_validate(document if document is not None else {})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(file)'}: {e['msg']}"
            for e in error.errors()
        )
        raise AccessFileError(f"{source}: {problems}") from None


def parse_team_file(text: str, source: str) -> TeamAccessFile:
    return _parse(TeamAccessFile, text, source)


def parse_platform_file(text: str, source: str) -> PlatformAccessFile:
    return _parse(PlatformAccessFile, text, source)


def read_access_dir(directory: Path) -> tuple[PlatformAccessFile, dict[str, TeamAccessFile]]:
    """The platform file and every team file (by file name) of ``directory``."""
    if not directory.is_dir():
        raise AccessFileError(f"{directory}: no such directory (the access files, README)")
    platform_path = directory / PLATFORM_FILE
    platform = (
        parse_platform_file(platform_path.read_text(), str(platform_path))
        if platform_path.is_file()
        else PlatformAccessFile()
    )
    teams: dict[str, TeamAccessFile] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == PLATFORM_FILE:
            continue
        team_file = parse_team_file(path.read_text(), str(path))
        if team_file.team != path.stem:
            raise AccessFileError(
                f"{path}: team: {team_file.team!r} in {path.name}; a team's file is named after "
                f"it: rename the file to {team_file.team}.yaml or set team: {path.stem}"
            )
        teams[path.name] = team_file
    return platform, teams
