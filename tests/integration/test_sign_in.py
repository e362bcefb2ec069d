"""/auth/sign-in, /auth/sign-out and /auth/session with a real browser-like client (cookie jar).

Failed sign-ins are counted per server process, so the tests that fail one run a server of
their own (tests/integration/dedicated.py) with a clock they step.
"""

from __future__ import annotations

import hashlib
import time
from http.cookies import SimpleCookie

import pytest

from app.auth import users
from app.auth.sessions import COOKIE_NAME
from models import UserSession
from tests.integration.dedicated import FakeClock, dedicated_server
from tests.integration.signing_in import (
    PASSWORD,
    browser,
    graphql,
    new_user,
    origin,
    sign_in,
    signed_in,
)

WRONG = {"error": "wrong email or password"}
VIEWER = "{ viewer { id email } }"


def _set_cookie(headers: object) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    for value in headers.getall("Set-Cookie", []):  # type: ignore[attr-defined]
        cookie.load(value)
    return cookie


async def test_sign_in_answers_the_user_and_sets_an_http_only_lax_cookie_stored_hashed(
    http, server
):
    user = await new_user("Ada@Example.com")
    async with http.post(
        server("/auth/sign-in"),
        json={"email": " ADA@example.COM ", "password": PASSWORD},
        headers=origin(server),
    ) as resp:
        assert resp.status == 200
        assert await resp.json() == {"user": {"id": str(user.id), "email": "ada@example.com"}}
        (raw,) = resp.headers.getall("Set-Cookie")
    value = _set_cookie(resp.headers)[COOKIE_NAME].value
    assert raw == f"{COOKIE_NAME}={value}; HttpOnly; Path=/; SameSite=Lax"
    (stored,) = await UserSession.filter(user_id=user.id)
    assert stored.token_hash == hashlib.sha256(value.encode()).hexdigest()
    assert value not in stored.token_hash


async def test_the_cookie_is_secure_when_the_public_url_is_https(server):
    await new_user()
    async with (
        dedicated_server(
            server.settings.database_url, public_url="https://errors.example.com"
        ) as dedicated,
        browser() as session,
        session.post(
            dedicated.server("/auth/sign-in"),
            json={"email": "ada@example.com", "password": PASSWORD},
        ) as resp,
    ):
        assert resp.status == 200
        (raw,) = resp.headers.getall("Set-Cookie")
        value = _set_cookie(resp.headers)[COOKIE_NAME].value
        assert raw == f"{COOKIE_NAME}={value}; HttpOnly; Path=/; SameSite=Lax; Secure"


async def test_unknown_email_and_wrong_password_get_the_same_401(server):
    await new_user()
    async with dedicated_server(server.settings.database_url) as dedicated, browser() as session:
        answers = []
        for email, password in [
            ("ada@example.com", "not the password"),
            ("nobody@example.com", PASSWORD),
            ("not an email", PASSWORD),
        ]:
            started = time.monotonic()
            async with session.post(
                dedicated.server("/auth/sign-in"), json={"email": email, "password": password}
            ) as resp:
                answers.append((resp.status, await resp.read(), "Set-Cookie" in resp.headers))
            answers_took = time.monotonic() - started
            # Every answer verified a password hash: none is a quick "no such user".
            assert answers_took > 0.02
        assert answers == [(401, b'{"error":"wrong email or password"}', False)] * 3
        assert await UserSession.all().count() == 0


async def test_a_session_cookie_authenticates_graphql_and_viewer_names_the_user(http, server, auth):
    user = await new_user()
    async with signed_in(server) as session:
        result = await graphql(session, server, VIEWER + " ")
        assert result == {"data": {"viewer": {"id": str(user.id), "email": "ada@example.com"}}}
        # Queries need no Origin: another site cannot read their answers.
        result = await graphql(session, server, "{ projects { id } }", headers={})
        assert result == {"data": {"projects": []}}
    # A token belongs to no one: viewer is null; without credentials, UNAUTHENTICATED as before.
    async with http.post(server("/graphql"), json={"query": VIEWER}, headers=auth) as resp:
        assert await resp.json() == {"data": {"viewer": None}}
    async with browser() as anonymous:
        result = await graphql(anonymous, server, VIEWER)
        assert result["data"] == {"viewer": None}
        assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
            ("missing Authorization: Bearer <token> header", {"code": "UNAUTHENTICATED"})
        ]


async def test_session_endpoint_tells_the_user_or_the_first_user_command(server):
    async with browser() as session:
        async with session.get(server("/auth/session")) as resp:
            assert resp.status == 200
            assert await resp.json() == {
                "user": None,
                "has_users": False,
                "first_user_command": "faultline user create EMAIL",
            }
        user = await new_user()
        async with session.get(server("/auth/session")) as resp:
            assert await resp.json() == {
                "user": None,
                "has_users": True,
                "first_user_command": None,
            }
        await sign_in(session, server)
        async with session.get(server("/auth/session")) as resp:
            assert await resp.json() == {
                "user": {"id": str(user.id), "email": "ada@example.com"},
                "has_users": True,
                "first_user_command": None,
            }


async def test_sign_out_ends_the_session_and_clears_the_cookie(server):
    await new_user()
    async with signed_in(server) as session:
        async with session.post(server("/auth/sign-out"), headers=origin(server)) as resp:
            assert resp.status == 204
            cleared = _set_cookie(resp.headers)[COOKIE_NAME]
            assert (cleared.value, cleared["max-age"]) == ("", "0")
        assert await UserSession.all().count() == 0
        result = await graphql(session, server, VIEWER)
        assert result["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
        # Signed out already: still 204.
        async with session.post(server("/auth/sign-out")) as resp:
            assert resp.status == 204


async def test_sessions_expire_after_fourteen_idle_days_by_the_app_clock(server):
    await new_user()
    clock = FakeClock(time.time())
    async with (
        dedicated_server(server.settings.database_url, clock=clock) as dedicated,
        signed_in(dedicated.server) as session,
    ):
        clock.advance(13 * 86400)  # a request within the idle lifetime keeps it alive
        assert "errors" not in await graphql(session, dedicated.server, VIEWER)
        clock.advance(14 * 86400 - 1)
        assert "errors" not in await graphql(session, dedicated.server, VIEWER)
        clock.advance(14 * 86400)
        result = await graphql(session, dedicated.server, VIEWER)
        assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
            ("signed out or the session expired; sign in again", {"code": "UNAUTHENTICATED"})
        ]
        assert await UserSession.all().count() == 0


async def _attempt(session, server, email: str, password: str) -> tuple[int, dict, str | None]:
    async with session.post(
        server("/auth/sign-in"), json={"email": email, "password": password}
    ) as resp:
        return resp.status, await resp.json(), resp.headers.get("Retry-After")


async def test_five_failures_for_an_email_lock_it_for_fifteen_minutes_with_retry_after(server):
    await new_user()
    clock = FakeClock(time.time())
    async with (
        dedicated_server(server.settings.database_url, clock=clock) as dedicated,
        browser() as session,
    ):
        for _ in range(5):
            assert await _attempt(session, dedicated.server, "ADA@example.com", "guess") == (
                401,
                WRONG,
                None,
            )
        # Even the right password waits: the lock is on the email, whoever asks.
        locked = {"error": "too many failed sign-ins; try again in 900 s"}
        assert await _attempt(session, dedicated.server, "ada@example.com", PASSWORD) == (
            429,
            locked,
            "900",
        )
        clock.advance(899.5)
        assert await _attempt(session, dedicated.server, "ada@example.com", PASSWORD) == (
            429,
            {"error": "too many failed sign-ins; try again in 1 s"},
            "1",
        )
        clock.advance(0.5)
        status, body, _ = await _attempt(session, dedicated.server, "ada@example.com", PASSWORD)
        assert (status, body["user"]["email"]) == (200, "ada@example.com")


async def test_a_success_clears_the_emails_failures(server):
    await new_user()
    async with dedicated_server(server.settings.database_url) as dedicated, browser() as session:
        for _ in range(2):
            for _ in range(4):
                assert (await _attempt(session, dedicated.server, "ada@example.com", "guess"))[
                    0
                ] == 401
            assert (await _attempt(session, dedicated.server, "ada@example.com", PASSWORD))[
                0
            ] == 200


async def test_twenty_failures_from_one_address_lock_it_whatever_the_email(server):
    clock = FakeClock(time.time())
    async with (
        dedicated_server(server.settings.database_url, clock=clock) as dedicated,
        browser() as session,
    ):
        for n in range(20):
            clock.advance(1)
            status, _, _ = await _attempt(session, dedicated.server, f"u{n}@example.com", "guess")
            assert status == 401
        status, body, retry = await _attempt(session, dedicated.server, "new@example.com", "x" * 8)
        assert (status, body, retry) == (
            429,
            {"error": "too many failed sign-ins; try again in 881 s"},
            "881",
        )


@pytest.mark.parametrize(
    ("body", "content_type", "status", "answer"),
    [
        (b"", "application/json", 400, {"error": "body must be a JSON object"}),
        (b"[1]", "application/json", 400, {"error": "body must be a JSON object"}),
        (b"{", "application/json", 400, None),
        (
            b'{"email": 1, "password": "x"}',
            "application/json",
            400,
            {"error": "email: must be a string", "field": "email"},
        ),
        (
            b'{"email": "ada@example.com"}',
            "application/json",
            400,
            {"error": "password: must be a string", "field": "password"},
        ),
        (
            b'{"email": "ada@example.com", "password": "' + b"x" * 1025 + b'"}',
            "application/json",
            400,
            {"error": "password: must be at most 1024 characters", "field": "password"},
        ),
        (
            b'{"email": "a@example.com", "password": "password"}',
            "text/plain",
            415,
            {"error": "Content-Type must be application/json"},
        ),
    ],
)
async def test_a_malformed_sign_in_is_a_400_json_error(
    http, server, body, content_type, status, answer
):
    async with http.post(
        server("/auth/sign-in"), data=body, headers={"Content-Type": content_type}
    ) as resp:
        assert resp.status == status
        found = await resp.json()
    if answer is None:
        assert found["error"].startswith("malformed JSON body: ")
    else:
        assert found == answer


@pytest.mark.parametrize("path", ["/auth/sign-in", "/auth/sign-out"])
async def test_another_sites_origin_is_refused_403(http, server, path):
    await new_user()
    async with http.post(
        server(path),
        json={"email": "ada@example.com", "password": PASSWORD},
        headers={"Origin": "http://evil.example"},
    ) as resp:
        assert resp.status == 403
        assert await resp.json() == {
            "error": "cross-origin request refused: the Origin header names another site"
        }
        assert "Set-Cookie" not in resp.headers
    assert await UserSession.all().count() == 0


async def test_deleting_a_user_ends_their_sessions(server):
    await new_user()
    async with signed_in(server) as session:
        assert "errors" not in await graphql(session, server, VIEWER)
        await users.delete_user("ada@example.com")
        result = await graphql(session, server, VIEWER)
        assert result["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert await UserSession.all().count() == 0


async def test_last_seen_is_written_at_most_once_a_minute_and_a_new_sign_in_replaces_the_old(
    server,
):
    await new_user()
    clock = FakeClock(time.time())
    async with (
        dedicated_server(server.settings.database_url, clock=clock) as dedicated,
        signed_in(dedicated.server) as session,
    ):
        (first,) = await UserSession.all()
        clock.advance(60)
        assert "errors" not in await graphql(session, dedicated.server, VIEWER)
        assert (await UserSession.get(id=first.id)).last_seen_at == first.last_seen_at
        clock.advance(1)
        assert "errors" not in await graphql(session, dedicated.server, VIEWER)
        seen = (await UserSession.get(id=first.id)).last_seen_at.timestamp()
        assert seen == pytest.approx(clock.now, abs=0.001)
        await sign_in(session, dedicated.server)
        (second,) = await UserSession.all()
        assert second.id != first.id
