"""Each person's role on each code location, from the ``access/`` files and location ownership.

Defaults derived from ownership: a team is Launcher on its own location (``location_<team>``),
everyone signed in is Viewer elsewhere, the platform's admins are Admin everywhere. The files
only raise roles above those defaults. A policy is built whole at start or not at all: an
unknown location, a role below a default, a person in two teams that disagree — each an error
naming the file, the field and the fix.

>>> policy = AccessPolicy.build(
...     PlatformAccessFile(admins=["root"]),
...     {"core.yaml": TeamAccessFile(team="core", members=["alice"])},
...     locations=["location_core", "location_features"],
... )
>>> policy.grants_for(Identity("alice")).role_on("location_core").label
'launcher'
>>> policy.grants_for(Identity("alice")).role_on("location_features").label
'viewer'
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from platform_services.access.access_files import (
    AccessFileError,
    PlatformAccessFile,
    TeamAccessFile,
)
from platform_services.access.roles import Role

LOCATION_PREFIX = "location_"


@dataclass(frozen=True)
class Identity:
    """Who makes a request, as the proxy or a token established it."""

    name: str
    email: str | None = None
    groups: frozenset[str] = frozenset()
    via: str = "password"
    """How they signed in: ``password`` (the proxy), ``sso`` (trusted headers), ``token``."""


@dataclass(frozen=True)
class Grants:
    """What one identity may do: Admin everywhere, or a role per location (Viewer elsewhere)."""

    identity: Identity
    admin: bool
    roles: Mapping[str, Role] = field(default_factory=dict)
    teams: tuple[str, ...] = ()

    def role_on(self, location: str) -> Role:
        if self.admin:
            return Role.ADMIN
        return self.roles.get(location, Role.VIEWER)


@dataclass(frozen=True)
class _Team:
    name: str
    members: frozenset[str]
    sso_groups: frozenset[str]
    roles: Mapping[str, Role]
    people: Mapping[str, Mapping[str, Role]]


class AccessPolicy:
    """The roles of everyone, per location; built once at start (:meth:`build`)."""

    def __init__(
        self, admins: frozenset[str], admin_groups: frozenset[str], teams: tuple[_Team, ...]
    ) -> None:
        self._admins = admins
        self._admin_groups = admin_groups
        self._teams = teams
        self.grants_for = lru_cache(maxsize=4096)(self._grants_for)

    @classmethod
    def build(
        cls,
        platform: PlatformAccessFile,
        team_files: Mapping[str, TeamAccessFile],
        locations: Collection[str],
    ) -> "AccessPolicy":
        """The policy of these files over the workspace's ``locations``; raises
        :class:`AccessFileError` naming the file and field of the first problem."""
        known = sorted(locations)
        teams = tuple(_team(source, file, known) for source, file in sorted(team_files.items()))
        _reject_conflicting_memberships(teams, team_files)
        return cls(frozenset(platform.admins), frozenset(platform.admin_sso_groups), teams)

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(team.name for team in self._teams)

    def _grants_for(self, identity: Identity) -> Grants:
        names = {identity.name} | ({identity.email} if identity.email else set())
        if names & self._admins or identity.groups & self._admin_groups:
            return Grants(identity, admin=True, teams=("platform",))
        roles: dict[str, Role] = {}
        teams = []
        for team in self._teams:
            person = names & team.members
            if not person and not identity.groups & team.sso_groups:
                continue
            teams.append(team.name)
            own = {**team.roles}
            for name in person:
                own.update(
                    {
                        loc: max(own.get(loc, Role.VIEWER), r)
                        for loc, r in team.people.get(name, {}).items()
                    }
                )
            for location, role in own.items():
                roles[location] = max(roles.get(location, Role.VIEWER), role)
        return Grants(identity, admin=False, roles=roles, teams=tuple(teams))


def _team(source: str, file: TeamAccessFile, locations: list[str]) -> _Team:
    def location(name: str, field_path: str) -> str:
        if name not in locations:
            raise AccessFileError(
                f"{source}: {field_path}: no code location {name!r} in the workspace "
                f"(known: {', '.join(locations)})"
            )
        return name

    own = f"{LOCATION_PREFIX}{file.team}"
    roles = {own: Role.LAUNCHER} if own in locations else {}
    for name, label in file.roles.items():
        role = Role.named(label)
        if role < roles.get(location(name, f"roles.{name}"), Role.VIEWER):
            raise AccessFileError(
                f"{source}: roles.{name}: {label} is below the Launcher a team has on its own "
                "location; remove the line (the default) or give launcher or editor"
            )
        roles[name] = role
    people: dict[str, dict[str, Role]] = {}
    for person, grants in file.people.items():
        if person not in file.members:
            raise AccessFileError(
                f"{source}: people.{person}: not a member of team {file.team}; add them to "
                "members, or give them the role in their own team's file"
            )
        for name, label in grants.items():
            role = Role.named(label)
            team_role = roles.get(location(name, f"people.{person}.{name}"), Role.VIEWER)
            if role < team_role:
                raise AccessFileError(
                    f"{source}: people.{person}.{name}: {label} is below the team's "
                    f"{team_role.label} there; a person's role only adds to their team's"
                )
            people.setdefault(person, {})[name] = role
    return _Team(
        name=file.team,
        members=frozenset(file.members),
        sso_groups=frozenset(file.sso_groups),
        roles=roles,
        people=people,
    )


def _reject_conflicting_memberships(
    teams: tuple[_Team, ...], files: Mapping[str, TeamAccessFile]
) -> None:
    """A person (or an SSO group) in two teams whose roles differ somewhere: which one is meant
    cannot be guessed, so it is an error rather than the higher or the lower of the two."""
    sources = {file.team: source for source, file in files.items()}
    for i, first in enumerate(teams):
        for second in teams[i + 1 :]:
            shared = sorted(first.members & second.members) + sorted(
                f"sso group {g}" for g in first.sso_groups & second.sso_groups
            )
            for who in shared:
                for location in sorted(set(first.roles) | set(second.roles)):
                    a = first.roles.get(location, Role.VIEWER)
                    b = second.roles.get(location, Role.VIEWER)
                    if a != b:
                        raise AccessFileError(
                            f"{sources[second.name]}: members: {who} is also in team "
                            f"{first.name} ({sources[first.name]}), which is {a.label} on "
                            f"{location} where {second.name} is {b.label}; keep them in one "
                            "team and give the other role under people:"
                        )
