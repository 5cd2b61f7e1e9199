"""`scripts/check-contracts` on a branch of a copy of the repository, against the real locations.

The core team edits its contract file on a branch; the check compares it with `main` and finds
the consumers by loading every location's definitions.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stack import copy_repository

USERS_SEGMENT = "      segment: {type: String, nullable: false}\n"
USERS_VERSION = "  - key: users\n    version: 1.0.0\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository, committed as `main`, on a branch `change`."""
    copy = copy_repository(tmp_path_factory.mktemp("repo"))
    git(copy, "init", "--quiet", "--initial-branch=main")
    git(copy, "add", "--all")
    git(copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "base")
    git(copy, "checkout", "--quiet", "-b", "change")
    return copy


@pytest.fixture
def core_contract(repo: Path) -> Iterator[Path]:
    path = repo / "contracts" / "core.yaml"
    original = path.read_text()
    yield path
    path.write_text(original)


def check_contracts(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "repo_tooling.check_contracts", "--root", str(repo)],
        capture_output=True,
        text=True,
    )


def test_dropping_a_column_fails_naming_the_consumers_that_read_it(core_contract: Path) -> None:
    text = core_contract.read_text()
    core_contract.write_text(text.replace(USERS_SEGMENT, "", 1))

    result = check_contracts(core_contract.parents[1])

    assert result.returncode == 1, result.stdout + result.stderr
    assert "since main" in result.stdout
    assert "users 1.0.0 -> 1.0.0: BREAKING, without a new major version: refused" in result.stdout
    assert "column segment (String) removed" in result.stdout
    assert "location_features: reports/segment_churn reads segment: breaks" in result.stdout
    assert "location_features: features/tenure_years (columns read not declared" in result.stdout
    assert "location_core:" not in result.stdout  # the producer is not its own consumer
    assert "version: 2.0.0" in result.stdout


def test_adding_a_nullable_column_passes(core_contract: Path) -> None:
    text = core_contract.read_text()
    core_contract.write_text(
        text.replace(USERS_SEGMENT, USERS_SEGMENT + "      nickname: {type: String}\n", 1)
    )

    result = check_contracts(core_contract.parents[1])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "users 1.0.0 -> 1.0.0: not breaking" in result.stdout
    assert "nullable column nickname (String) added" in result.stdout


def test_a_breaking_change_with_a_major_version_passes_and_warns_the_consumers(
    core_contract: Path,
) -> None:
    text = core_contract.read_text()
    edited = text.replace(USERS_SEGMENT, "", 1)
    core_contract.write_text(edited.replace(USERS_VERSION, USERS_VERSION.replace("1.0.0", "2.0.0")))

    result = check_contracts(core_contract.parents[1])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "users 1.0.0 -> 2.0.0: breaking, with a new major version: allowed" in result.stdout
    assert "location_features: reports/segment_churn reads segment: breaks" in result.stdout


def test_nothing_changed_passes(repo: Path) -> None:
    result = check_contracts(repo)

    assert result.returncode == 0
    assert "no published contract changed since main" in result.stdout
