"""HTTP plumbing shared by every surface: app keys, JSON in and out, error rendering."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import hdrs, web

from app.config import MIB, Settings
from app.database import is_unavailable
from app.errors import (
    BadRequest,
    FaultlineError,
    InvalidField,
    PayloadTooLarge,
    RequestTimeout,
    Unavailable,
    UnsupportedMediaType,
)

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Renders a FaultlineError for one surface; chosen per route (see `surface`).
Renderer = Callable[[FaultlineError], web.Response]
RENDERER_ATTR = "__faultline_renderer__"
# REST bodies are a few small fields; ingestion has its own, larger limits.
MAX_JSON_BODY_BYTES = 1 * MIB
# Enough for any int8; longer digit runs are refused before int() sees them.
MAX_JSON_INT_DIGITS = 20
NOT_AN_OBJECT = "body must be a JSON object"
MAX_FIELD_NAME = 64


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # A lone surrogate can only sit inside a JSON string, where backslashreplace writes its
    # `\udXXX` escape: still valid JSON for the same value, where strict UTF-8 would raise.
    data = dumps(body).encode("utf-8", "backslashreplace")
    return web.Response(
        body=data,
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )


def render_error(error: FaultlineError) -> web.Response:
    body: dict[str, Any] = {"error": error.message}
    if isinstance(error, InvalidField):
        body["field"] = error.field
    headers = None
    if error.retry_after_s is not None:
        headers = {"Retry-After": str(error.retry_after_s)}
    return json_response(body, status=error.status, headers=headers)


def surface(renderer: Renderer) -> Callable[[Handler], Handler]:
    """Mark a handler with the renderer its surface uses for errors."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, RENDERER_ATTR, renderer)
        return handler

    return mark


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, read within the REST size and time limits."""
    _require_plain_json(request)
    raw = await read_body(request, MAX_JSON_BODY_BYTES, request.app[SETTINGS].body_read_timeout_s)
    return parse_json_object(raw)


async def read_body(request: web.Request, max_bytes: int, timeout_s: float) -> bytes:
    """The whole body, or 413 past `max_bytes` and 408 when it takes longer than `timeout_s`."""
    too_large = PayloadTooLarge(f"request body too large (limit {max_bytes} bytes)")
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    body = bytearray()
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.content.iter_chunked(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise too_large
    except TimeoutError:
        raise RequestTimeout(f"request body did not arrive within {timeout_s:g} s") from None
    return bytes(body)


def _require_plain_json(request: web.Request) -> None:
    if hdrs.CONTENT_TYPE in request.headers:
        mime = request.content_type
        if mime != "application/json" and not mime.endswith("+json"):
            raise UnsupportedMediaType("Content-Type must be application/json")
    encoding = request.headers.get(hdrs.CONTENT_ENCODING, "").strip().lower()
    if encoding not in ("", "identity"):
        raise UnsupportedMediaType("Content-Encoding is not supported here; send plain JSON")


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Strict JSON (no NaN, no duplicate keys, numbers a database can hold) holding an object."""
    if not raw.strip():
        raise BadRequest(NOT_AN_OBJECT)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("malformed JSON body: not valid UTF-8") from None
    if text.startswith("\ufeff"):
        raise BadRequest("malformed JSON body: starts with a byte order mark")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_refuse_constant,
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
        if not isinstance(value, dict):
            raise BadRequest(NOT_AN_OBJECT)
        # Inside the try: the check re-walks the nesting and can reach the limit too.
        _require_unicode(value)
    except RecursionError:
        raise BadRequest("malformed JSON body: nested too deeply") from None
    except ValueError as exc:
        raise BadRequest(f"malformed JSON body: {exc}") from None
    for key in value:
        if len(key) > MAX_FIELD_NAME:
            # No field has such a name; refused here, so no error message repeats it whole.
            raise BadRequest(f"unknown field {_shown(key)}")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {_shown(key)}")
            seen.add(key)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise ValueError(f"an integer has more than {MAX_JSON_INT_DIGITS} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number is out of range")
    return value


def _require_unicode(body: dict[str, Any]) -> None:
    """Lone surrogates (from `\\ud800` escapes) cannot be stored or sent back as UTF-8."""
    try:
        dumps(body).encode("utf-8")
        return
    except UnicodeEncodeError:
        pass
    for key, value in body.items():
        try:
            key.encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("malformed JSON body: a key holds a lone surrogate") from None
        try:
            dumps(value).encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidField(key, "must not contain lone surrogates") from None


def _shown(key: str) -> str:
    return repr(key if len(key) <= 40 else key[:40] + "...")


def surface_prefix(app: web.Application, prefix: str, renderer: Renderer) -> None:
    """Render errors of unmatched requests under `prefix` (404, 405) with `renderer`."""
    app[PREFIX_RENDERERS] = (*app.get(PREFIX_RENDERERS, ()), (prefix, renderer))


PREFIX_RENDERERS = web.AppKey("prefix_renderers", tuple[tuple[str, Renderer], ...])


def _renderer(request: web.Request) -> Renderer:
    renderer: Renderer | None = getattr(
        getattr(request.match_info, "handler", None), RENDERER_ATTR, None
    )
    if renderer is not None:
        return renderer
    for prefix, by_prefix in request.app.get(PREFIX_RENDERERS, ()):
        if request.path.startswith(prefix):
            return by_prefix
    return render_error


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    renderer = _renderer(request)
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
            return renderer(Unavailable("database unavailable, try again shortly"))
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
