"""An in-process server of a test's own (own settings, stepped clock) and a raw HTTP client.

The session's `server` fixture serves every test; a test that needs other settings, a clock it
steps or the app's internals starts one of these beside it, on the same database.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from tortoise.context import TortoiseContext

from app.config import Settings
from app.ingest.digest import Digest
from app.ingest.pipeline import Ingestor
from app.ingest.routes import INGESTOR
from app.server import DIGEST, create_app
from tests.conftest import Server, free_port


class FakeClock:
    """Seconds that move only when a test says so; starts 1 s into a calendar minute."""

    def __init__(self, now: float) -> None:
        self.now = now

    @classmethod
    def minute_start(cls, real_now: float) -> FakeClock:
        return cls(real_now // 60 * 60 + 1)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Dedicated:
    server: Server
    app: web.Application

    @property
    def ingestor(self) -> Ingestor:
        return self.app[INGESTOR]

    @property
    def digest(self) -> Digest:
        return self.app[DIGEST]


@asynccontextmanager
async def dedicated_server(
    database_url: str, *, clock: FakeClock | None = None, **settings: Any
) -> AsyncIterator[Dedicated]:
    """A server of its own on the session's (already migrated) database."""
    port = free_port()
    config = replace(
        Settings(database_url=database_url, host="127.0.0.1", port=port, db_pool_size=2),
        **settings,
    )
    app = create_app(config, migrate=False, clock=clock)
    # Its database connections live in a Tortoise context of their own, so closing them
    # leaves the session server's alone.
    with TortoiseContext():
        test_server = TestServer(app, host="127.0.0.1", port=port)
        await test_server.start_server()
        try:
            yield Dedicated(Server(url=f"http://127.0.0.1:{port}", settings=config), app)
        finally:
            await test_server.close()


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # body bytes the client handed to its socket before the answer came


async def raw_post(
    port: int,
    path: str,
    headers: dict[str, str],
    body: Iterable[bytes],
    *,
    pause_s: float = 0,
    timeout_s: float = 30,
) -> RawResponse:
    """POST whose body is pulled from `body` only as fast as the socket takes it.

    A small send buffer keeps what the kernel holds for the server small, so `sent` tells how
    much the server could have read when it answered.
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(head.encode() + b"\r\n")
    sent = 0

    async def send() -> None:
        nonlocal sent
        for chunk in body:
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
            if pause_s:
                await asyncio.sleep(pause_s)

    sending = asyncio.create_task(send())
    try:
        head_bytes = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout_s)
        sent_before_answer = sent
        status_line, *lines = head_bytes.decode("latin-1").strip().split("\r\n")
        parsed = dict(line.split(": ", 1) for line in lines)
        payload = await reader.readexactly(int(parsed["Content-Length"]))
    finally:
        # Like an SDK given an early answer: stop sending and hang up.
        sending.cancel()
        await asyncio.gather(sending, return_exceptions=True)
        writer.close()
    return RawResponse(int(status_line.split()[1]), parsed, payload, sent_before_answer)
