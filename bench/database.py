"""The bench database: made afresh, the bench project created in it, and read back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sqlite3
import subprocess
import time
from typing import Any

import asyncpg

from app.config import database_dialect
from app.database import asyncpg_dsn
from bench.children import faultline_command, server_env
from bench.common import REPO, BenchError

STORED_TIMEOUT_S = 60.0


def database_url_for(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rstrip("/").rpartition("/")
    return f"{base}/{name}"


async def recreate_database(admin_url: str, name: str) -> str:
    connection = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return database_url_for(admin_url, name)


class Database:
    """Read-only look-ups in the bench database (PostgreSQL, or SQLite for a --database-url)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pg: asyncpg.Connection | None = None

    async def __aenter__(self) -> Database:
        if database_dialect(self.url) == "postgres":
            self._pg = await asyncpg.connect(asyncpg_dsn(self.url))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pg is not None:
            await self._pg.close()

    @property
    def postgres(self) -> asyncpg.Connection:
        """The connection, for writes (PostgreSQL only)."""
        if self._pg is None:
            raise BenchError("this needs a PostgreSQL database")
        return self._pg

    async def value(self, sql: str, *args: Any) -> Any:
        """The first column of the first row (None without rows)."""
        column = await self.column(sql, *args)
        return column[0] if column else None

    async def column(self, sql: str, *args: Any) -> list[Any]:
        """The first column of every row; `?` placeholders on both backends."""
        if self._pg is not None:
            numbers = iter(range(1, len(args) + 1))
            rows = await self._pg.fetch(re.sub(r"\?", lambda _: f"${next(numbers)}", sql), *args)
            return [row[0] for row in rows]
        path = self.url.removeprefix("sqlite://").split("?", 1)[0]

        def query() -> list[Any]:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                return [row[0] for row in conn.execute(sql, args).fetchall()]

        return await asyncio.to_thread(query)

    async def pg_counters(self) -> dict[str, int]:
        """Commits in this database, WAL bytes and WAL syncs of the cluster (PostgreSQL only)."""
        if self._pg is None:
            return {}
        row = await self._pg.fetchrow(
            "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())"
            " AS commits, pg_current_wal_lsn() - '0/0'::pg_lsn AS wal_bytes,"
            " (SELECT wal_sync FROM pg_stat_wal) AS wal_syncs"
        )
        return {key: int(row[key] or 0) for key in ("commits", "wal_bytes", "wal_syncs")}


async def create_project(database_url: str) -> dict[str, Any]:
    project: dict[str, Any] = json.loads(
        await faultline_cli(database_url, "project", "create", "bench")
    )
    return project


async def create_token(database_url: str) -> str:
    """A new API token (`faultline token create` prints it on its last line)."""
    out = await faultline_cli(database_url, "token", "create", "--description", "bench")
    return out.strip().splitlines()[-1].strip()


async def faultline_cli(database_url: str, *args: str) -> str:
    """Runs `faultline ARGS` against the database; its standard output."""
    process = await asyncio.create_subprocess_exec(
        *faultline_command(),
        *args,
        env=server_env(database_url),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 120)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise BenchError(f"faultline {' '.join(args)} failed: {err.decode(errors='replace')}")
    return out.decode()


async def wait_stored(
    db: Database, project_id: int, accepted: int, load_end: float
) -> tuple[int, float, float]:
    """(stored count, when the last accepted event was stored, seconds waited) — see README."""
    started = time.time()
    deadline = time.monotonic() + STORED_TIMEOUT_S
    first = True
    while True:
        stored = int(await db.value("SELECT count(*) FROM event WHERE project_id = ?", project_id))
        now = time.time()
        if stored >= accepted:
            # A 200 is sent after the commit: already complete at the first look means the last
            # one was stored before its answer, i.e. by the end of the load.
            return stored, (load_end if first else now), now - started
        if time.monotonic() > deadline:
            return stored, now, now - started
        first = False
        await asyncio.sleep(0.05)
