"""Dagster's Postgres storages, surviving a Postgres crash or restart: pooled connections pinged.

The webserver keeps its database connections in pools (``optimize_for_webserver``: one connection
per storage). Without a ping before each use, the first requests after Postgres restarts use dead
connections and fail: HTTP 500 in the UI, and a launch that fails halfway leaves a run NOT_STARTED.
SQLAlchemy's remedy is ``pool_pre_ping``, which Dagster 1.13.27 does not expose. This is a
workaround for dagster-io/dagster#3812 (and #33879; PR #33961 adds the option): when Dagster
ships it, go back to ``storage: postgres:`` in dagster.yaml and delete this package.

Each class is its dagster-postgres storage, configured the same way (``postgres_db: ...``), whose
``optimize_for_webserver`` also turns the ping on. Other processes (daemon, run workers) open a
connection per use and need none.

And every new connection is patient: dagster-postgres retries a failed connect for about 6 s, less
than Postgres takes to come back after a crash (8-10 s measured here): a run worker writing its
events then gave up (in one trial a run in flight never ended SUCCESS). Loading this package
makes connects to Postgres retry for up to ``PLATFORM_POSTGRES_CONNECT_PATIENCE_SECONDS``
(default 60) in every process that loads the instance: run workers ride out a restart, and a
request sent while Postgres is away waits for it instead of failing.

It is part of platform_services, not of shared_lib: the webserver and daemon image (no team
code) loads it, as does every location's image (its code server and its runs load the instance).
"""

import logging
import os
import time
from typing import Any

from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config
from sqlalchemy import Engine, event, exc
from sqlalchemy.pool import Pool

__all__ = [
    "CONNECT_PATIENCE_ENV",
    "PlatformPostgresEventLogStorage",
    "PlatformPostgresRunStorage",
    "PlatformPostgresScheduleStorage",
    "connect_patiently",
    "ping_before_use",
]


def _ping(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """SQLAlchemy's pessimistic disconnect handling: a dead connection is replaced, not used."""
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as error:  # psycopg2's OperationalError or InterfaceError: it is dead
        # The pool discards the connection and checks out a fresh one (up to three times).
        raise exc.DisconnectionError("pooled connection lost; reconnecting") from error


CONNECT_PATIENCE_ENV = "PLATFORM_POSTGRES_CONNECT_PATIENCE_SECONDS"


def _connect_patiently(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> Any:
    """Open a Postgres connection, retrying while the server is down or starting up."""
    if dialect.name != "postgresql":
        return None  # SQLAlchemy's own connect
    patience = float(os.environ.get(CONNECT_PATIENCE_ENV) or 60)
    deadline = time.monotonic() + patience
    delay = 0.5
    while True:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as error:
            if _permanent(error) or time.monotonic() + delay > deadline:
                raise
            logging.getLogger(__name__).warning(
                "Postgres unreachable (%s); retrying for up to %.0f s in all",
                str(error).strip().splitlines()[0],
                patience,
            )
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


PERMANENT_ERRORS = (
    "authentication failed",
    "does not exist",
    "no password supplied",
    "pg_hba.conf",
    "permission denied",
)
"""Connect errors that waiting does not cure (wrong settings): reported at once."""


def _permanent(error: Exception) -> bool:
    return any(permanent in str(error) for permanent in PERMANENT_ERRORS)


def connect_patiently() -> None:
    """Make every new Postgres connection of this process retry for a while (idempotent)."""
    if not event.contains(Engine, "do_connect", _connect_patiently):
        event.listen(Engine, "do_connect", _connect_patiently)


def ping_before_use() -> None:
    """Ping every pooled connection of this process when it is checked out (idempotent)."""
    if not event.contains(Pool, "checkout", _ping):
        event.listen(Pool, "checkout", _ping)


class _PingedWhenPooled:
    """Built from the same config as dagster-postgres's storages; pinged once they pool."""

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> Any:
        return cls(
            inst_data=inst_data,  # type: ignore[call-arg]
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )

    def optimize_for_webserver(
        self, statement_timeout: int, pool_recycle: int, max_overflow: int
    ) -> None:
        super().optimize_for_webserver(  # type: ignore[misc]
            statement_timeout, pool_recycle, max_overflow
        )
        ping_before_use()


class PlatformPostgresRunStorage(_PingedWhenPooled, PostgresRunStorage):
    """Runs in Postgres; connections pinged before use in the webserver."""


class PlatformPostgresEventLogStorage(_PingedWhenPooled, PostgresEventLogStorage):
    """Event logs in Postgres; connections pinged before use in the webserver."""


class PlatformPostgresScheduleStorage(_PingedWhenPooled, PostgresScheduleStorage):
    """Schedules and sensors' state in Postgres; connections pinged before use in the webserver."""


connect_patiently()
