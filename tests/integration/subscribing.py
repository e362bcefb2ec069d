"""GraphQL subscriptions over a real WebSocket client (gql), against a server of the test's own.

Neither protocol acknowledges a subscribe, so `subscribed` returns only once the server's broker
counts the new subscription (or the operation failed): a change made after that is heard.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from gql import Client, gql
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import Server
from tests.integration.dedicated import Dedicated
from tests.integration.notifying import broker_of, wait_until

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
PROTOCOLS = [TRANSPORT_WS, LEGACY_WS]
_END = object()


def ws_url(server: Server) -> str:
    return server("/graphql").replace("http://", "ws://")


class Listener:
    """The results of one subscription, in order."""

    def __init__(self) -> None:
        self.results: asyncio.Queue[Any] = asyncio.Queue()

    async def next(self, timeout_s: float = 10) -> dict[str, Any]:
        """The next result's data; fails on an error or the end of the stream."""
        item = await asyncio.wait_for(self.results.get(), timeout_s)
        assert isinstance(item, dict), f"expected a result, got {item!r}"
        return item

    async def errors(self, timeout_s: float = 10) -> list[dict[str, Any]]:
        """The errors that ended the subscription."""
        item = await asyncio.wait_for(self.results.get(), timeout_s)
        assert isinstance(item, TransportQueryError), f"expected errors, got {item!r}"
        assert item.errors is not None
        return item.errors

    def pending(self) -> int:
        return self.results.qsize()


@asynccontextmanager
async def connected(
    dedicated: Dedicated, token: str, protocol: str
) -> AsyncIterator[AsyncClientSession]:
    transport = WebsocketsTransport(
        url=ws_url(dedicated.server), init_payload={"token": token}, subprotocols=[protocol]
    )
    async with Client(transport=transport) as session:
        yield session


@asynccontextmanager
async def listening(
    session: AsyncClientSession, document: str, variables: dict[str, Any] | None = None
) -> AsyncIterator[tuple[Listener, asyncio.Task[None]]]:
    """A subscription of `session`, its results pumped into a Listener while the block runs."""
    listener = Listener()

    async def pump() -> None:
        try:
            request = gql(document)
            request.variable_values = variables
            async for result in session.subscribe(request):
                listener.results.put_nowait(result)
            listener.results.put_nowait(_END)
        except TransportQueryError as exc:
            listener.results.put_nowait(exc)

    task = asyncio.create_task(pump())
    try:
        yield listener, task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@asynccontextmanager
async def subscribed(
    dedicated: Dedicated,
    session: AsyncClientSession,
    document: str,
    variables: dict[str, Any] | None = None,
) -> AsyncIterator[Listener]:
    """A subscription of `session` that the server's broker counts (or that failed)."""
    broker = broker_of(dedicated)
    before = broker.subscribers
    async with listening(session, document, variables) as (listener, task):
        await wait_until(lambda: broker.subscribers > before or task.done())
        yield listener


# First bytes of final frames: text, ping and pong (RFC 6455 §5.2).
TEXT_FRAME, PING_FRAME, PONG_FRAME = 0x81, 0x89, 0x8A


class RawWebSocket:
    """A WebSocket client on a bare socket that reads only when told to: between its reads the
    server's frames pile up in the kernel (a receive buffer of `receive_buffer` bytes) and then
    in the server, as with a client that hangs."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._loop = asyncio.get_running_loop()
        self._buffer = b""

    @classmethod
    async def connect(
        cls, server: Server, protocol: str, receive_buffer: int = 16 * 1024
    ) -> RawWebSocket:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        host, port = server.url.removeprefix("http://").split(":")
        await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
        ws = cls(sock)
        key = base64.b64encode(os.urandom(16)).decode()
        await ws._send(
            f"GET /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n".encode()
        )
        head = await ws._until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        return ws

    async def send_json(self, message: dict[str, Any]) -> None:
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = bytes([0x81, 0x80 | n])
        elif n < 2**16:
            head = bytes([0x81, 0x80 | 126]) + struct.pack("!H", n)
        else:
            head = bytes([0x81, 0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        await self._send(head + mask + masked)

    async def receive_json(self, timeout_s: float = 30) -> Any:
        """The next text frame, parsed (the server sends unmasked, unfragmented frames). Ping
        and pong frames on the way are read past, never answered: this peer does not pong."""
        while True:
            head = await asyncio.wait_for(self._exactly(2), timeout_s)
            n = head[1] & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", await self._exactly(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", await self._exactly(8))
            payload = await asyncio.wait_for(self._exactly(n), timeout_s)
            if head[0] not in (PING_FRAME, PONG_FRAME):
                break
        assert head[0] == TEXT_FRAME, f"not a text frame: {head!r} {payload[:200]!r}"
        return json.loads(payload)

    def close(self) -> None:
        self._sock.close()

    async def _send(self, data: bytes) -> None:
        await self._loop.sock_sendall(self._sock, data)

    async def _fill(self) -> None:
        chunk = await self._loop.sock_recv(self._sock, 64 * 1024)
        assert chunk, "connection closed"
        self._buffer += chunk

    async def _until(self, marker: bytes) -> bytes:
        while marker not in self._buffer:
            await self._fill()
        found, _, self._buffer = self._buffer.partition(marker)
        return found

    async def _exactly(self, n: int) -> bytes:
        while len(self._buffer) < n:
            await self._fill()
        found, self._buffer = self._buffer[:n], self._buffer[n:]
        return found
