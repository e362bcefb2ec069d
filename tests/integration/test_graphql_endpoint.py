"""The /graphql endpoint itself: transports, authentication, body limits, document limits."""

from __future__ import annotations

import gzip
import json

import aiohttp
import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from models import Project
from schema import MAX_TOKENS
from schema.limits import MAX_ALIASES, MAX_DEPTH
from schema.view import MAX_BODY_BYTES
from tests.integration.graphql import data, execute
from tests.integration.subscribing import LEGACY_WS, TRANSPORT_WS, ws_url

# A frame (or the close) that never comes fails the test, instead of waiting for it forever.
WS_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=30, ws_close=10)

# --- HTTP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing Authorization: Bearer <token> header"),
        ({"Authorization": "Basic abc"}, "Authorization header must be 'Bearer <token>'"),
        ({"Authorization": "Bearer " + "0" * 40}, "invalid API token"),
        ({"Authorization": "Bearer short"}, "invalid API token"),
    ],
)
async def test_operations_without_a_valid_token_are_unauthenticated(http, server, headers, message):
    for query in ("{ projects { id } }", 'mutation { createProject(name: "x") { id } }'):
        result = await execute(http, server, query, headers=headers)
        assert result["data"] is None
        assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
            (message, {"code": "UNAUTHENTICATED"})
        ]
    assert await Project.all().count() == 0


@pytest.mark.parametrize(
    "query",
    [
        "{ projects { id } }",
        '{ project(id: "1") { id } }',
        '{ issues(projectId: "1") { totalCount } }',
        '{ issue(id: "1") { id } }',
        '{ issueByShortId(shortId: "A-1") { id } }',
        '{ issueByEventId(eventId: "1") { id } }',
        '{ event(id: "1") { id } }',
        "{ tokens { id } }",
    ],
)
async def test_every_query_needs_a_token(http, server, query):
    result = await execute(http, server, query)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]


async def test_introspection_needs_no_token(http, server):
    found = await data(http, server, "{ __schema { queryType { name } } __typename }")
    assert found == {"__schema": {"queryType": {"name": "Query"}}, "__typename": "Query"}


async def test_get_serves_queries_and_refuses_mutations(http, server, auth):
    params = {"query": "{ projects { id } }"}
    async with http.get(server("/graphql"), params=params, headers=auth) as resp:
        assert resp.status == 200
        assert await resp.json() == {"data": {"projects": []}}
    params = {"query": 'mutation { createProject(name: "x") { id } }'}
    async with http.get(server("/graphql"), params=params, headers=auth) as resp:
        assert resp.status == 400
        assert await resp.json() == {
            "errors": [
                {
                    "message": "mutations are not allowed when using GET",
                    "extensions": {"code": "BAD_REQUEST"},
                }
            ]
        }
    assert await Project.all().count() == 0


async def test_browsers_get_graphiql(http, server):
    async with http.get(server("/graphql"), headers={"Accept": "text/html"}) as resp:
        assert resp.status == 200
        assert resp.content_type == "text/html"
        assert "graphiql" in (await resp.text()).lower()


@pytest.mark.parametrize(
    ("body", "headers", "status", "message", "code"),
    [
        (
            b"{",
            {"Content-Type": "application/json"},
            400,
            "Unable to parse request body as JSON",
            "BAD_REQUEST",
        ),
        (
            b'{"query": "\xff\xfe"}',
            {"Content-Type": "application/json"},
            400,
            "Unable to parse request body as JSON",
            "BAD_REQUEST",
        ),
        (
            b"[" * 100_000,
            {"Content-Type": "application/json"},
            400,
            "Unable to parse request body as JSON",
            "BAD_REQUEST",
        ),
        (
            b'{"query": "{ __typename }", "variables": {"a": 1' + b"1" * 5000 + b"}}",
            {"Content-Type": "application/json"},
            400,
            "Unable to parse request body as JSON",
            "BAD_REQUEST",
        ),
        (
            b"[]",
            {"Content-Type": "application/json"},
            400,
            "Batching is not enabled",
            "BAD_REQUEST",
        ),
        (
            b"query=x",
            {"Content-Type": "application/x-www-form-urlencoded"},
            415,
            "Content-Type must be application/json",
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            gzip.compress(b'{"query": "{ __typename }"}'),
            {"Content-Type": "application/json", "Content-Encoding": "gzip"},
            415,
            "Content-Encoding is not supported on /graphql; send plain JSON",
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            json.dumps({"query": "{ __typename }", "pad": "x" * MAX_BODY_BYTES}).encode(),
            {"Content-Type": "application/json"},
            413,
            f"request body too large (limit {MAX_BODY_BYTES} bytes)",
            "PAYLOAD_TOO_LARGE",
        ),
        (
            b'"abc"',
            {"Content-Type": "application/json"},
            400,
            'body must be a JSON object: {"query": ...}',
            "BAD_REQUEST",
        ),
        (
            b" 123",
            {"Content-Type": "application/json"},
            400,
            'body must be a JSON object: {"query": ...}',
            "BAD_REQUEST",
        ),
        (
            b"null",
            {"Content-Type": "application/json"},
            400,
            'body must be a JSON object: {"query": ...}',
            "BAD_REQUEST",
        ),
        (
            b"",
            {"Content-Type": "application/json"},
            400,
            'body must be a JSON object: {"query": ...}',
            "BAD_REQUEST",
        ),
    ],
    ids=[
        "truncated",
        "not-utf8",
        "deep",
        "huge-int",
        "batch",
        "form",
        "gzip",
        "too-large",
        "string",
        "number",
        "null",
        "empty",
    ],
)
async def test_bad_http_bodies_get_a_graphql_shaped_error(
    http, server, auth, body, headers, status, message, code
):
    async with http.post(server("/graphql"), data=body, headers={**auth, **headers}) as resp:
        assert resp.status == status
        assert await resp.json() == {"errors": [{"message": message, "extensions": {"code": code}}]}


async def test_a_body_under_the_limit_is_served(http, server, auth):
    body = json.dumps(
        {"query": "{ __typename }", "variables": {"pad": "x" * (MAX_BODY_BYTES - 100)}}
    )
    async with http.post(
        server("/graphql"), data=body, headers={**auth, "Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 200
        assert await resp.json() == {"data": {"__typename": "Query"}}


async def test_other_methods_are_refused(http, server, auth):
    async with http.put(server("/graphql"), headers=auth) as resp:
        assert resp.status == 405
        body = await resp.json()
        assert body["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}


# --- document limits ---------------------------------------------------------------------------


# Fields ten levels below the operation's own (the limit), and no connection.
DEEPEST = (
    '{ event(id: "1") { issue { latestEvent { issue { latestEvent { issue { latestEvent '
    "{ issue { latestEvent { issue { id } } } } } } } } } } }"
)


async def test_depth_alias_and_token_limits_refuse_with_a_validation_code(http, server, auth):
    deep = DEEPEST.replace("issue { id }", "issue { latestEvent { id } }")
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1)) + " }"
    tokens = "{ " + "__typename " * MAX_TOKENS + "}"
    for query, message, code in [
        (
            deep,
            f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH}",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            aliases,
            f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            tokens,
            f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted.",
            "GRAPHQL_PARSE_FAILED",
        ),
    ]:
        result = await execute(http, server, query, headers=auth)
        assert result["data"] is None
        assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
            (message, code)
        ]


async def test_documents_within_the_limits_pass(http, server, auth):
    result = await execute(http, server, DEEPEST, headers=auth)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES)) + " }"
    assert len(await data(http, server, aliases, headers=auth)) == MAX_ALIASES


async def test_parser_and_validation_caches_hit_for_a_repeated_document(http, server, auth):
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    from schema import CACHE_SIZE

    query = "{ projects { id name } tokens { id } }"
    await data(http, server, query, headers=auth)
    parsed, validated = _get_parse_cache(CACHE_SIZE), _get_validate_cache(CACHE_SIZE)
    before = (
        parsed.cache_info().hits,
        validated.cache_info().hits,
        validated.cache_info().currsize,
    )
    for _ in range(3):
        await data(http, server, query, headers=auth)
    after = (parsed.cache_info().hits, validated.cache_info().hits, validated.cache_info().currsize)
    assert (after[0] - before[0], after[1] - before[1], after[2]) == (3, 3, before[2])


# --- WebSockets --------------------------------------------------------------------------------


async def _ws_init(http, server, protocol, payload, headers=None):
    ws = await http.ws_connect(
        ws_url(server), protocols=[protocol], headers=headers or {}, timeout=WS_TIMEOUT
    )
    await ws.send_json(
        {"type": "connection_init", **({"payload": payload} if payload is not None else {})}
    )
    return ws


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize(
    "payload",
    [None, {}, {"Authorization": "Bearer " + "0" * 40}, {"token": "nope"}, {"token": 7}],
    ids=["no-payload", "empty", "unknown-token", "bad-token", "non-string"],
)
async def test_a_websocket_without_a_valid_token_is_closed_4401(http, server, protocol, payload):
    ws = await _ws_init(http, server, protocol, payload)
    messages = []
    async for message in ws:
        messages.append(json.loads(message.data))
    assert ws.close_code == 4401
    if protocol == LEGACY_WS:
        (error,) = messages
        assert error["type"] == "connection_error"
        assert error["payload"]["extensions"] == {"code": "UNAUTHENTICATED"}
    else:
        assert messages == []


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize("how", ["authorization", "token", "header"])
async def test_a_websocket_with_a_token_is_acknowledged(http, server, token, protocol, how):
    payload = {"authorization": {"Authorization": f"Bearer {token}"}, "token": {"token": token}}
    headers = {"Authorization": f"Bearer {token}"} if how == "header" else None
    ws = await _ws_init(http, server, protocol, payload.get(how, {}), headers)
    assert await ws.receive_json() == {"type": "connection_ack"}
    if protocol == TRANSPORT_WS:  # graphql-ws runs subscriptions only
        query = "{ tokens { description } }"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        assert await ws.receive_json() == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"tokens": [{"description": "tests"}]}},
        }
    await ws.close()


async def test_a_websocket_operation_without_connection_init_is_closed_4401(http, server):
    ws = await http.ws_connect(ws_url(server), protocols=[TRANSPORT_WS], timeout=WS_TIMEOUT)
    await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ tokens { id } }"}})
    async for _ in ws:
        pass
    assert ws.close_code == 4401


async def test_gql_client_over_graphql_transport_ws(server, token):
    transport = WebsocketsTransport(
        url=ws_url(server),
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as session:
        result = await session.execute(gql('mutation { createProject(name: "Over WS") { slug } }'))
    assert result == {"createProject": {"slug": "over-ws"}}
    assert await Project.filter(slug="over-ws").count() == 1


async def test_a_websocket_message_over_the_limit_closes_the_socket(http, server, token):
    ws = await _ws_init(http, server, TRANSPORT_WS, {"token": token})
    assert (await ws.receive_json())["type"] == "connection_ack"
    await ws.send_str(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "x" * MAX_BODY_BYTES}})
    )
    async for _ in ws:
        pass
    assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


NESTED_3 = "connections are nested 3 deep (at most 2); ask for the inner list in a query of its own"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ('{ issues(projectId: "1") { edges { node { events { totalCount } } } } }', None),
        ('{ project(id: "1") { issues { edges { node { events { totalCount } } } } } }', None),
        (
            '{ issues(projectId: "1") { edges { node { events { edges { node { issue { events { totalCount } } } } } } } } }',
            NESTED_3,
        ),
        (
            '{ issues(projectId: "1") { edges { node { project { issues { edges { node { events { totalCount } } } } } } } } }',
            NESTED_3,
        ),
        (
            """query { issues(projectId: "1") { ...A } }
            fragment A on IssueConnection { edges { node { ...B } } }
            fragment B on Issue { events { edges { node { issue { ... on Issue { events { totalCount } } } } } } }""",
            NESTED_3,
        ),
    ],
    ids=["issues-events", "project-issues-events", "three", "via-project", "via-fragments"],
)
async def test_connections_nest_at_most_two_deep(http, server, auth, query, error):
    result = await execute(http, server, query, headers=auth)
    messages = [e["message"] for e in result.get("errors", [])]
    if error is None:
        assert NESTED_3 not in messages
    else:
        assert messages == [error]
        assert result["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_many_fragment_spreads_are_validated_quickly(http, server, auth):
    # Each fragment spreads the next twice: 2^40 paths if walked naively.
    fragments = [f"fragment F{i} on Issue {{ ...F{i + 1} ...F{i + 1} id }}" for i in range(40)]
    fragments.append("fragment F40 on Issue { id }")
    query = '{ issue(id: "1") { ...F0 } }\n' + "\n".join(fragments)
    result = await execute(http, server, query, headers=auth)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]
