"""Roles per location from the access files: the defaults from ownership, what the files add,
and the contradictions that stop the start."""

import pytest

from platform_services.access.access_files import (
    AccessFileError,
    PlatformAccessFile,
    TeamAccessFile,
)
from platform_services.access.policy import AccessPolicy, Identity
from platform_services.access.roles import Role

LOCATIONS = ["location_core", "location_features"]


def policy(*teams: TeamAccessFile, admins: tuple[str, ...] = ()) -> AccessPolicy:
    files = {f"{team.team}.yaml": team for team in teams}
    return AccessPolicy.build(PlatformAccessFile(admins=list(admins)), files, LOCATIONS)


def roles(policy: AccessPolicy, identity: Identity) -> dict[str, str]:
    grants = policy.grants_for(identity)
    return {location: grants.role_on(location).label for location in LOCATIONS}


def test_a_team_is_launcher_on_its_own_location_and_viewer_elsewhere() -> None:
    core = TeamAccessFile(team="core", members=["alice"])

    assert roles(policy(core), Identity("alice")) == {
        "location_core": "launcher",
        "location_features": "viewer",
    }


def test_someone_signed_in_in_no_team_is_viewer_everywhere() -> None:
    assert roles(policy(TeamAccessFile(team="core")), Identity("stranger")) == {
        "location_core": "viewer",
        "location_features": "viewer",
    }


def test_admins_are_admin_everywhere_by_name_or_sso_group() -> None:
    admins = AccessPolicy.build(
        PlatformAccessFile(admins=["root"], admin_sso_groups=["platform"]), {}, LOCATIONS
    )

    assert admins.grants_for(Identity("root")).admin
    assert admins.grants_for(Identity("x", groups=frozenset({"platform"}))).admin
    assert admins.grants_for(Identity("x")).role_on("location_core") is Role.VIEWER


def test_a_team_role_and_a_person_role_add_to_the_defaults() -> None:
    core = TeamAccessFile(
        team="core",
        members=["alice", "bob"],
        roles={"location_features": "launcher"},
        people={"bob": {"location_core": "editor"}},
    )
    team = policy(core)

    assert roles(team, Identity("alice")) == {
        "location_core": "launcher",
        "location_features": "launcher",
    }
    assert roles(team, Identity("bob"))["location_core"] == "editor"


def test_membership_by_email_or_sso_group() -> None:
    core = TeamAccessFile(team="core", members=["ann@example.com"], sso_groups=["data-core"])
    team = policy(core)

    assert team.grants_for(Identity("ann", email="ann@example.com")).teams == ("core",)
    assert team.grants_for(Identity("zed", groups=frozenset({"data-core"}))).teams == ("core",)


@pytest.mark.parametrize(
    ("teams", "message"),
    [
        ([TeamAccessFile(team="core", roles={"location_sales": "editor"})],
         "core.yaml: roles.location_sales: no code location 'location_sales' in the workspace"),
        ([TeamAccessFile(team="core", roles={"location_core": "viewer"})],
         "core.yaml: roles.location_core: viewer is below the Launcher a team has"),
        ([TeamAccessFile(team="core", people={"bob": {"location_core": "editor"}})],
         "core.yaml: people.bob: not a member of team core"),
        ([TeamAccessFile(team="core", members=["bob"]),
          TeamAccessFile(team="features", members=["bob"])],
         "features.yaml: members: bob is also in team core"),
    ],
    ids=["unknown-location", "below-default", "person-not-a-member", "two-teams-conflicting"],
)  # fmt: skip
def test_contradictions_are_errors_naming_the_file_and_the_field(
    teams: list[TeamAccessFile], message: str
) -> None:
    with pytest.raises(AccessFileError, match=message):
        policy(*teams)


def test_a_person_in_two_teams_that_agree_is_no_conflict() -> None:
    both = policy(
        TeamAccessFile(team="core", members=["bob"], roles={"location_features": "launcher"}),
        TeamAccessFile(team="features", members=["bob"], roles={"location_core": "launcher"}),
    )

    assert roles(both, Identity("bob")) == {
        "location_core": "launcher",
        "location_features": "launcher",
    }
