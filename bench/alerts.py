"""`--alert-rules`: a project whose rules fire (new issue, regression, spike) to a webhook
receiver in this process, so the ingest run measures ingestion with alerting active."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiohttp import web

from app.config import database_dialect
from app.database import asyncpg_dsn
from bench.children import free_port

# A spike: more than SPIKE_THRESHOLD events of one issue within a minute.
SPIKE_THRESHOLD = 100
# The server's environment in the alerts run: the receiver is on the loopback address.
ALERT_ENV = {"FAULTLINE_ALERT_ALLOW_PRIVATE": "1"}


@dataclass
class Receiver:
    url: str
    requests: int = 0
    ids: set[str] = field(default_factory=set)


@contextlib.asynccontextmanager
async def webhook_receiver() -> AsyncIterator[Receiver]:
    port = free_port()
    receiver = Receiver(url=f"http://127.0.0.1:{port}/hook")

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        receiver.requests += 1
        receiver.ids.add(request.headers.get("X-Faultline-Delivery", ""))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield receiver
    finally:
        await runner.cleanup()


async def add_alert_rules(database_url: str, project_id: int, url: str) -> None:
    """A webhook channel and a new_issue, a regression and a spike rule sending to it."""
    now = datetime.now(UTC)
    statements: list[tuple[str, list[Any]]] = [
        (
            "INSERT INTO alert_channel (project_id, kind, name, url, secret, recipients, "
            "created_at) VALUES (?, 'webhook', 'bench', ?, ?, '[]', ?) RETURNING id",
            [project_id, url, secrets.token_hex(16), now],
        ),
    ]
    for trigger, threshold, window in (
        ("new_issue", None, None),
        ("regression", None, None),
        ("spike", SPIKE_THRESHOLD, 1),
    ):
        statements.append(
            (
                "INSERT INTO alert_rule (project_id, trigger, throttle_minutes, threshold, "
                "window_minutes, enabled, created_at) VALUES (?, ?, 30, ?, ?, true, ?) "
                "RETURNING id",
                [project_id, trigger, threshold, window, now],
            )
        )
    if database_dialect(database_url) == "postgres":
        connection = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            ids = []
            for sql, args in statements:
                numbered = sql
                for n in range(1, len(args) + 1):
                    numbered = numbered.replace("?", f"${n}", 1)
                numbered = numbered.replace("'[]'", "'[]'::jsonb")
                ids.append(await connection.fetchval(numbered, *args))
            channel, *rules = ids
            await connection.executemany(
                "INSERT INTO alert_rule_channel (rule_id, channel_id) VALUES ($1, $2)",
                [(rule, channel) for rule in rules],
            )
        finally:
            await connection.close()
        return

    def write() -> None:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        with contextlib.closing(sqlite3.connect(path)) as conn, conn:
            ids = [
                conn.execute(
                    sql, [a.isoformat(" ") if isinstance(a, datetime) else a for a in args]
                ).fetchone()[0]
                for sql, args in statements
            ]
            channel, *rules = ids
            conn.executemany(
                "INSERT INTO alert_rule_channel (rule_id, channel_id) VALUES (?, ?)",
                [(rule, channel) for rule in rules],
            )

    await asyncio.to_thread(write)


async def delivery_counts(database_url: str, project_id: int) -> dict[str, int]:
    """The project's deliveries by status."""
    if database_dialect(database_url) == "postgres":
        connection = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            rows = await connection.fetch(
                "SELECT status, count(*) AS n FROM alert_delivery WHERE project_id = $1 "
                "GROUP BY status",
                project_id,
            )
        finally:
            await connection.close()
        return {r["status"]: r["n"] for r in rows}

    def read() -> dict[str, int]:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        with contextlib.closing(sqlite3.connect(path)) as conn:
            query = (
                "SELECT status, count(*) FROM alert_delivery WHERE project_id = ? GROUP BY status"
            )
            return dict(conn.execute(query, [project_id]).fetchall())

    return await asyncio.to_thread(read)
