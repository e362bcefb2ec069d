"""Shared test fixtures: real databases (SQLite file and PostgreSQL) and a real server.

`backend` is parametrised over SQLite and PostgreSQL, so every integration test runs on both.
TEST_BACKENDS=sqlite (or pg) narrows the run. PostgreSQL comes from FAULTLINE_TEST_PG_URL
(default postgres://postgres@127.0.0.1:5432/); when it cannot be reached the PostgreSQL tests
are skipped locally but FAIL in CI (CI=true), so CI never passes without them; for the same
reason a CI run whose TEST_BACKENDS leaves PostgreSQL out refuses to start.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from app.auth import tokens
from app.config import Settings
from app.server import create_app
from models import ApiToken, Event, Issue, IssueHistory, Project, User

# The browser fixtures (browser, browser_context, page) of the UI tests.
pytest_plugins = ["tests.integration.browser"]

PG_ADMIN_URL = os.environ.get("FAULTLINE_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/")
# Databases are named per run, so two runs on one machine never share one.
RUN_ID = f"{os.getpid()}_{secrets.token_hex(3)}"
_created_databases: set[str] = set()


def pg_url(database: str) -> str:
    return PG_ADMIN_URL.rstrip("/") + "/" + database


async def _admin_connection() -> asyncpg.Connection:
    return await asyncpg.connect(pg_url("postgres").replace("postgres://", "postgresql://", 1))


async def recreate_pg_database(name: str) -> str:
    """A fresh database for `name` in this run; returns its URL. Fails or skips when PG is down.

    The real name carries the run id; every database made is dropped when the session ends.
    """
    name = f"{name}_{RUN_ID}"
    try:
        conn = await _admin_connection()
    except (OSError, asyncpg.PostgresError) as exc:
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
        # Test data need not survive a crash of the machine; commits get ~3x cheaper.
        await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await conn.close()
    _created_databases.add(name)
    return pg_url(name)


@pytest.fixture(scope="session", autouse=True)
async def _drop_run_databases() -> AsyncIterator[None]:
    yield
    if not _created_databases:
        return
    conn = await _admin_connection()
    try:
        for name in sorted(_created_databases):
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _backends() -> list[str]:
    wanted = os.environ.get("TEST_BACKENDS", "sqlite,pg")
    return [b for b in ("sqlite", "pg") if b in wanted.split(",")]


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and "pg" not in _backends():
        raise pytest.UsageError(
            "CI must run the PostgreSQL tests, but TEST_BACKENDS leaves them out: "
            f"{os.environ.get('TEST_BACKENDS')!r}"
        )


@pytest.fixture(scope="session", params=_backends())
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path_factory.mktemp('sqlite') / 'faultline.sqlite3'}"
    return await recreate_pg_database("faultline_test")


@dataclass(frozen=True)
class Server:
    url: str
    settings: Settings

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
async def server(database_url: str) -> AsyncIterator[Server]:
    port = free_port()
    settings = Settings(
        database_url=database_url,
        host="127.0.0.1",
        port=port,
        db_pool_size=10,
        # Alert tests post to receivers on 127.0.0.1 and retry within the test's patience;
        # the delivery loop polls only rarely, so tests that count queries see none of it
        # (it sends at once what this server queues, and its retries when they fall due).
        alert_allow_private=True,
        alert_retry_base_s=0.05,
        alert_poll_interval_s=3_600,
    )
    test_server = TestServer(create_app(settings), host="127.0.0.1", port=port)
    await test_server.start_server()
    try:
        yield Server(url=f"http://127.0.0.1:{port}", settings=settings)
    finally:
        await test_server.close()


@pytest.fixture(autouse=True)
async def _clean_rows(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "server" in request.fixturenames:
        for model in (Event, IssueHistory, Issue, Project, ApiToken, User):
            await model.all().delete()


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def token(server: Server) -> str:
    return (await tokens.create_token("tests")).token


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
