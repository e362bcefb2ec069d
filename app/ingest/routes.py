"""Sentry ingestion endpoints: /api/{project_id}/envelope/ and the legacy /store/, with CORS."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.errors import FaultlineError, RateLimited
from app.http import surface
from app.ingest.pipeline import Ingestor, SentryRequest
from app.ingest.ratelimit import sentry_headers
from app.ingest.untrusted import clip

INGESTOR = web.AppKey("ingestor", Ingestor)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "x-sentry-error, x-sentry-rate-limits, retry-after",
}
PREFLIGHT_HEADERS = {
    **CORS_HEADERS,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": (
        "x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, "
        "content-type, authentication, authorization, content-encoding, transfer-encoding, "
        "sentry-trace, baggage"
    ),
    "Access-Control-Max-Age": "3600",
}


# Messages may quote client input; a header beyond 8 KiB would break the client reading it.
MAX_MESSAGE_CHARS = 1024


def render_ingest_error(error: FaultlineError) -> web.Response:
    """Relay's `detail` beside our `error`, CORS, and the back-off headers SDKs obey."""
    message = clip(error.message, MAX_MESSAGE_CHARS)
    headers = dict(CORS_HEADERS)
    headers["X-Sentry-Error"] = message
    if isinstance(error, RateLimited):
        headers.update(sentry_headers(error.retry_after_s))
    elif error.retry_after_s is not None:
        headers["Retry-After"] = str(error.retry_after_s)
    body: dict[str, Any] = {"error": message, "detail": message}
    return web.json_response(body, status=error.status, headers=headers)


@surface(render_ingest_error)
async def envelope(request: web.Request) -> web.Response:
    return await _ingest(request, store_endpoint=False)


@surface(render_ingest_error)
async def store(request: web.Request) -> web.Response:
    return await _ingest(request, store_endpoint=True)


@surface(render_ingest_error)
async def preflight(request: web.Request) -> web.Response:
    return web.Response(status=200, headers=PREFLIGHT_HEADERS)


async def _ingest(request: web.Request, *, store_endpoint: bool) -> web.Response:
    try:
        event_id = await request.app[INGESTOR].ingest(
            SentryRequest(
                project_id=request.match_info["project_id"],
                headers=request.headers,
                query_string=request.query_string,
                body=request.content,
                client_ip=request.remote,
                store_endpoint=store_endpoint,
            )
        )
    except FaultlineError as error:
        return await _refuse(request, error)
    body = b'{"id":"%s"}' % event_id.encode() if event_id else b"{}"
    return web.Response(body=body, content_type="application/json", headers=CORS_HEADERS)


async def _refuse(request: web.Request, error: FaultlineError) -> web.Response:
    response = render_ingest_error(error)
    if not request.content.is_eof():
        # Refused before the body was all read (bad key, oversized or trickling body): the
        # connection is not reused; aiohttp discards what still comes for a few seconds, so
        # the client reads the answer rather than a reset.
        response.force_close()
    return response


def setup(app: web.Application) -> None:
    for endpoint, handler in (("envelope", envelope), ("store", store)):
        # Like Relay: any number of slashes between the parts, a trailing one optional.
        path = rf"/api{{_s1:/+}}{{project_id:\d+}}{{_s2:/+}}{endpoint}{{_s3:/*}}"
        app.router.add_post(path, handler)
        app.router.add_route("OPTIONS", path, preflight)
