"""GraphQL websocket subscribers (graphql-transport-ws), held open while ingestion runs.

Each subscriber authenticates in `connection_init`, subscribes to the project's issue
changes and counts the `next` messages it receives; the bench compares the ingest rate with
and without them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp

PROTOCOL = "graphql-transport-ws"
ACK_TIMEOUT_S = 10.0
# The subscription fields the measurement can use, the preferred first.
SUBSCRIPTIONS = {
    "issueChanged": "subscription ($p: ID) { issueChanged(projectId: $p) { kind } }",
    "issueCreated": "subscription ($p: ID) { issueCreated(projectId: $p) { id } }",
}


def pick_subscription(fields: Sequence[str]) -> str | None:
    """The first of SUBSCRIPTIONS the schema has, or None."""
    return next((name for name in SUBSCRIPTIONS if name in fields), None)


class Subscriber:
    def __init__(self) -> None:
        self.messages = 0
        self.errors: list[str] = []
        self.subscribed = asyncio.Event()

    async def run(
        self, ws: aiohttp.ClientWebSocketResponse, field: str, project_id: str, token: str
    ) -> None:
        await ws.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        )
        ack = await ws.receive_json(timeout=ACK_TIMEOUT_S)
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {ack}")
        await ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIPTIONS[field], "variables": {"p": project_id}},
            }
        )
        self.subscribed.set()
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data: dict[str, Any] = message.json()
            if data.get("type") == "next":
                self.messages += 1
            elif data.get("type") == "ping":
                await ws.send_json({"type": "pong"})
            elif data.get("type") in ("error", "complete"):
                self.errors.append(str(data)[:300])
                break
        if ws.close_code not in (None, 1000):
            self.errors.append(f"closed with {ws.close_code}")


@contextlib.asynccontextmanager
async def subscribed(
    http: aiohttp.ClientSession, url: str, token: str, project_id: str, field: str, count: int
) -> AsyncIterator[list[Subscriber]]:
    """`count` subscribers connected and subscribed for the block; closed after it."""
    subscribers = [Subscriber() for _ in range(count)]
    sockets = [await http.ws_connect(url, protocols=(PROTOCOL,)) for _ in range(count)]
    tasks = [
        asyncio.create_task(s.run(ws, field, project_id, token))
        for s, ws in zip(subscribers, sockets, strict=True)
    ]
    try:
        # Until all have subscribed, or one has failed (refused, closed) before it could.
        ready: asyncio.Future[Any] = asyncio.gather(*(s.subscribed.wait() for s in subscribers))
        await asyncio.wait({ready, *tasks}, timeout=ACK_TIMEOUT_S, return_when="FIRST_COMPLETED")
        if not ready.done():
            ready.cancel()
            failed = [repr(t.exception()) for t in tasks if t.done() and t.exception()]
            raise RuntimeError(f"not all subscribed within {ACK_TIMEOUT_S:g} s: {failed}")
        yield subscribers
    finally:
        for ws in sockets:
            await ws.close()
        for task in tasks:
            task.cancel()
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, Exception):
                subscribers[0].errors.append(repr(result)[:300])
