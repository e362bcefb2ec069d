"""Liveness and readiness, including a database that goes away and comes back."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit, urlunsplit

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


def through_proxy(url: str, proxy: TcpProxy) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    userinfo, _, _ = parts.netloc.rpartition("@")
    address = f"127.0.0.1:{proxy.listen_port}"
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{address}" if userinfo else address))


async def test_readiness_reports_postgres_down_and_recovers(http):
    direct = await recreate_pg_database("faultline_ready")
    # Wherever FAULTLINE_TEST_PG_URL points, not a hard-coded port.
    target = urlsplit(direct)
    proxy = TcpProxy(free_port(), target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    port = free_port()
    url = through_proxy(direct, proxy)
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
        async with http.get(base + "/health/ready") as resp:
            assert (resp.status, resp.headers.get("Retry-After")) == (503, "5")
        assert time.monotonic() - started < 10
        async with http.get(
            base + "/api/projects", headers={"Authorization": "Bearer " + "a" * 40}
        ) as resp:
            assert resp.status == 503
            assert resp.headers["Retry-After"] == "5"
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
