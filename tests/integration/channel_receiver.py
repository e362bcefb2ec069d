"""A real local HTTP receiver for outbound alert tests: records requests, answers as asked.

POST /hook                      200 "ok"
POST /status/{code}             that status, body "answer {code}"
POST /redirect/{code}?to=URL    that status with Location: URL (itself without ?to)
POST /slow                      never answers (until the server stops)
POST /endless/{code}            that status and a body that never ends
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: TestServer
    received: list[Received] = field(default_factory=list)

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    received: list[Received] = []
    stop = asyncio.Event()

    async def record(request: web.Request) -> None:
        body = await request.read()
        received.append(Received(request.path_qs, dict(request.headers), body))

    async def hook(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(text="ok")

    async def status(request: web.Request) -> web.Response:
        await record(request)
        code = int(request.match_info["code"])
        return web.Response(status=code, text=f"answer {code}")

    async def redirect(request: web.Request) -> web.Response:
        await record(request)
        code = int(request.match_info["code"])
        location = request.query.get("to", request.path_qs)  # no "to": a loop
        return web.Response(status=code, headers={"Location": location})

    async def slow(request: web.Request) -> web.Response:
        await record(request)
        await stop.wait()
        return web.Response(text="late")

    async def endless(request: web.Request) -> web.StreamResponse:
        await record(request)
        response = web.StreamResponse(status=int(request.match_info["code"]))
        response.content_type = "text/plain"
        await response.prepare(request)
        chunk = b"x" * 65536
        while not stop.is_set():
            await response.write(chunk)
        return response

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_post("/hook/{tail:.*}", hook)
    app.router.add_post("/status/{code:\\d+}", status)
    app.router.add_post("/redirect/{code:\\d+}", redirect)
    app.router.add_post("/slow", slow)
    app.router.add_post("/endless/{code:\\d+}", endless)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield Receiver(server, received)
    finally:
        stop.set()
        await server.close()
