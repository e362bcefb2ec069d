"""A server's stop is bounded: a database connection left checked out does not hold it."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from aiohttp.test_utils import TestServer
from tortoise import connections
from tortoise.context import TortoiseContext

from app import server as server_module
from app.config import Settings
from app.server import create_app
from tests.conftest import free_port, recreate_pg_database


async def test_a_connection_left_checked_out_does_not_hang_the_stop(
    database_url, monkeypatch, caplog
):
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite has no connection pool to wait for")
    monkeypatch.setattr(server_module, "SHUTDOWN_STEP_S", 1.0)
    url = await recreate_pg_database("faultline_stop")
    port = free_port()
    settings = Settings(database_url=url, host="127.0.0.1", port=port, db_pool_size=2)
    with TortoiseContext():
        test_server = TestServer(create_app(settings), host="127.0.0.1", port=port)
        await test_server.start_server()
        pool = connections.get("default")._pool  # what a leaked transaction would hold
        await pool.acquire()  # never released
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="app.server"):
            await asyncio.wait_for(test_server.close(), 30)
        took = time.monotonic() - started
    assert took < 10, took
    assert [r.getMessage() for r in caplog.records if r.name == "app.server"] == [
        "stopping: database connections took over 1 s and were cut short"
    ]
