"""The aiohttp view of /graphql: body limits, authentication, WebSocket refusals.

POST bodies are plain JSON of at most MAX_BODY_BYTES (the application's client_max_size is
ingestion's, and it does not decode Content-Encoding, so a compressed body is refused here);
GET serves queries and, to browsers, GraphiQL. WebSockets speak graphql-transport-ws and
graphql-ws; a connection without valid credentials is closed with 4401 (4403: forbidden).

Credentials: a Bearer token (header, or the `connection_init` payload of a WebSocket) or, when
there is none, the web UI's session cookie. A cookie is sent by the browser whichever site made
the request, so what it may do is narrowed (cross-site request forgery): its mutations must come
by POST with an Origin header naming this server (JSON bodies are required of every POST), and
its WebSocket handshakes must carry that Origin (else closed with 4403; strawberry itself answers
403 to a handshake from any other origin). Queries need no Origin: another site cannot read them.

Idle WebSockets get keep-alive messages and ping frames (schema/keepalive.py).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import orjson
from aiohttp import hdrs, web
from cross_web import AiohttpHTTPRequestAdapter, HTTPException
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from app.auth import origins, sessions
from app.auth.token_cache import TOKEN_CACHE
from app.config import MIB
from app.database import is_unavailable
from app.errors import (
    FaultlineError,
    Forbidden,
    Unauthorized,
    UnsupportedMediaType,
)
from app.http import RENDERER_ATTR, SETTINGS, json_response, read_body
from app.notifications import BROKER
from schema import schema
from schema.context import Context
from schema.errors import extensions_of
from schema.keepalive import PingingTransportWSHandler
from schema.permissions import authenticate, authenticate_session, ws_authorization

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 * MIB
_BODY = web.RequestKey("graphql_body", bytes)
# Close codes of graphql-transport-ws; graphql-ws clients get them too.
WS_UNAUTHENTICATED = 4401
WS_FORBIDDEN = 4403
WS_UNAVAILABLE = 1011
COOKIE_MUTATION_REFUSED = (
    "a mutation authenticated by the session cookie must be a POST from this server's own pages "
    "(Origin header); scripts use an API token"
)
COOKIE_WEBSOCKET_REFUSED = (
    "a WebSocket authenticated by the session cookie must come from this server's own pages "
    "(Origin header)"
)


def render_error(error: FaultlineError) -> web.Response:
    """A failure of the HTTP request itself, as a GraphQL response with its status."""
    body = {"errors": [{"message": error.message, "extensions": extensions_of(error)}]}
    return json_response(body, status=error.status)


def _adapter(request: web.Request) -> AiohttpHTTPRequestAdapter:
    # The body was read (within our limits) before strawberry saw the request.
    return AiohttpHTTPRequestAdapter(request, body=request.get(_BODY))


class FaultlineGraphQLView(GraphQLView[Context, None]):
    request_adapter_class = staticmethod(_adapter)  # type: ignore[assignment]
    graphql_transport_ws_handler_class = PingingTransportWSHandler

    def __init__(self, clock: Callable[[], float], keepalive_s: float) -> None:
        super().__init__(schema=schema, keep_alive=True, keep_alive_interval=keepalive_s)
        self._clock = clock

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        try:
            if request.method == "POST" and not self.is_websocket_request(request):
                request[_BODY] = await _read_plain_json(request)
            return await self.run(request=request)
        except HTTPException as exc:
            error = FaultlineError(exc.reason)
            error.status = exc.status_code
            raise error from None

    async def get_context(
        self, request: web.Request, response: web.Response | web.WebSocketResponse
    ) -> Context:
        context = Context(
            request=request,
            response=response,
            settings=request.app[SETTINGS],
            clock=self._clock,
            broker=request.app[BROKER],
        )
        context.renew_loaders()
        if not isinstance(response, web.WebSocketResponse):
            await _authenticate(context, request)
        return context

    def is_websocket_origin_allowed(self, request: web.Request, origin: str) -> bool:
        # Called for handshakes whose Origin is not the Host's: FAULTLINE_PUBLIC_URL's origin,
        # the one browsers see behind a proxy, is this server too.
        own = origins.server_origin(request.app[SETTINGS], request)
        return own is not None and origins.origin_of(origin) == own

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        ws = context.response
        assert isinstance(ws, web.WebSocketResponse)
        request = context.request
        header = request.headers.get(hdrs.AUTHORIZATION)
        cookie = request.cookies.get(sessions.COOKIE_NAME)
        try:
            authorization = ws_authorization(context.connection_params, header)
            if authorization is None and cookie is not None:
                if not origins.from_server(context.settings, request):
                    raise Forbidden(COOKIE_WEBSOCKET_REFUSED)
                context.principal = await authenticate_session(cookie, _now(context))
            else:
                context.principal = await authenticate(authorization)
        except Unauthorized as error:
            await _refuse(ws, WS_UNAUTHENTICATED, error)
        except Forbidden as error:
            await _refuse(ws, WS_FORBIDDEN, error)
        except Exception as exc:
            if not is_unavailable(exc):
                log.exception("unexpected error authenticating a GraphQL WebSocket")
            await _refuse(ws, WS_UNAVAILABLE, FaultlineError("server unavailable, reconnect"))
        ack: UnsetType = UNSET
        return ack

    async def create_websocket_response(
        self, request: web.Request, subprotocol: str | None
    ) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(
            protocols=[subprotocol] if subprotocol else [],
            max_msg_size=MAX_BODY_BYTES,
            heartbeat=self.keep_alive_interval,
        )
        await ws.prepare(request)
        return ws

    def encode_json(self, data: object) -> str:
        return _json_bytes(data).decode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: web.Response,
    ) -> web.Response:
        sub_response.body = _json_bytes(response_data)
        sub_response.content_type = "application/json"
        return sub_response

    def decode_json(self, data: str | bytes) -> object:
        # Strawberry turns JSONDecodeError (only) into a 400 or a WebSocket close: every other
        # failure of untrusted JSON (bad UTF-8, nesting, huge numbers) is made one.
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise json.JSONDecodeError(f"malformed JSON: {type(exc).__name__}", "", 0) from None


def _json_bytes(data: object) -> bytes:
    """A response as JSON: orjson (several times faster on event payloads), or the standard
    library for what orjson refuses (integers past 64 bits, lone surrogates in old rows)."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return json.dumps(data, separators=(",", ":")).encode()


async def _authenticate(context: Context, request: web.Request) -> None:
    """Sets the principal, or says why there is none; a database failure propagates."""
    authorization = request.headers.get(hdrs.AUTHORIZATION)
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    try:
        if authorization is None and cookie is not None:
            context.principal = await authenticate_session(cookie, _now(context))
            if request.method != "POST" or not origins.from_server(context.settings, request):
                context.mutations_refused = COOKIE_MUTATION_REFUSED
        else:
            context.principal = await authenticate(authorization, request.app[TOKEN_CACHE])
    except Unauthorized as error:
        context.auth_problem = error.message


def _now(context: Context) -> datetime:
    return datetime.fromtimestamp(context.clock(), UTC)


async def _refuse(ws: web.WebSocketResponse, code: int, error: FaultlineError) -> None:
    payload: dict[str, object] = {"message": error.message, "extensions": extensions_of(error)}
    if ws.ws_protocol == GRAPHQL_WS_PROTOCOL and not ws.closed:
        # graphql-ws has no close codes of its own: its clients read connection_error.
        await ws.send_json({"type": "connection_error", "payload": payload})
    await ws.close(code=code, message=error.message[:120].encode())
    raise ConnectionRejectionError(payload)


async def _read_plain_json(request: web.Request) -> bytes:
    encoding = request.headers.get(hdrs.CONTENT_ENCODING, "").strip().lower()
    if encoding not in ("", "identity"):
        raise UnsupportedMediaType("Content-Encoding is not supported on /graphql; send plain JSON")
    if request.content_type != "application/json":
        raise UnsupportedMediaType("Content-Type must be application/json")
    body = await read_body(request, MAX_BODY_BYTES, request.app[SETTINGS].body_read_timeout_s)
    # Strawberry expects an object (or a list, a batch) and fails on any other JSON value.
    if body.lstrip(b" \t\r\n")[:1] not in (b"{", b"["):
        raise HTTPException(400, 'body must be a JSON object: {"query": ...}')
    return body


def setup(app: web.Application, clock: Callable[[], float] = time.time) -> None:
    """`clock`: wall-clock seconds, "now" for the resolvers (tests step it)."""
    view = FaultlineGraphQLView(clock, app[SETTINGS].ws_keepalive_s)
    setattr(view, RENDERER_ATTR, render_error)  # errors escaping the view: GraphQL-shaped
    app.router.add_route("*", "/graphql", view)
