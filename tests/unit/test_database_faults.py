"""Which errors mean "the database cannot serve now" (a 503), and the time limits sessions get."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from app.config import Settings
from app.database import Limits, is_unavailable, tortoise_config
from tests.conftest import free_port


def server_error(sqlstate: str, severity: str = "ERROR") -> asyncpg.PostgresError:
    """The exception asyncpg builds from a server's ErrorResponse fields."""
    fields = {"C": sqlstate, "S": severity, "V": severity, "M": f"error {sqlstate}"}
    error: asyncpg.PostgresError = asyncpg.PostgresError.new(fields)
    return error


@pytest.mark.parametrize(
    ("sqlstate", "severity", "unavailable"),
    [
        ("08006", "FATAL", True),  # connection_failure
        ("08003", "ERROR", True),  # connection_does_not_exist
        ("57P01", "FATAL", True),  # admin_shutdown (pg_terminate_backend)
        ("57P03", "FATAL", True),  # cannot_connect_now (starting up, shutting down)
        ("57014", "ERROR", True),  # query_canceled by statement_timeout
        ("55P03", "ERROR", True),  # lock_not_available by lock_timeout
        ("53300", "FATAL", True),  # too_many_connections
        ("40P01", "ERROR", True),  # deadlock_detected
        ("25006", "ERROR", True),  # read_only_sql_transaction: a standby, or maintenance
        ("55000", "FATAL", True),  # database "x" is not currently accepting connections
        ("3D000", "FATAL", True),  # the database was dropped
        ("55000", "ERROR", False),  # object_not_in_prerequisite_state of a statement: a bug
        ("23505", "ERROR", False),  # unique_violation
        ("22003", "ERROR", False),  # numeric_value_out_of_range: bad input
        ("42P01", "ERROR", False),  # undefined_table: a bug
        ("53400", "ERROR", False),  # configuration_limit_exceeded (temp_file_limit)
    ],
)
def test_server_errors_are_classified_by_sqlstate_and_severity(sqlstate, severity, unavailable):
    assert is_unavailable(server_error(sqlstate, severity)) is unavailable


def test_client_side_asyncpg_errors():
    assert is_unavailable(asyncpg.InterfaceError("cannot call Connection.fetch(): closed"))
    assert is_unavailable(asyncpg.InternalClientError("waiter is not done"))
    # Subclasses of InterfaceError are bad arguments or configuration, not an outage.
    assert not is_unavailable(asyncpg.exceptions.DataError("invalid input for query argument"))
    assert not is_unavailable(asyncpg.ClientConfigurationError("bad sslmode"))


def raised_from(cause: Exception, wrapper: type[Exception], *, explicit: bool) -> Exception:
    """`wrapper(cause)` raised while handling `cause`, the way Tortoise translates errors."""

    def translate() -> None:
        try:
            raise cause
        except Exception as exc:
            if explicit:
                raise wrapper(exc) from exc
            raise wrapper(exc)  # noqa: B904  (Tortoise's SQLite client does exactly this)

    with pytest.raises(wrapper) as caught:
        translate()
    return caught.value


def test_tortoise_wrappers_are_looked_through():
    assert is_unavailable(DBConnectionError("Can't establish connection"))
    assert is_unavailable(raised_from(server_error("55P03"), OperationalError, explicit=True))
    assert not is_unavailable(raised_from(server_error("23505"), IntegrityError, explicit=True))


def test_a_locked_sqlite_database_is_unavailable_a_missing_table_is_not(tmp_path: Path):
    holder = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(tmp_path / "db.sqlite3", timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as locked:
            other.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(sqlite3.OperationalError) as missing:
            holder.execute("SELECT * FROM missing")
    finally:
        other.close()
        holder.close()
    assert is_unavailable(locked.value)
    assert is_unavailable(raised_from(locked.value, OperationalError, explicit=False))
    assert not is_unavailable(missing.value)
    assert not is_unavailable(raised_from(missing.value, OperationalError, explicit=False))


async def test_a_refused_connection_is_unavailable_a_client_hanging_up_is_not():
    with pytest.raises(ConnectionRefusedError) as refused:
        await asyncpg.connect(f"postgresql://u@127.0.0.1:{free_port()}/db", timeout=5)
    assert is_unavailable(refused.value)
    # The same types raised outside the database drivers: a client gone, a timer of ours.
    assert not is_unavailable(ConnectionResetError("Connection lost"))
    with pytest.raises(TimeoutError) as timed_out:
        await asyncio.wait_for(asyncio.sleep(1), 0.001)
    assert not is_unavailable(timed_out.value)


def test_time_limits_come_from_the_environment():
    assert (Settings().db_lock_timeout_ms, Settings().db_statement_timeout_ms) == (5000, 30000)
    settings = Settings.from_env(
        {"FAULTLINE_DB_LOCK_TIMEOUT_MS": "250", "FAULTLINE_DB_STATEMENT_TIMEOUT_MS": "9000"}
    )
    assert (settings.db_lock_timeout_ms, settings.db_statement_timeout_ms) == (250, 9000)


def test_every_application_session_gets_the_limits_but_migrations_do_not():
    limits = Limits(lock_timeout_ms=250, statement_timeout_ms=9000)
    postgres = tortoise_config("postgres://u@h:5432/db", 7, limits)["connections"]["default"]
    assert postgres["credentials"]["server_settings"] == {
        "lock_timeout": "250",
        "statement_timeout": "9000",
        "jit": "off",
    }
    assert postgres["credentials"]["timeout"] == 5.0  # to connect, not asyncpg's 60 s
    assert postgres["credentials"]["maxsize"] == "7"
    sqlite = tortoise_config("sqlite:///tmp/f.sqlite3", 7, limits)["connections"]["default"]
    assert sqlite["credentials"]["busy_timeout"] == 250
    assert sqlite["credentials"]["file_path"] == "/tmp/f.sqlite3"
    # Migrations (aerich) get the plain URL: a long index build must not hit the limits.
    assert tortoise_config("postgres://u@h:5432/db", 2)["connections"]["default"] == (
        "postgres://u@h:5432/db?maxsize=2&minsize=1"
    )
