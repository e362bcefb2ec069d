"""WebSocket keep-alive: `ping` (graphql-transport-ws) and `ka` (graphql-ws) messages on idle
connections, and ping frames that disconnect a peer that no longer answers."""

from __future__ import annotations

import time

import aiohttp

from tests.integration.dedicated import dedicated_server
from tests.integration.notifying import broker_of, wait_until
from tests.integration.subscribing import LEGACY_WS, TRANSPORT_WS, RawWebSocket, ws_url

KEEPALIVE_S = 0.3
# A peer that never pongs is dropped 1.5 intervals after its last frame: long enough for its
# acknowledgement and its subscription even on a loaded machine.
SILENT_PEER_KEEPALIVE_S = 2.0
CHANGED = "subscription { issueChanged { kind } }"


async def _acknowledged(ws: aiohttp.ClientWebSocketResponse, token: str) -> None:
    await ws.send_json({"type": "connection_init", "payload": {"token": token}})
    assert await ws.receive_json(timeout=5) == {"type": "connection_ack"}


async def test_an_idle_graphql_transport_ws_connection_is_pinged(http, server, token):
    async with (
        dedicated_server(server.settings.database_url, ws_keepalive_s=KEEPALIVE_S) as dedicated,
        http.ws_connect(ws_url(dedicated.server), protocols=[TRANSPORT_WS]) as ws,
    ):
        await _acknowledged(ws, token)
        started = time.monotonic()
        for _ in range(3):
            assert await ws.receive_json(timeout=5) == {"type": "ping"}
            await ws.send_json({"type": "pong"})
        # Three intervals, not a burst (the default interval is 20 s).
        assert 3 * KEEPALIVE_S * 0.8 <= time.monotonic() - started < 3 * KEEPALIVE_S + 2
        # The connection still works: a query after the pings is answered.
        await ws.send_json(
            {"id": "q", "type": "subscribe", "payload": {"query": "{ tokens { id } }"}}
        )
        answer = await ws.receive_json(timeout=5)
        while answer == {"type": "ping"}:
            answer = await ws.receive_json(timeout=5)
        assert (answer["id"], answer["type"]) == ("q", "next")


async def test_an_idle_graphql_ws_connection_gets_keep_alive_messages(http, server, token):
    async with (
        dedicated_server(server.settings.database_url, ws_keepalive_s=KEEPALIVE_S) as dedicated,
        http.ws_connect(ws_url(dedicated.server), protocols=[LEGACY_WS]) as ws,
    ):
        await _acknowledged(ws, token)
        started = time.monotonic()
        assert [await ws.receive_json(timeout=5) for _ in range(4)] == [{"type": "ka"}] * 4
        # The first right after the ack, then one an interval.
        assert 3 * KEEPALIVE_S * 0.8 <= time.monotonic() - started < 3 * KEEPALIVE_S + 2


async def test_a_peer_that_stops_answering_ping_frames_is_disconnected(server, token):
    async with dedicated_server(
        server.settings.database_url, ws_keepalive_s=SILENT_PEER_KEEPALIVE_S
    ) as dedicated:
        broker = broker_of(dedicated)
        peer = await RawWebSocket.connect(dedicated.server, TRANSPORT_WS)
        try:
            await peer.send_json({"type": "connection_init", "payload": {"token": token}})
            assert await peer.receive_json() == {"type": "connection_ack"}
            message = {"query": CHANGED}
            started = time.monotonic()  # its last frame
            await peer.send_json({"id": "1", "type": "subscribe", "payload": message})
            await wait_until(lambda: broker.subscribers == 1)
            # It reads nothing more and answers no ping: the server gives up on it.
            await wait_until(lambda: broker.subscribers == 0)
            assert time.monotonic() - started >= SILENT_PEER_KEEPALIVE_S
        finally:
            peer.close()


async def test_the_default_interval_is_not_strawberrys_second(http, server, token):
    async with http.ws_connect(ws_url(server), protocols=[LEGACY_WS]) as ws:
        await _acknowledged(ws, token)
        assert await ws.receive_json(timeout=5) == {"type": "ka"}  # right after the ack
        try:
            message = await ws.receive_json(timeout=1.5)
        except TimeoutError:
            message = None
        assert message is None
        assert not ws.closed
