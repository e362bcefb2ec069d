"""Several real server processes on one database, and a server killed mid-burst."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from tests.conftest import free_port, recreate_pg_database
from tests.integration.processes import faultline_env, run_cli, start_server, stop
from tests.integration.sentry import event_envelope, exception_event


async def fresh_database(backend: str, tmp_path: Path, name: str) -> str:
    if backend == "pg":
        return await recreate_pg_database(name)
    return f"sqlite://{tmp_path / 'f.sqlite3'}"


def create_project(env: dict[str, str], tmp_path: Path) -> dict:
    done = run_cli(["project", "create", "burst"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def count(url: str, tmp_path: Path, sql: str) -> list[tuple]:
    if url.startswith("postgres"):
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
        return conn.execute(sql).fetchall()


async def post_event(
    http: aiohttp.ClientSession, url: str, key: str, event_id: str, function: str = "burst"
) -> int:
    event = {"event_id": event_id, **exception_event(function=function)}
    headers = {"X-Sentry-Auth": f"Sentry sentry_key={key}"}
    async with http.post(url, data=event_envelope(event), headers=headers) as resp:
        await resp.read()
        return resp.status


async def burst_through_two_servers(url: str, tmp_path: Path, functions: list[str]) -> list[int]:
    """One event per entry of `functions`, all at once, alternately to two server processes."""
    env = faultline_env(url)
    project = create_project(env, tmp_path)
    key = uuid.UUID(project["sentry_key"]).hex
    ports = [free_port(), free_port()]
    procs = [await start_server(port, env, tmp_path) for port in ports]
    try:
        async with aiohttp.ClientSession() as http:
            return await asyncio.gather(
                *(
                    post_event(
                        http,
                        f"http://127.0.0.1:{ports[i % 2]}/api/{project['id']}/envelope/",
                        key,
                        uuid.uuid4().hex,
                        function,
                    )
                    for i, function in enumerate(functions)
                )
            )
    finally:
        for proc in procs:
            assert await stop(proc) == 0


async def test_two_processes_on_one_postgres_make_one_issue_of_a_burst(tmp_path):
    url = await recreate_pg_database("faultline_multi")
    assert await burst_through_two_servers(url, tmp_path, ["burst"] * 200) == [200] * 200
    assert await count(url, tmp_path, "SELECT counter, event_count FROM issue") == [(1, 200)]
    assert await count(url, tmp_path, "SELECT count(*) FROM event") == [(200,)]


async def test_new_issues_opened_concurrently_by_two_processes_are_numbered_without_gaps(tmp_path):
    url = await recreate_pg_database("faultline_numbers")
    functions = [f"f{i % 25}" for i in range(300)]
    assert await burst_through_two_servers(url, tmp_path, functions) == [200] * 300
    rows = await count(url, tmp_path, "SELECT counter, event_count FROM issue ORDER BY counter")
    assert [r[0] for r in rows] == list(range(1, 26))
    assert [r[1] for r in rows] == [12] * 25
    assert await count(url, tmp_path, "SELECT issue_counter FROM project") == [(25,)]


async def test_serve_with_workers_shares_one_port(tmp_path):
    url = await recreate_pg_database("faultline_workers")
    env = faultline_env(url)
    project = create_project(env, tmp_path)
    port = free_port()
    proc = await start_server(port, env, tmp_path, "--workers", "2")
    try:
        key = uuid.UUID(project["sentry_key"]).hex
        async with aiohttp.ClientSession() as http:
            endpoint = f"http://127.0.0.1:{port}/api/{project['id']}/envelope/"
            statuses = await asyncio.gather(
                *(post_event(http, endpoint, key, uuid.uuid4().hex) for _ in range(100))
            )
    finally:
        assert await stop(proc) == 0
    assert statuses == [200] * 100
    assert await count(url, tmp_path, "SELECT event_count FROM issue") == [(100,)]


def test_workers_need_postgres(tmp_path):
    done = run_cli(
        ["serve", "--workers", "2"], faultline_env(f"sqlite://{tmp_path}/x.sqlite3"), tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "faultline: --workers above 1 needs PostgreSQL (DATABASE_URL)"


@pytest.mark.parametrize("backend", ["sqlite", "pg"])
async def test_every_acknowledged_event_survives_sigkill(tmp_path, backend):
    url = await fresh_database(backend, tmp_path, "faultline_kill")
    env = faultline_env(url)
    project = create_project(env, tmp_path)
    key = uuid.UUID(project["sentry_key"]).hex
    port = free_port()
    proc = await start_server(port, env, tmp_path)
    endpoint = f"http://127.0.0.1:{port}/api/{project['id']}/envelope/"
    acknowledged: list[str] = []
    killed = asyncio.Event()

    async def sender(http: aiohttp.ClientSession, ids: list[str]) -> None:
        for event_id in ids:
            try:
                if await post_event(http, endpoint, key, event_id) == 200:
                    acknowledged.append(event_id)
            except aiohttp.ClientError:
                return  # the server is gone
            if len(acknowledged) >= 150 and not killed.is_set():
                killed.set()
                proc.send_signal(signal.SIGKILL)

    ids = [uuid.uuid4().hex for _ in range(1000)]
    async with aiohttp.ClientSession() as http:
        await asyncio.wait_for(asyncio.gather(*(sender(http, ids[i::20]) for i in range(20))), 60)
    assert killed.is_set()
    assert await stop(proc) == -signal.SIGKILL
    # Restarted, the server has every event it acknowledged, counted exactly once.
    proc = await start_server(port, env, tmp_path)
    await stop(proc)
    stored = {row[0] for row in await count(url, tmp_path, "SELECT event_id FROM event")}
    assert set(acknowledged) <= stored
    assert await count(url, tmp_path, "SELECT sum(event_count) FROM issue") == [(len(stored),)]
