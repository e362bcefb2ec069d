"""The context every resolver receives: the request, who asks, the loaders, the settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from app.config import Settings
from app.notifications import Broker
from schema.loaders import Loaders


@dataclass(frozen=True, slots=True)
class TokenPrincipal:
    """A caller authenticated by an API token; tokens may do everything for now."""

    token_id: int


@dataclass(frozen=True, slots=True)
class UserPrincipal:
    """A person signed in to the web UI, authenticated by their session cookie."""

    user_id: int
    session_id: int


# Who is asking. A scoped token becomes another member of this union; resolvers only see it
# through the permission classes (and `viewer`).
Principal = TokenPrincipal | UserPrincipal


@dataclass(slots=True)
class Context:
    request: web.Request
    # The HTTP response being prepared, or the open WebSocket.
    response: web.StreamResponse
    settings: Settings
    # The notifications broker, for subscriptions.
    broker: Broker
    # Wall-clock seconds: "now" of the frequency buckets (tests step it).
    clock: Callable[[], float] = time.time
    loaders: Loaders = field(default_factory=Loaders)
    principal: Principal | None = None
    # Why `principal` is None, as the client is told (UNAUTHENTICATED).
    auth_problem: str = "missing Authorization: Bearer <token> header"
    # Why mutations are refused although the principal is known: a session cookie sent by a
    # request that is not a POST from this site's own pages (FORBIDDEN; cross-site forgery).
    mutations_refused: str | None = None
    # The `connection_init` payload of a WebSocket (strawberry fills it in).
    connection_params: dict[str, Any] | None = None

    @property
    def websocket(self) -> bool:
        return isinstance(self.response, web.WebSocketResponse)

    def renew_loaders(self) -> None:
        """Fresh caches: one WebSocket context serves many operations and messages."""
        self.loaders = Loaders(self.clock)
