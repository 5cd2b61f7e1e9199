"""Repository policy: locks are hash-pinned and portable, and nothing tracked names an index."""

import re
import subprocess
from pathlib import Path

import pytest

from repo_tooling.locations import discover_locations

ROOT = Path(__file__).resolve().parents[2]
LOCKS = sorted((ROOT / "requirements").glob("*.txt"))
INDEX_OPTION = re.compile(
    r"(^|\s)(-i|-f|--index-url|--extra-index-url|--find-links|--trusted-host|--index)(\s|=|$)"
    r"|index-url\s*=|find-links\s*=|\[\[tool\.uv\.index\]\]|^\s*\[\[?index"
)
URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
PACKAGING_FILES = re.compile(
    r"(requirements[^/]*\.txt|constraints[^/]*\.txt|\.lock|pyproject\.toml|Dockerfile[^/]*|"
    r"\.cfg|\.ini|pip\.conf|uv\.toml|\.python-version)$"
)


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [name for name in listed if (ROOT / name).is_file()]


def test_there_is_a_lock_per_deployable_unit() -> None:
    locations = {location.name for location in discover_locations(ROOT)}

    assert {lock.stem for lock in LOCKS} == {
        *locations,
        "instance",
        "instance-docker",
        "instance-docker-s3",
        "instance-kubernetes",
        "platform",
        "build",
        "object_storage",
        "dev",
    }


@pytest.mark.parametrize("lock", LOCKS, ids=[lock.name for lock in LOCKS])
def test_every_locked_package_is_pinned_with_a_hash(lock: Path) -> None:
    requirements = re.split(r"\n(?=\S)", lock.read_text())
    packages = [r for r in requirements if r.strip() and not r.startswith("#")]

    assert packages
    for requirement in packages:
        assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==\S+", requirement), requirement
        assert "--hash=sha256:" in requirement, requirement


def test_uv_lock_is_not_tracked() -> None:
    assert "uv.lock" not in [Path(name).name for name in tracked_files()]


def test_no_tracked_packaging_file_names_an_index_or_a_download_address() -> None:
    offenders = []
    for name in tracked_files():
        if not PACKAGING_FILES.search(name):
            continue
        for number, line in enumerate((ROOT / name).read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if INDEX_OPTION.search(code) or URL.search(code):
                offenders.append(f"{name}:{number}: {line.strip()}")

    assert offenders == []


@pytest.mark.parametrize(
    "line",
    [
        "--index-url file:///srv/simple",
        "--extra-index-url=file:///srv/simple",
        "-f /opt/wheels",
        "--find-links ./wheels",
        "--trusted-host mirror",
        "polars @ file:///wheels/polars.whl",
        'index-url = "file:///srv/simple"',
    ],
)
def test_the_policy_recognises_index_options_and_addresses(line: str) -> None:
    assert INDEX_OPTION.search(line) or URL.search(line)
