"""The instance's Postgres storages (platform_services) ride out a Postgres restart."""

import logging
import socket

import pytest
import sqlalchemy
from sqlalchemy import event
from sqlalchemy.pool import Pool

import platform_services.instance_storage
from platform_services.instance_storage import CONNECT_PATIENCE_ENV, ping_before_use
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_connect_to_a_postgres_that_is_down_keeps_trying_for_the_patience_window(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(CONNECT_PATIENCE_ENV, "3")
    engine = sqlalchemy.create_engine(f"postgresql+psycopg2://u@127.0.0.1:{unused_port()}/db")

    with caplog.at_level(logging.WARNING), pytest.raises(sqlalchemy.exc.OperationalError):
        engine.connect()

    retries = [r for r in caplog.records if "Postgres unreachable" in r.getMessage()]
    assert len(retries) == 2  # after 0.5 s and 1 s; a 2 s wait would end past the 3 s window


def test_wrong_settings_fail_at_once_without_waiting(
    postgres: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = f"postgresql+psycopg2://no_such_role@{postgres.host}:{postgres.port}/{postgres.db}"

    with caplog.at_level(logging.WARNING), pytest.raises(sqlalchemy.exc.OperationalError) as error:
        sqlalchemy.create_engine(wrong).connect()

    assert 'role "no_such_role" does not exist' in str(error.value)
    assert not [r for r in caplog.records if "Postgres unreachable" in r.getMessage()]


def test_other_databases_connect_as_sqlalchemy_does() -> None:
    with sqlalchemy.create_engine("sqlite://").connect() as connection:
        assert connection.execute(sqlalchemy.text("SELECT 1")).scalar() == 1


def test_the_webserver_pings_pooled_connections_once_turned_on() -> None:
    ping_before_use()
    ping_before_use()

    assert event.contains(Pool, "checkout", platform_services.instance_storage._ping)
    engine = sqlalchemy.create_engine("sqlite://")
    with engine.connect() as connection:  # a live connection passes the ping
        assert connection.execute(sqlalchemy.text("SELECT 1")).scalar() == 1
