"""Dagster's Postgres storages, surviving a Postgres crash or restart: pooled connections pinged.

The webserver keeps its database connections in pools (``optimize_for_webserver``: one connection
per storage). Without a ping before each use, the first requests after Postgres restarts use dead
connections and fail: HTTP 500 in the UI, and a launch that fails halfway leaves a run NOT_STARTED.
SQLAlchemy's remedy is ``pool_pre_ping``, which Dagster 1.13.27 does not expose. This is a
workaround for dagster-io/dagster#3812 (and #33879; PR #33961 adds the option): when Dagster
ships it, go back to ``storage: postgres:`` in dagster.yaml and delete this package.

Each class is its dagster-postgres storage, configured the same way (``postgres_db: ...``), whose
``optimize_for_webserver`` also turns the ping on. Other processes (daemon, run workers) open a
connection per use and need none. This is its own package, in shared_lib's distribution but
without shared_lib's dependencies, so the webserver and daemon image (no team code) loads it too.
"""

from typing import Any

from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config
from sqlalchemy import event, exc
from sqlalchemy.pool import Pool

__all__ = [
    "PlatformPostgresEventLogStorage",
    "PlatformPostgresRunStorage",
    "PlatformPostgresScheduleStorage",
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
