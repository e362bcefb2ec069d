"""Rollbar's API surface: ping, item posting, the item API (api.py); failures in Rollbar's shape.

    GET  /api/1/status/ping    pong
    POST /api/1/item/          {"err": 0, "result": {"id": null, "uuid": "…"}}

Errors, wherever they are raised (here, in shared code, or as an unexpected 500), answer
`{"err": 1, "message": "…"}`. Item answers carry X-Rate-Limit-Limit, -Remaining, -Reset and
-Remaining-Seconds, refusals included, so rollbar.js can pause on a 429.
"""

from __future__ import annotations

from aiohttp import web

from app.compat.rollbar import api
from app.compat.rollbar.ingest import ItemRequest, RateWindow, RollbarIngestor
from app.errors import FaultlineError
from app.http import json_response, surface, surface_prefix
from app.ingest.untrusted import clip

ROLLBAR = web.AppKey("rollbar_ingestor", RollbarIngestor)

MAX_MESSAGE_CHARS = 1024
ROLLBAR_PREFIXES = (
    "/api/1/item",
    "/api/1/instance",
    "/api/1/deploy",
    "/api/1/projects",
    "/api/1/status/",
)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "X-Rate-Limit-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset, "
        "X-Rate-Limit-Remaining-Seconds"
    ),
}
PREFLIGHT_HEADERS = {
    **CORS_HEADERS,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "content-type, x-rollbar-access-token",
    "Access-Control-Max-Age": "3600",
}


def render_rollbar_error(error: FaultlineError) -> web.Response:
    headers = None
    if error.retry_after_s is not None:
        headers = {"Retry-After": str(error.retry_after_s)}
    body = {"err": 1, "message": clip(error.message, MAX_MESSAGE_CHARS)}
    return json_response(body, status=error.status, headers=headers)


def rate_headers(window: RateWindow) -> dict[str, str]:
    return {
        "X-Rate-Limit-Limit": str(window.limit),
        "X-Rate-Limit-Remaining": str(window.remaining),
        "X-Rate-Limit-Reset": str(window.reset_s),
        "X-Rate-Limit-Remaining-Seconds": str(window.remaining_s),
    }


@surface(render_rollbar_error)
async def ping(request: web.Request) -> web.Response:
    return web.Response(text="pong")


@surface(render_rollbar_error)
async def post_item(request: web.Request) -> web.Response:
    answer = await request.app[ROLLBAR].ingest(
        ItemRequest(
            headers=request.headers,
            query=request.query,
            content_type=request.content_type,
            body=request.content,
            client_ip=request.remote,
        )
    )
    headers = {**CORS_HEADERS, **rate_headers(answer.window)}
    if answer.error is None:
        result = {"id": None, "uuid": answer.uuid}
        return json_response({"err": 0, "result": result}, headers=headers)
    response = render_rollbar_error(answer.error)
    response.headers.update(headers)
    if not request.content.is_eof():
        # Refused before the body was all read: the connection is not reused (see the
        # Sentry endpoints for why this still lets the client read the answer).
        response.force_close()
    return response


@surface(render_rollbar_error)
async def preflight(request: web.Request) -> web.Response:
    return web.Response(status=200, headers=PREFLIGHT_HEADERS)


def setup(app: web.Application) -> None:
    # Sentry owns /api/1/envelope/ and /api/1/store/ (project 1): only Rollbar's own paths.
    for prefix in ROLLBAR_PREFIXES:
        surface_prefix(app, prefix, render_rollbar_error)
    app.router.add_get("/api/1/status/ping", ping)
    for path in ("/api/1/item/", "/api/1/item"):
        app.router.add_post(path, post_item)
        app.router.add_route("OPTIONS", path, preflight)
    for route in api.routes:
        assert isinstance(route, web.RouteDef)
        handler = surface(render_rollbar_error)(route.handler)
        if route.method == "GET":  # HEAD answers wherever GET does
            app.router.add_get(route.path, handler)
        else:
            app.router.add_route(route.method, route.path, handler)
