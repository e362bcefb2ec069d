"""Authentication for GraphQL: credentials to a Principal, and the permission every root field
carries (a field without it would be open to anyone; a test checks that none is)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from graphql import OperationType
from strawberry.permission import BasePermission
from strawberry.types import Info

from app.auth import actors, sessions, tokens
from app.auth.token_cache import TokenCache
from app.errors import Forbidden, Unauthorized
from schema.context import Context, Principal, TokenPrincipal, UserPrincipal

SESSION_ENDED = "the session of this connection ended (signed out, expired or user deleted)"


async def authenticate(authorization: str | None, cache: TokenCache | None = None) -> Principal:
    """The principal of an `Authorization` header value; Unauthorized saying what is wrong."""
    record = await tokens.authenticate(tokens.bearer_token(authorization), cache)
    return TokenPrincipal(token_id=record.id)


async def authenticate_session(cookie: str, now: datetime) -> UserPrincipal:
    """The principal of a session cookie's value; Unauthorized when the session has ended."""
    record = await sessions.resume(cookie, now)
    return UserPrincipal(user_id=record.user_id, session_id=record.id)


def ws_authorization(params: Mapping[str, Any] | None, header: str | None) -> str | None:
    """The Authorization value of a WebSocket: `connection_init` payload first, then the
    upgrade request's header. The payload may carry `Authorization` or a bare `token`."""
    for key in ("Authorization", "authorization"):
        if params and key in params:
            value = params[key]
            if not isinstance(value, str):
                raise Unauthorized(f"connection_init payload: {key} must be a string")
            return value
    if params and "token" in params:
        token = params["token"]
        if not isinstance(token, str):
            raise Unauthorized("connection_init payload: token must be a string")
        return f"Bearer {token}"
    return header


async def still_authenticated(context: Context) -> Principal:
    """The principal, or Unauthorized. A WebSocket authenticated once, at `connection_init`:
    its token or session is looked up again once per operation (through the loaders; a
    subscription's messages are not operations: the broker ends it when its token is deleted,
    and a session's subscription checks its session at each message), and once it is gone
    every operation of the socket fails."""
    principal = context.principal
    if principal is None:
        raise Unauthorized(context.auth_problem)
    if context.websocket:
        if isinstance(principal, TokenPrincipal):
            if await context.loaders.token.load(principal.token_id) is None:
                raise token_deleted(context)
        elif await context.loaders.session.load(principal.session_id) is None:
            context.principal = None
            context.auth_problem = SESSION_ENDED
            raise Unauthorized(context.auth_problem)
    return principal


async def actor(context: Context) -> str:
    """Who is asking, as an issue's history names them (app.auth.actors)."""
    principal = await still_authenticated(context)
    if isinstance(principal, TokenPrincipal):
        token = await context.loaders.token.load(principal.token_id)
        return actors.api_token(principal.token_id, token.description if token else None)
    user = await context.loaders.user.load(principal.user_id)
    return actors.user(user.email) if user else f"user #{principal.user_id}"


def token_deleted(context: Context) -> Unauthorized:
    """The connection's token is gone: nothing more runs on it."""
    context.principal = None
    context.auth_problem = "the API token of this connection was deleted"
    return Unauthorized(context.auth_problem)


class IsAuthenticated(BasePermission):
    async def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        # Raises rather than returns False: the one error mapping gives it its code.
        await still_authenticated(info.context)
        refused = info.context.mutations_refused
        if refused is not None and info.operation.operation is OperationType.MUTATION:
            raise Forbidden(refused)
        return True


AUTHENTICATED: list[type[BasePermission]] = [IsAuthenticated]
