"""Keep-alive on the GraphQL WebSockets, so that proxies keep idle connections open and dead
peers are found.

Every `interval` seconds (Settings.ws_keepalive_s): graphql-transport-ws clients get a `ping`
message once their connection is acknowledged (they answer `pong`; the protocol lets either
side ping), graphql-ws clients a `ka` message (strawberry's keep-alive), and every socket a
WebSocket ping frame (aiohttp's heartbeat): a peer that does not answer it within half the
interval is disconnected, which ends its subscriptions.
"""

from __future__ import annotations

import asyncio
import contextlib

from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from schema.context import Context


class PingingTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, with a `ping` every `view.keep_alive_interval` seconds."""

    async def handle(self) -> None:
        pinger = asyncio.create_task(self._ping())
        try:
            await super().handle()
        finally:
            pinger.cancel()
            await asyncio.gather(pinger, return_exceptions=True)

    async def _ping(self) -> None:
        interval = self.view.keep_alive_interval
        assert interval is not None
        with contextlib.suppress(WebSocketDisconnected):
            while True:
                await asyncio.sleep(interval)
                if self.connection_acknowledged:
                    await self.send_message({"type": "ping"})
