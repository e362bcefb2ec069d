"""What a session cookie may do on /graphql: queries from anywhere, mutations only by POST from
the server's own pages (Origin), WebSockets only from them; tokens keep working as before."""

from __future__ import annotations

import aiohttp
import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from app.auth.sessions import COOKIE_NAME
from models import Project
from tests.integration.dedicated import dedicated_server
from tests.integration.graphql import data
from tests.integration.notifying import notifying_server, send
from tests.integration.sentry import new_project
from tests.integration.signing_in import PASSWORD, browser, graphql, new_user, origin, signed_in
from tests.integration.subscribing import LEGACY_WS, PROTOCOLS, TRANSPORT_WS, subscribed, ws_url

CREATE = 'mutation { createProject(name: "Forged") { name } }'
REFUSED = (
    "a mutation authenticated by the session cookie must be a POST from this server's own pages "
    "(Origin header); scripts use an API token"
)
SESSION_ENDED = "the session of this connection ended (signed out, expired or user deleted)"
CREATED = "subscription { issueCreated { shortId } }"


def _errors(result: dict) -> list[tuple[str, dict]]:
    return [(e["message"], e["extensions"]) for e in result["errors"]]


def cookie_of(session: aiohttp.ClientSession) -> str:
    (found,) = [c.value for c in session.cookie_jar if c.key == COOKIE_NAME]
    return found


async def test_a_cookie_mutation_from_the_servers_own_page_runs(server):
    await new_user()
    async with signed_in(server) as session:
        result = await graphql(session, server, CREATE)
    assert result == {"data": {"createProject": {"name": "Forged"}}}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://127.0.0.1"},  # another scheme, another port: another origin
        {},  # no Origin at all
    ],
)
async def test_a_cookie_mutation_from_elsewhere_is_forbidden(server, headers):
    await new_user()
    async with signed_in(server) as session:
        result = await graphql(session, server, CREATE, headers=headers)
        assert result["data"] is None
        assert _errors(result) == [(REFUSED, {"code": "FORBIDDEN"})]
        # Queries of the same request kind still answer.
        assert await graphql(session, server, "{ viewer { email } }", headers=headers) == {
            "data": {"viewer": {"email": "ada@example.com"}}
        }
    assert await Project.all().count() == 0


async def test_a_cookie_mutation_as_form_text_or_get_is_refused(server):
    await new_user()
    async with signed_in(server) as session:
        async with session.post(
            server("/graphql"),
            data=f'{{"query": "{CREATE.replace(chr(34), chr(92) + chr(34))}"}}',
            headers={**origin(server), "Content-Type": "text/plain"},
        ) as resp:
            assert resp.status == 415
            assert (await resp.json())["errors"][0]["message"] == (
                "Content-Type must be application/json"
            )
        async with session.get(
            server("/graphql"), params={"query": CREATE}, headers=origin(server)
        ) as resp:
            assert resp.status == 400
            assert (await resp.json())["errors"][0]["message"] == (
                "mutations are not allowed when using GET"
            )
    assert await Project.all().count() == 0


async def test_a_bearer_token_needs_no_origin_and_wins_over_a_cookie(http, server, auth):
    user = await new_user()
    async with signed_in(server) as session:
        foreign = {**auth, "Origin": "http://evil.example"}
        assert await graphql(session, server, CREATE, headers=foreign) == {
            "data": {"createProject": {"name": "Forged"}}
        }
        # The token is the principal here, not the session: no viewer.
        assert await graphql(session, server, "{ viewer { id } }", headers=foreign) == {
            "data": {"viewer": None}
        }
        assert user.id  # the session stays valid beside it
        assert (await graphql(session, server, "{ viewer { id } }"))["data"]["viewer"] == {
            "id": str(user.id)
        }
    assert await data(http, server, "{ projects { name } }", headers=auth) == {
        "projects": [{"name": "Forged"}]
    }


async def _ws_refusal(url: str, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, protocols=[TRANSPORT_WS], headers=headers) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {}})
        message = await ws.receive(timeout=10)
        assert message.type == aiohttp.WSMsgType.CLOSE
        return message.data, message.extra


async def test_a_cookie_websocket_without_the_servers_origin_is_refused(server):
    await new_user()
    async with signed_in(server) as session:
        cookie = {"Cookie": f"{COOKIE_NAME}={cookie_of(session)}"}
    url = ws_url(server)
    # No Origin: closed with 4403 at connection_init.
    assert await _ws_refusal(url, cookie) == (
        4403,
        "a WebSocket authenticated by the session cookie must come from this server's own pages "
        "(Origin header)",
    )
    # Another site's Origin: the handshake itself is refused.
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(
                url, protocols=[TRANSPORT_WS], headers={**cookie, "Origin": "http://evil.example"}
            )
        assert refused.value.status == 403


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_cookie_websocket_from_the_servers_page_subscribes_until_sign_out(
    http, server, protocol
):
    await new_user()
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        signed_in(dedicated.server) as session,
    ):
        headers = {
            "Cookie": f"{COOKIE_NAME}={cookie_of(session)}",
            **origin(dedicated.server),
        }
        transport = WebsocketsTransport(
            url=ws_url(dedicated.server), headers=headers, subprotocols=[protocol]
        )
        async with Client(transport=transport) as ws:
            async with subscribed(dedicated, ws, CREATED) as live:
                await send(http, dedicated, project, "before")
                assert await live.next() == {"issueCreated": {"shortId": "MY-APP-1"}}
                async with session.post(
                    dedicated.server("/auth/sign-out"), headers=origin(dedicated.server)
                ) as resp:
                    assert resp.status == 204
                await send(http, dedicated, project, "after")
                assert [(e["message"], e["extensions"]) for e in await live.errors()] == [
                    (SESSION_ENDED, {"code": "UNAUTHENTICATED"})
                ]
            if protocol != LEGACY_WS:
                with pytest.raises(TransportQueryError) as failure:
                    await ws.execute(gql("{ viewer { email } }"))
                assert failure.value.errors is not None
                assert _errors({"errors": failure.value.errors}) == [
                    (SESSION_ENDED, {"code": "UNAUTHENTICATED"})
                ]


async def test_a_cookie_websocket_query_names_the_viewer_until_the_session_expires(server):
    user = await new_user()
    async with (
        notifying_server(server.settings.database_url) as (dedicated, clock),
        signed_in(dedicated.server) as session,
    ):
        headers = {"Cookie": f"{COOKIE_NAME}={cookie_of(session)}", **origin(dedicated.server)}
        transport = WebsocketsTransport(
            url=ws_url(dedicated.server), headers=headers, subprotocols=[TRANSPORT_WS]
        )
        async with Client(transport=transport) as ws:
            assert await ws.execute(gql("{ viewer { id email } }")) == {
                "viewer": {"id": str(user.id), "email": "ada@example.com"}
            }
            clock.advance(14 * 86400)
            with pytest.raises(TransportQueryError) as failure:
                await ws.execute(gql("{ viewer { id email } }"))
            assert failure.value.errors is not None
            assert _errors({"errors": failure.value.errors}) == [
                (SESSION_ENDED, {"code": "UNAUTHENTICATED"})
            ]


async def test_behind_a_proxy_the_public_urls_origin_is_the_servers(server):
    """With FAULTLINE_PUBLIC_URL set, pages come from its origin, whatever Host the proxy sends."""
    await new_user()
    public = {"Origin": "https://errors.example.com"}
    async with (
        dedicated_server(
            server.settings.database_url, public_url="https://errors.example.com/faultline"
        ) as dedicated,
        browser() as session,
    ):
        login = {"email": "ada@example.com", "password": PASSWORD}
        async with session.post(dedicated.server("/auth/sign-in"), json=login, headers=public) as r:
            assert r.status == 200
        # The cookie is Secure, so the jar would not send it over http: send it by hand.
        cookie = {"Cookie": f"{COOKIE_NAME}={r.cookies[COOKIE_NAME].value}"}
        assert await graphql(session, dedicated.server, CREATE, {**cookie, **public}) == {
            "data": {"createProject": {"name": "Forged"}}
        }
        # The Host's own origin is not the one browsers use here.
        result = await graphql(
            session, dedicated.server, CREATE, {**cookie, **origin(dedicated.server)}
        )
        assert _errors(result) == [(REFUSED, {"code": "FORBIDDEN"})]
        url = ws_url(dedicated.server)
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(url, protocols=[TRANSPORT_WS], headers={**cookie, **public}) as ws,
        ):
            await ws.send_json({"type": "connection_init", "payload": {}})
            assert (await ws.receive_json(timeout=10)) == {"type": "connection_ack"}
        assert await _ws_refusal(url, {**cookie, **origin(dedicated.server)}) == (
            4403,
            "a WebSocket authenticated by the session cookie must come from this server's own "
            "pages (Origin header)",
        )
