"""Liveness and readiness, including a database that goes away and comes back."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from tests.conftest import free_port, recreate_pg_database
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.proxy import TcpProxy


async def test_health_needs_no_token(http, server):
    async with http.get(server("/health")) as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok"}


async def test_ready_when_the_database_answers(http, server):
    async with http.get(server("/health/ready")) as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": "connected"}


async def _poll(http: aiohttp.ClientSession, url: str, status: int, within_s: float) -> dict:
    deadline = time.monotonic() + within_s
    while True:
        async with http.get(url) as resp:
            body = await resp.json()
            if resp.status == status or time.monotonic() > deadline:
                assert resp.status == status, body
                return body
        await asyncio.sleep(0.1)


async def test_readiness_reports_postgres_down_and_recovers(http):
    direct = await recreate_pg_database("faultline_ready")
    proxy = TcpProxy(free_port(), "127.0.0.1", 5432)
    await proxy.start()
    port = free_port()
    url = direct.replace(":5432/", f":{proxy.listen_port}/")
    proc = await start_server(port, faultline_env(url, FAULTLINE_DB_POOL_SIZE="2"))
    base = f"http://127.0.0.1:{port}"
    try:
        assert await _poll(http, base + "/health/ready", 200, 5) == {
            "status": "ok",
            "database": "connected",
        }
        await proxy.cut()
        started = time.monotonic()
        body = await _poll(http, base + "/health/ready", 503, 10)
        assert body == {"status": "unavailable", "database": "disconnected"}
        assert time.monotonic() - started < 10
        async with http.get(
            base + "/api/projects", headers={"Authorization": "Bearer " + "a" * 40}
        ) as resp:
            assert resp.status == 503
            assert await resp.json() == {"error": "database unavailable, try again shortly"}
        async with http.get(base + "/health") as resp:
            assert resp.status == 200  # the process itself is alive
        await proxy.start()
        assert await _poll(http, base + "/health/ready", 200, 15) == {
            "status": "ok",
            "database": "connected",
        }
    finally:
        await stop(proc)
        await proxy.cut()
