"""GraphQL subscriptions over a real WebSocket client (gql), against a server of the test's own.

Neither protocol acknowledges a subscribe, so `subscribed` returns only once the server's broker
counts the new subscription (or the operation failed): a change made after that is heard.
"""

from __future__ import annotations

import asyncio
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

    async def ended(self, timeout_s: float = 10) -> bool:
        return await asyncio.wait_for(self.results.get(), timeout_s) is _END

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
async def subscribed(
    dedicated: Dedicated,
    session: AsyncClientSession,
    document: str,
    variables: dict[str, Any] | None = None,
) -> AsyncIterator[Listener]:
    """A subscription of `session`, its results pumped into a Listener while the block runs."""
    broker = broker_of(dedicated)
    before = broker.subscribers
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
        await wait_until(lambda: broker.subscribers > before or task.done())
        yield listener
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
