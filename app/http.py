"""HTTP plumbing shared by every surface: app keys, JSON in and out, error rendering."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from app.config import Settings
from app.database import is_unavailable
from app.errors import BadRequest, FaultlineError, InvalidField, RateLimited

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Renders a FaultlineError for one surface; chosen per route (see `surface`).
Renderer = Callable[[FaultlineError], web.Response]
RENDERER_ATTR = "__faultline_renderer__"
# What a 503 asks the client to wait before it tries again, on every surface.
UNAVAILABLE_RETRY_AFTER_S = 5


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(body, status=status, headers=headers, dumps=dumps)


def render_error(error: FaultlineError) -> web.Response:
    body: dict[str, Any] = {"error": error.message}
    if isinstance(error, InvalidField):
        body["field"] = error.field
    headers = None
    if isinstance(error, RateLimited):
        headers = {"Retry-After": str(error.retry_after_s)}
    return json_response(body, status=error.status, headers=headers)


def surface(renderer: Renderer) -> Callable[[Handler], Handler]:
    """Mark a handler with the renderer its surface uses for errors."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, RENDERER_ATTR, renderer)
        return handler

    return mark


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object; an empty body counts as `{}`."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("malformed JSON body: not valid UTF-8") from None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise BadRequest(f"malformed JSON body: {exc}") from None
    if not isinstance(value, dict):
        raise BadRequest("JSON body must be an object")
    return value


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    renderer: Renderer = getattr(
        getattr(request.match_info, "handler", None), RENDERER_ATTR, render_error
    )
    try:
        return await handler(request)
    except FaultlineError as error:
        return renderer(error)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = renderer(_with_status(exc.status, _http_message(exc, request)))
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception as exc:
        if is_unavailable(exc):
            log.warning(
                "database unavailable while serving %s %s: %s: %s",
                request.method,
                request.path,
                type(exc).__name__,
                exc,
            )
            response = renderer(_with_status(503, "database unavailable, try again shortly"))
            response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_S)
            return response
        if isinstance(exc, ConnectionError) and request.transport is None:
            # The client hung up (mid-body, say): nobody to answer, and nothing of ours failed.
            log.debug("client closed the connection during %s %s", request.method, request.path)
            return renderer(_with_status(400, "client closed the connection"))
        log.exception("unexpected error serving %s %s", request.method, request.path)
        return renderer(_with_status(500, "internal server error"))


def _with_status(status: int, message: str) -> FaultlineError:
    error = FaultlineError(message)
    error.status = status
    return error


def _http_message(exc: web.HTTPException, request: web.Request) -> str:
    if exc.status == 404:
        return f"not found: {request.path}"
    if exc.status == 405:
        return f"method {request.method} not allowed on {request.path}"
    if exc.status == 413:
        return "request body too large"
    return exc.reason or "bad request"
