"""The `Authorization: Bearer <API token>` guard of the admin REST routes."""

from __future__ import annotations

from aiohttp import web

from app.auth import actors, tokens
from app.auth.token_cache import TOKEN_CACHE
from app.http import Handler

# Who the request's API token names in an issue's history (app.auth.actors).
ACTOR = web.RequestKey("actor", str)


def require_token(handler: Handler) -> Handler:
    async def authenticated(request: web.Request) -> web.StreamResponse:
        token = await tokens.authenticate(
            tokens.bearer_token(request.headers.get("Authorization")), request.app[TOKEN_CACHE]
        )
        request[ACTOR] = actors.api_token(token.id, token.description)
        return await handler(request)

    return authenticated


def add_authenticated(app: web.Application, routes: web.RouteTableDef) -> None:
    """Add every route of `routes`, each behind `require_token` (HEAD answers wherever GET does)."""
    for route in routes:
        assert isinstance(route, web.RouteDef)
        if route.method == "GET":
            app.router.add_get(route.path, require_token(route.handler))
        else:
            app.router.add_route(route.method, route.path, require_token(route.handler))
