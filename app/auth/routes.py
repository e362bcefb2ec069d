"""/auth/*: sign in, sign out, and who is signed in (the web UI's sign-in page calls these).

    POST /auth/sign-in   {"email", "password"} → 200 {"user"} and the session cookie;
                         401 wrong email or password, 429 with Retry-After, 400 bad body
    POST /auth/sign-out  → 204, the session ended and the cookie cleared (also when signed out)
    GET  /auth/session   → {"user" | null, "has_users", "first_user_command" | null}

A POST whose Origin header names another site is refused (403): no page elsewhere can sign a
browser in or out. Requests without Origin (curl, scripts) are served.
"""

from __future__ import annotations

import contextlib
from typing import Any

from aiohttp import web

from app.auth import origins, sessions, users
from app.auth.signin import SignIns
from app.errors import Forbidden, Unauthorized
from app.http import SETTINGS, json_response, read_json_object
from models import User

SIGN_INS = web.AppKey("sign_ins", SignIns)
routes = web.RouteTableDef()


def user_json(user: User) -> dict[str, Any]:
    return {"id": str(user.id), "email": user.email}


def _refuse_foreign(request: web.Request) -> None:
    if origins.foreign(request.app[SETTINGS], request):
        raise Forbidden("cross-origin request refused: the Origin header names another site")


def _client_address(request: web.Request) -> str:
    # The peer: X-Forwarded-For is anyone's to write, and no setting says which proxy to trust.
    return request.remote or "unknown"


@routes.post("/auth/sign-in")
async def sign_in(request: web.Request) -> web.Response:
    _refuse_foreign(request)
    body = await read_json_object(request)
    new = await request.app[SIGN_INS].sign_in(
        _client_address(request), body.get("email"), body.get("password")
    )
    replaced = request.cookies.get(sessions.COOKIE_NAME)
    if replaced is not None:  # this browser's earlier session, if any, is done with
        await sessions.end_session(replaced)
    response = json_response({"user": user_json(new.record.user)})
    response.set_cookie(
        sessions.COOKIE_NAME,
        new.value,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=origins.secure_cookies(request.app[SETTINGS]) or None,
    )
    return response


@routes.post("/auth/sign-out")
async def sign_out(request: web.Request) -> web.Response:
    _refuse_foreign(request)
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    if cookie is not None:
        await sessions.end_session(cookie)
    response = web.Response(status=204)
    _clear_cookie(response)
    return response


@routes.get("/auth/session")
async def current_session(request: web.Request) -> web.Response:
    user = None
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    if cookie is not None:
        with contextlib.suppress(Unauthorized):
            user = (await request.app[SIGN_INS].resume(cookie)).user
    has_users = user is not None or await users.has_users()
    response = json_response(
        {
            "user": None if user is None else user_json(user),
            "has_users": has_users,
            "first_user_command": None if has_users else users.FIRST_USER_COMMAND,
        }
    )
    if cookie is not None and user is None:
        _clear_cookie(response)
    return response


def _clear_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(sessions.COOKIE_NAME, path="/", httponly=True, samesite="Lax")


def setup(app: web.Application, sign_ins: SignIns) -> None:
    app[SIGN_INS] = sign_ins
    app.router.add_routes(routes)
