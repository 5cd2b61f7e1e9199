"""The access files: parsed whole, every error naming the file and the field."""

from pathlib import Path

import pytest

from platform_services.access.access_files import (
    AccessFileError,
    parse_team_file,
    read_access_dir,
)

ROOT = Path(__file__).parents[4]


def test_the_repository_s_access_files_are_valid() -> None:
    platform, teams = read_access_dir(ROOT / "access")

    assert "admin" in platform.admins
    assert {"core.yaml", "features.yaml"} <= set(teams)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("team: core\nmembers: [a\n", "core.yaml: not valid YAML"),
        ("team: core\nroles: {location_core: owner}\n", "core.yaml: roles.location_core: Input"),
        ("team: core\nmembers: ['has space']\n", "core.yaml: members.0: String should match"),
        ("team: Core\n", "core.yaml: team: String should match"),
        ("team: core\nmember: [a]\n", "core.yaml: member: Extra inputs are not permitted"),
    ],
)
def test_an_invalid_file_names_itself_and_the_field(text: str, message: str) -> None:
    with pytest.raises(AccessFileError, match=message):
        parse_team_file(text, "core.yaml")


def test_a_team_file_is_named_after_its_team(tmp_path: Path) -> None:
    (tmp_path / "core.yaml").write_text("team: features\n")

    with pytest.raises(AccessFileError, match="rename the file to features\\.yaml"):
        read_access_dir(tmp_path)
