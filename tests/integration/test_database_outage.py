"""The database refuses connections, drops its sessions or holds a lock, and a client hangs up.

Every request still gets an answer: 200 for an event that is stored, 503 with Retry-After for
one that is not (never a 500 or a hang), and the server recovers without a restart.
"""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import pytest

from tests.conftest import free_port, pg_url, recreate_pg_database
from tests.integration.processes import faultline_env, run_cli, start_server, stop
from tests.integration.sentry import event_envelope, exception_event

UNAVAILABLE = {"error": "database unavailable, try again shortly"}
INGEST_UNAVAILABLE = {**UNAVAILABLE, "detail": UNAVAILABLE["error"]}  # Relay's `detail` too
RETRY_AFTER = "5"
TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = $1 AND pid <> pg_backend_pid()"
)


@dataclass(frozen=True)
class Running:
    base: str
    project_id: int
    key: str
    token: str
    proc: subprocess.Popen[bytes]

    @property
    def envelope_url(self) -> str:
        return f"{self.base}/api/{self.project_id}/envelope/"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def log_line(self) -> str:
        assert self.proc.stderr is not None
        return (await asyncio.wait_for(asyncio.to_thread(self.proc.stderr.readline), 30)).decode()


@asynccontextmanager
async def serve(
    database_url: str, tmp_path: Path, log_level: str = "ERROR", **env: str
) -> AsyncIterator[Running]:
    """`faultline serve` with a token and a project; it must log no error meanwhile.

    Its stderr is read only at the end (or by `log_line`): keep the log level quiet enough.
    """
    environment = faultline_env(
        database_url, FAULTLINE_DB_POOL_SIZE="4", FAULTLINE_LOG_LEVEL=log_level, **env
    )
    done = await asyncio.to_thread(run_cli, ["token", "create"], environment, tmp_path)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    port = free_port()
    proc = await start_server(port, environment, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                base + "/api/projects", json={"name": "outage"}, headers=_bearer(token)
            ) as resp,
        ):
            assert resp.status == 201, await resp.text()
            project = await resp.json()
        yield Running(base, project["id"], uuid.UUID(project["sentry_key"]).hex, token, proc)
    finally:
        proc.terminate()
        assert proc.stderr is not None
        try:
            # Its log ends when it exits; a server that does not is killed by stop() below.
            log = (await asyncio.wait_for(asyncio.to_thread(proc.stderr.read), 30)).decode()
        except TimeoutError:
            log = "(the server had not exited 30 s after SIGTERM)"
        assert await stop(proc) == 0, log
        assert " ERROR " not in log, log
        assert "Traceback" not in log, log


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], bool | Awaitable[bool]], what: str) -> None:
    """Wait for an observable effect; fail after a generous deadline rather than hang."""
    deadline = time.monotonic() + 30
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def ready_status(http: aiohttp.ClientSession, server: Running) -> int:
    async with http.get(server.base + "/health/ready") as resp:
        return resp.status


async def post_event(
    http: aiohttp.ClientSession, server: Running, event_id: str
) -> tuple[int, str | None, dict]:
    body = event_envelope({"event_id": event_id, **exception_event()})
    headers = {"X-Sentry-Auth": f"Sentry sentry_key={server.key}"}
    async with http.post(server.envelope_url, data=body, headers=headers) as resp:
        return resp.status, resp.headers.get("Retry-After"), await resp.json()


@dataclass(frozen=True)
class Answer:
    event_id: str
    status: int  # 0: no HTTP answer at all
    retry_after: str | None
    body: object


class Burst:
    """Concurrent clients, each posting one new event after another until the burst ends."""

    def __init__(self, http: aiohttp.ClientSession, server: Running, clients: int = 6) -> None:
        self.answers: list[Answer] = []
        self._http = http
        self._server = server
        self._clients = clients
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Burst:
        self._tasks = [asyncio.create_task(self._client()) for _ in range(self._clients)]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    def count(self, status: int, since: int = 0) -> int:
        return sum(1 for a in self.answers[since:] if a.status == status)

    async def _client(self) -> None:
        while not self._stop.is_set():
            event_id = uuid.uuid4().hex
            try:
                status, retry_after, body = await post_event(self._http, self._server, event_id)
            except aiohttp.ClientError as exc:
                status, retry_after, body = 0, None, repr(exc)
            self.answers.append(Answer(event_id, status, retry_after, body))


async def admin() -> asyncpg.Connection:
    return await asyncpg.connect(pg_url("postgres").replace("postgres://", "postgresql://", 1))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def assert_answers_kept(burst: Burst, url: str) -> None:
    """Only 200s and 503s with Retry-After; every 200 stored once; issue counts agree."""
    statuses = Counter(a.status for a in burst.answers)
    assert set(statuses) <= {200, 503}, [a for a in burst.answers if a.status not in (200, 503)]
    refused = [a for a in burst.answers if a.status == 503]
    assert all(a.retry_after == RETRY_AFTER and a.body == INGEST_UNAVAILABLE for a in refused), (
        refused[:3]
    )
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        stored = Counter(r["event_id"] for r in await conn.fetch("SELECT event_id FROM event"))
        counted = await conn.fetchval("SELECT sum(event_count) FROM issue")
    finally:
        await conn.close()
    acknowledged = {a.event_id for a in burst.answers if a.status == 200}
    assert acknowledged - stored.keys() == set()
    assert set(stored.values()) == {1}
    assert counted == stored.total()


# --- PostgreSQL refuses connections, or ends its sessions -----------------------------------


async def test_refused_connections_answer_503_and_lose_no_acknowledged_event(tmp_path):
    url = await recreate_pg_database("faultline_refused")
    name = database_name(url)
    async with (
        serve(url, tmp_path) as server,
        aiohttp.ClientSession() as http,
        Burst(http, server) as burst,
    ):
        await eventually(lambda: burst.count(200) >= 20, "events stored before the outage")
        conn = await admin()
        try:
            await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            assert await conn.fetchval(TERMINATE, name) >= 1
            await eventually(
                lambda: _is(ready_status(http, server), 503), "/health/ready to say 503"
            )
            refused = burst.count(503)
            await eventually(lambda: burst.count(503) > refused + 10, "503s during the outage")
            async with http.get(server.base + "/api/projects", headers=server.auth) as resp:
                assert resp.status == 503
                assert resp.headers["Retry-After"] == RETRY_AFTER
                assert await resp.json() == UNAVAILABLE
        finally:
            await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await conn.close()
        await eventually(lambda: _is(ready_status(http, server), 200), "/health/ready to say 200")
        since = len(burst.answers)
        await eventually(lambda: burst.count(200, since) >= 20, "events stored after the outage")
    assert burst.count(503) > 10
    await assert_answers_kept(burst, url)


async def test_terminated_sessions_answer_503_and_lose_no_acknowledged_event(tmp_path):
    url = await recreate_pg_database("faultline_terminated")
    name = database_name(url)
    async with (
        serve(url, tmp_path) as server,
        aiohttp.ClientSession() as http,
        Burst(http, server) as burst,
    ):
        await eventually(lambda: burst.count(200) >= 20, "events stored before")
        conn = await admin()
        try:
            for _ in range(3):
                assert await conn.fetchval(TERMINATE, name) >= 1
                since = len(burst.answers)
                await eventually(lambda s=since: burst.count(200, s) >= 10, "events stored after")
        finally:
            await conn.close()
        assert await ready_status(http, server) == 200
    await assert_answers_kept(burst, url)


async def _is(status: Awaitable[int], expected: int) -> bool:
    return await status == expected


# --- a table locked by someone else ---------------------------------------------------------


@asynccontextmanager
async def issue_table_locked(url: str) -> AsyncIterator[None]:
    """Another session holds the issue table (PostgreSQL) or the write lock (SQLite)."""
    if url.startswith("postgres"):
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            async with conn.transaction():
                await conn.execute("LOCK TABLE issue IN ACCESS EXCLUSIVE MODE")
                yield
        finally:
            await conn.close()
        return
    db = sqlite3.connect(url.removeprefix("sqlite://"), isolation_level=None)
    try:
        db.execute("BEGIN EXCLUSIVE")
        yield
        db.execute("ROLLBACK")
    finally:
        db.close()


@pytest.mark.parametrize(
    ("backend", "limit"), [("pg", "lock"), ("pg", "statement"), ("sqlite", "lock")]
)
async def test_a_locked_table_answers_503_within_the_time_limit(tmp_path, backend, limit):
    if backend == "pg":
        url = await recreate_pg_database(f"faultline_locked_{limit}")
    else:
        url = f"sqlite://{tmp_path / 'locked.sqlite3'}"
    short, long = "300", "60000"
    env = {
        "FAULTLINE_DB_LOCK_TIMEOUT_MS": short if limit == "lock" else long,
        "FAULTLINE_DB_STATEMENT_TIMEOUT_MS": short if limit == "statement" else long,
    }
    # A lock held for ever must not hold a request for ever: the client gives up first.
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        serve(url, tmp_path, **env) as server,
        aiohttp.ClientSession(timeout=timeout) as http,
    ):
        assert (await post_event(http, server, uuid.uuid4().hex))[0] == 200
        async with http.get(
            f"{server.base}/api/projects/{server.project_id}/issues", headers=server.auth
        ) as resp:
            (issue,) = (await resp.json())["data"]
        patch = f"{server.base}/api/issues/{issue['id']}"
        async with issue_table_locked(url):
            assert await post_event(http, server, uuid.uuid4().hex) == (
                503,
                RETRY_AFTER,
                INGEST_UNAVAILABLE,
            )
            async with http.patch(patch, json={"state": "resolved"}, headers=server.auth) as resp:
                assert (resp.status, resp.headers.get("Retry-After")) == (503, RETRY_AFTER)
                assert await resp.json() == UNAVAILABLE
        assert (await post_event(http, server, uuid.uuid4().hex))[0] == 200
        async with http.patch(patch, json={"state": "resolved"}, headers=server.auth) as resp:
            assert resp.status == 200
            assert (await resp.json())["state"] == "resolved"


# --- a client that hangs up -----------------------------------------------------------------


async def test_a_client_hanging_up_mid_body_is_not_a_database_outage(tmp_path):
    # A real process: aiohttp's TestServer cancels the handler instead (handler_cancellation).
    # The classification does not depend on the database, so SQLite alone is enough.
    url = f"sqlite://{tmp_path / 'hangup.sqlite3'}"
    async with serve(url, tmp_path, log_level="DEBUG") as server:
        port = urlsplit(server.base).port
        for path, headers in (
            (
                f"/api/{server.project_id}/envelope/",
                {"X-Sentry-Auth": f"Sentry sentry_key={server.key}"},
            ),
            ("/api/projects", server.auth),
        ):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            writer.write(
                f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n{head}\r\n".encode()
                + b'{"name": "half'
            )
            await writer.drain()
            writer.close()
            await writer.wait_closed()
            line = await server.log_line()
            while " app.http: " not in line:
                line = await server.log_line()
            assert line.split(" app.http: ")[1:] == [
                f"client closed the connection during POST {path}\n"
            ]
