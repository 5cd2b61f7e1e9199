"""A throwaway PostgreSQL server from the host's binaries, for tests that need a real one."""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

URL_ENV = "PLATFORM_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class PostgresServer:
    """Connection settings of a running server; ``env`` is what dagster.yaml reads."""

    host: str
    port: int
    user: str
    password: str
    db: str

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}" if self.password else self.user
        return f"postgresql+psycopg2://{auth}@{self.host}:{self.port}/{self.db}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "DAGSTER_POSTGRES_HOST": self.host,
            "DAGSTER_POSTGRES_PORT": str(self.port),
            "DAGSTER_POSTGRES_USER": self.user,
            "DAGSTER_POSTGRES_PASSWORD": self.password,
            "DAGSTER_POSTGRES_DB": self.db,
        }


def find_binary(name: str) -> str | None:
    """``name`` on PATH or in Debian's versioned PostgreSQL directory."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_binaries() -> str | None:
    """Why no local server can be started, or ``None`` when it can."""
    if find_binary("initdb") and find_binary("pg_ctl"):
        return None
    return (
        "PostgreSQL server binaries (initdb, pg_ctl) are not installed: install PostgreSQL 15+ "
        f"or point {URL_ENV} at a server (postgresql://user:password@host:port/db)."
    )


@contextlib.contextmanager
def local_postgres(db: str = "dagster_test") -> Iterator[PostgresServer]:
    """Start a server on a free loopback port, create ``db``, and remove everything afterwards.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user.
    """
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
        raise FileNotFoundError(missing_binaries())
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="platform-pg-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data, port, user = root / "data", _free_port(), "dagster"
    try:
        subprocess.run(
            [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", user, "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(root / "log")
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", log, "-w", "start"],
            check=True,
            capture_output=True,
        )
        try:
            server = PostgresServer("127.0.0.1", port, user, "", "postgres")
            _create_database(server, db)
            yield PostgresServer("127.0.0.1", port, user, "", db)
        finally:
            subprocess.run(
                [*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _create_database(server: PostgresServer, db: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(server.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{db}"'))
    engine.dispose()


def server_from_url(url: str) -> PostgresServer:
    """Settings of an existing server given as ``postgresql://user:password@host:port/db``."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return PostgresServer(
        parsed.host or "127.0.0.1",
        parsed.port or 5432,
        parsed.username or "postgres",
        parsed.password or "",
        parsed.database or "postgres",
    )
