"""Database lifecycle: Tortoise configuration from a URL, startup migrations, readiness probe.

Migrations are aerich files, one set per dialect (`migrations/postgres`, `migrations/sqlite`),
both generated from `models`. On PostgreSQL the upgrade runs under an advisory lock so that
several processes starting at once apply each migration exactly once.

The application's sessions run under `Limits` (lock and statement timeouts), so a locked table
costs a request seconds, not a hang; `is_unavailable` tells a database that cannot serve now
(a 503 to retry) from a bug or a bad request (a 500 or a 4xx).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import DBConnectionError

import migrations
from app.config import MIGRATION_LOCK_TIMEOUT_S, Settings, database_dialect
from app.problems import EXIT_CONFIG, StartupProblem

log = logging.getLogger(__name__)

MODELS_MODULE = "models"
# Any constant works; it only has to be the same for every Faultline process.
MIGRATION_LOCK_KEY = 0x6661756C74  # "fault"
READY_TIMEOUT_S = 2.0
# asyncpg waits 60 s for a connection by default; a server that is away should cost less.
CONNECT_TIMEOUT_S = 5.0

# SQLSTATE classes and codes that say "not now" rather than "never": connection exception (08),
# operator intervention (57: shutdown, cannot connect now, statement_timeout's query_canceled),
# insufficient resources (53) except a configured limit (53400 temp_file_limit),
# lock_not_available (lock_timeout), serialization failure and deadlock, and a database that
# is read-only for now (a hot standby after failover, default_transaction_read_only).
_UNAVAILABLE_SQLSTATES = (
    *("08", "57", "53000", "53100", "53200", "53300"),
    *("55P03", "40001", "40P01", "25006"),
)
# A server error of these severities ends the session, whatever its code (e.g. 55000 "database
# is not currently accepting connections", 3D000 a dropped database).
_SESSION_ENDING = ("FATAL", "PANIC")
_SQLITE_UNAVAILABLE = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL)
# Packages whose OSError or TimeoutError is about the database; elsewhere (a client hanging
# up mid-body) the same types mean something else.
_DRIVERS = ("asyncpg", "aiosqlite", "sqlite3", "tortoise")


@dataclass(frozen=True, slots=True)
class Limits:
    """Time limits on every session of the application (migrations run without them)."""

    lock_timeout_ms: int
    statement_timeout_ms: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.db_lock_timeout_ms, settings.db_statement_timeout_ms)

    def postgres_settings(self) -> dict[str, str]:
        return {
            "lock_timeout": str(self.lock_timeout_ms),
            "statement_timeout": str(self.statement_timeout_ms),
            # The planner charges every EXISTS of an OR in full (a search's event probe that
            # the flag skips): its estimate passes jit_above_cost, and compiling costs
            # 15-35 ms on a statement that runs in 1 ms. No query here is long enough to gain.
            "jit": "off",
        }


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc`, or an error it was raised from, says the database cannot serve now.

    Such a request may succeed if retried (a 503 with Retry-After); anything else is a bug or
    bad input.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _says_unavailable(current):
            return True
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return False


def _says_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.PostgresError):
        sqlstate = getattr(exc, "sqlstate", None) or ""
        severity = getattr(exc, "severity_en", None) or getattr(exc, "severity", None)
        return sqlstate.startswith(_UNAVAILABLE_SQLSTATES) or severity in _SESSION_ENDING
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", 0) & 0xFF in _SQLITE_UNAVAILABLE
    # Plain InterfaceError is a closed connection or pool; its subclasses (DataError, …) are bugs.
    # InternalClientError is asyncpg's protocol state lost with its connection.
    if isinstance(exc, DBConnectionError | asyncpg.InternalClientError) or (
        type(exc) is asyncpg.InterfaceError
    ):
        return True
    # ConnectionError and TimeoutError included; DBConnectionError is one too, hence the order.
    return isinstance(exc, OSError) and _raised_in_driver(exc)


def _raised_in_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if isinstance(module, str) and module.partition(".")[0] in _DRIVERS:
            return True
        tb = tb.tb_next
    return False


def tortoise_url(database_url: str, pool_size: int = 20) -> str:
    """Tortoise-compatible URL: `postgresql://` accepted, pool size set unless given."""
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url.removeprefix("postgresql://")
    if not database_url.startswith("postgres://"):
        return database_url
    parts = urlsplit(database_url)
    query = dict(parse_qsl(parts.query))
    if "maxsize" not in query and "max_size" not in query:
        query["maxsize"] = str(pool_size)
    query.setdefault("minsize", "1")
    return urlunsplit(parts._replace(query=urlencode(query)))


def asyncpg_dsn(database_url: str) -> str:
    """The same URL for plain asyncpg, which rejects tortoise's pool parameters."""
    parts = urlsplit(tortoise_url(database_url))
    query = {
        k: v
        for k, v in parse_qsl(parts.query)
        if k not in ("maxsize", "max_size", "minsize", "min_size")
    }
    return urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query)))


def tortoise_config(
    database_url: str, pool_size: int = 20, limits: Limits | None = None
) -> dict[str, Any]:
    url = tortoise_url(database_url, pool_size)
    return {
        "connections": {"default": url if limits is None else _limited(url, limits)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE, "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _limited(url: str, limits: Limits) -> dict[str, Any]:
    """Tortoise's expanded form of `url` with the limits set on each new connection."""
    connection = expand_db_url(url)
    credentials: dict[str, Any] = connection["credentials"]
    if dialect(url) == "postgres":
        credentials.setdefault("timeout", CONNECT_TIMEOUT_S)
        credentials["server_settings"] = limits.postgres_settings()
        credentials["reset"] = keep_session
    else:
        # SQLite has no statement timeout; a lock waits this long, then "database is locked".
        credentials.setdefault("busy_timeout", limits.lock_timeout_ms)
        connection["engine"] = "app.sqlite_engine"  # transactions begin IMMEDIATE
    return connection


async def keep_session(connection: asyncpg.Connection) -> None:
    """What a released pooled connection gets beyond asyncpg's own reset (a transaction left
    open rolled back, listeners dropped): nothing. asyncpg's default also sends a reset query
    (advisory locks, cursors, LISTENs, settings), a round trip and server work after every
    statement outside a transaction, for state no pooled connection here is left with: LISTEN
    and advisory locks have connections of their own, and nothing SETs a session."""


def dialect(database_url: str) -> str:
    return database_dialect(database_url)


def migrations_location(database_url: str) -> Path:
    return Path(migrations.__file__).parent / dialect(database_url)


def ensure_sqlite_directory(database_url: str) -> None:
    """Create the folder of a SQLite file so the zero-config default works on first use."""
    if dialect(database_url) != "sqlite":
        return
    path = _sqlite_path(database_url)
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def init(database_url: str, pool_size: int = 20, limits: Limits | None = None) -> None:
    ensure_sqlite_directory(database_url)
    # The executor cache is keyed by table, not dialect: a process that switches backends
    # (the test suite) would reuse SQL with the other dialect's placeholders.
    EXECUTOR_CACHE.clear()
    limits = limits or Limits.of(Settings())
    await Tortoise.init(config=tortoise_config(database_url, pool_size, limits))


async def close() -> None:
    await Tortoise.close_connections()


async def migrate(
    database_url: str,
    *,
    lock_timeout_s: float = MIGRATION_LOCK_TIMEOUT_S,
    allow_foreign_tables: bool = False,
) -> list[str]:
    """Apply pending migrations; returns the names applied. Safe to run from many processes.

    A database holding other applications' tables is refused unless `allow_foreign_tables`.
    """
    ensure_sqlite_directory(database_url)
    if dialect(database_url) == "postgres":
        lock_conn = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            await _take_migration_lock(lock_conn, lock_timeout_s)
            if not allow_foreign_tables:
                name = await lock_conn.fetchval("SELECT current_database()")
                _refuse_foreign(name, await lock_conn.fetch(_PG_TABLES))
            return await _upgrade(database_url)
        finally:
            await lock_conn.close()  # closing the session releases the lock
    if not allow_foreign_tables:
        _refuse_foreign(_sqlite_path(database_url), _sqlite_tables(database_url))
    return await _upgrade(database_url)


# Tables and views of every schema but PostgreSQL's own.
_PG_TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
"""
# PostgreSQL's own databases: never a place for an application's tables.
_MAINTENANCE_DATABASES = frozenset({"postgres", "template0", "template1"})


async def _take_migration_lock(conn: asyncpg.Connection, timeout_s: float) -> None:
    # An advisory lock wait obeys lock_timeout like any other lock wait.
    await conn.execute(f"SET lock_timeout = {max(1, round(timeout_s * 1000))}")
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    except asyncpg.LockNotAvailableError:
        raise StartupProblem(
            f"another process has held the migration lock for more than {timeout_s:g} s; "
            "wait for it to finish (or end it: pg_stat_activity shows its session) and retry, "
            "or raise FAULTLINE_MIGRATION_LOCK_TIMEOUT_S"
        ) from None
    await conn.execute("RESET lock_timeout")


def _refuse_foreign(database: str, rows: Sequence[Any]) -> None:
    """Raise unless the database is empty, Faultline's, or holds only Faultline's tables."""
    tables = {row[0] for row in rows}
    if {"aerich", "project"} <= tables:
        return  # migrated by Faultline before: its tables, and consent to any others
    foreign = sorted(tables - _faultline_tables())
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        what = f"database {database!r} holds tables of another application ({shown})"
    elif database in _MAINTENANCE_DATABASES:
        what = f"database {database!r} is PostgreSQL's own"
    else:
        return
    raise StartupProblem(
        f"{what}; point DATABASE_URL at a database of Faultline's own (createdb faultline), "
        "or pass --allow-foreign-tables to add Faultline's tables to it",
        EXIT_CONFIG,
    )


def _faultline_tables() -> set[str]:
    import models

    found = {"aerich"}
    for name in models.__all__:
        meta = getattr(getattr(models, name), "_meta", None)
        if meta is not None:
            found.add(meta.db_table)
    return found


def _sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite://").split("?", 1)[0]


def _sqlite_tables(database_url: str) -> list[tuple[str]]:
    path = _sqlite_path(database_url)
    if path == ":memory:" or not Path(path).exists():
        return []
    with closing(sqlite3.connect(path)) as conn:
        rows: list[tuple[str]] = conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return rows


async def _upgrade(database_url: str) -> list[str]:
    from aerich import Command
    from tortoise.context import TortoiseContext

    EXECUTOR_CACHE.clear()  # see init()
    # aerich inits and closes Tortoise itself: give it a context of its own so the
    # application's connections (if any) are left alone.
    with TortoiseContext():
        async with Command(
            tortoise_config=tortoise_config(database_url, pool_size=2),
            app="models",
            location=str(migrations_location(database_url)),
        ) as command:
            applied = await command.upgrade(run_in_transaction=True)
    for name in applied:
        log.info("applied migration %s", name)
    return applied


async def ping() -> bool:
    """True when the database answers a trivial query within READY_TIMEOUT_S."""
    try:
        conn = connections.get("default")
        await asyncio.wait_for(conn.execute_query("SELECT 1"), READY_TIMEOUT_S)
    except Exception:  # any failure means "not ready"; the reason is logged at debug level
        log.debug("database ping failed", exc_info=True)
        return False
    return True
