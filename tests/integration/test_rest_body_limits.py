"""REST bodies arrive whole, small and in time: 413 past 1 MiB however sent, 408 when they trickle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from models import Project
from tests.conftest import free_port
from tests.integration.processes import faultline_env, start_server, stop

MIB = 1024 * 1024


async def test_a_chunked_body_past_one_mib_is_413(http, server, auth):
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(17):
            yield b"a" * 65536
        yield b'"}'

    headers = {**auth, "Content-Type": "application/json"}
    async with http.post(server("/api/projects"), data=chunks(), headers=headers) as resp:
        assert resp.request_info.headers.get("Transfer-Encoding") == "chunked"
        assert resp.status == 413
        assert await resp.json() == {"error": f"request body too large (limit {MIB} bytes)"}
    assert await Project.all().count() == 0


async def test_a_body_of_one_mib_is_read_whole(http, server, auth):
    body = b'{"name": "x", "pad": "' + b" " * (MIB - 24) + b'"}'
    assert len(body) == MIB
    headers = {**auth, "Content-Type": "application/json"}
    async with http.post(server("/api/projects"), data=body, headers=headers) as resp:
        assert resp.status == 201
        assert (await resp.json())["name"] == "x"


async def _trickle(port: int, token: str) -> tuple[int, dict]:
    """POST a project body one byte at a time, slower than the server waits; its answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"name": "slow"}).encode()
    writer.write(
        b"POST /api/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    )

    async def drip() -> None:
        for byte in body[:-1]:  # never the last byte: the body cannot complete
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)

    dripping = asyncio.create_task(drip())
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(
                line.split(b":", 1)[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
        )
        payload = await reader.readexactly(length)
    finally:
        dripping.cancel()
        writer.close()
    return int(head.split(b" ", 2)[1]), json.loads(payload)


async def test_a_trickling_body_is_cut_off_with_408(database_url, server, token):
    port = free_port()
    proc = await start_server(port, faultline_env(database_url, FAULTLINE_BODY_READ_TIMEOUT_S="1"))
    try:
        status, body = await _trickle(port, token)
    finally:
        await stop(proc)
    assert (status, body) == (408, {"error": "request body did not arrive within 1 s"})
    assert await Project.all().count() == 0
