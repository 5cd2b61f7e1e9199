"""Fixtures shared by every test: an isolated data directory and, once per session, Postgres."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared_lib import DATA_DIR_ENV, PolarsParquetIOManager
from tests.support.postgres import (
    URL_ENV,
    PostgresServer,
    local_postgres,
    missing_binaries,
    server_from_url,
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh directory the platform's IO manager stores assets under (via the environment)."""
    directory = tmp_path / "data"
    directory.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV, str(directory))
    return directory


@pytest.fixture
def io_manager(data_dir: Path) -> PolarsParquetIOManager:
    return PolarsParquetIOManager(base_dir=str(data_dir))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server: the one named by PLATFORM_TEST_POSTGRES_URL, or a throwaway one."""
    if os.environ.get(URL_ENV):
        yield server_from_url(os.environ[URL_ENV])
        return
    missing = missing_binaries()
    if missing:
        # On CI the server binaries are part of the machine: their absence is a failure there.
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    with local_postgres() as server:
        yield server
