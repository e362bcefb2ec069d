"""Hostile input at every REST route, on both backends: each gets a 4xx naming the problem.

Each test fires one class of input (ids, cursors, query numbers, bodies, field types) at every
route it applies to and compares the full list of (route, status, body) answers at once.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from models import ApiToken, Event, Issue, IssueHistory, Project
from tests.conftest import Server
from tests.integration import seed

MIB = 1024 * 1024
INT4_PAST = "2147483648"
INT8_PAST = "9223372036854775808"
HUGE = "1" + "0" * 30
THOUSANDS = "9" * 5000  # past the 4,300 digits int() accepts
ARABIC_THREE = "%D9%A3"  # matches \d, but is no id of ours


@dataclass(frozen=True)
class World:
    project: Project
    issue: Issue
    token_id: int

    def path(self, template: str) -> str:
        return template.format(p=self.project.id, i=self.issue.id, t=self.token_id)


@pytest.fixture
async def world(server: Server) -> World:
    project = await Project.create(name="My App", slug="my-app", sentry_key=uuid.uuid4().hex)
    issue = await seed.issue(project, 1)
    await seed.event(issue, 1)
    token = await ApiToken.create(token_hash="0" * 64, prefix="0000", description="spare")
    return World(project=project, issue=issue, token_id=token.id)


async def call(
    http: aiohttp.ClientSession,
    server: Server,
    method: str,
    path: str,
    headers: dict[str, str],
    data: bytes | None = None,
) -> tuple[int, Any]:
    # Without this, aiohttp labels a bytes body application/octet-stream.
    skip = () if "Content-Type" in headers else ("Content-Type",)
    async with http.request(
        method, server(path), data=data, headers=headers, skip_auto_headers=skip
    ) as resp:
        text = await resp.text()
        return resp.status, json.loads(text) if text else None


def cursor(values: str, path: str | None = None) -> str:
    """A cursor as our encoder writes one, around any JSON text; a JSON list gets the order of
    the list at `path` in front (as our cursors carry it), so its values are what is checked."""
    if path is not None:
        try:
            parsed = json.loads(values)
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, list):
            values = f'["{ORDERS[path]}"' + ("," + values[1:] if parsed else "]")
    return base64.urlsafe_b64encode(values.encode()).decode().rstrip("=")


# The order each list's cursors carry (app.pagination.order_of).
ORDERS = {
    "/api/projects": "project:id:asc",
    "/api/tokens": "api_token:id:asc",
    "/api/projects/{p}/issues": "issue:last_seen,id:desc",
    "/api/projects/{p}/issues?order=asc": "issue:last_seen,id:asc",
    "/api/projects/{p}/issues?sort=digest_order": "issue:counter,id:desc",
    "/api/issues/{i}/events": "event:timestamp,id:desc",
    "/api/issues/{i}/history": "issue_history:at,id:asc",
}

BAD_CURSOR = {"error": "cursor: is not a cursor returned by this API", "field": "cursor"}

# --- ids in paths ------------------------------------------------------------------------

ID_ROUTES = [
    ("GET", "/api/projects/{}", "project", None),
    ("PATCH", "/api/projects/{}", "project", b'{"name": "x"}'),
    ("DELETE", "/api/projects/{}", "project", None),
    ("GET", "/api/projects/{}/issues", "project", None),
    ("GET", "/api/issues/{}", "issue", None),
    ("PATCH", "/api/issues/{}", "issue", b'{"state": "resolved"}'),
    ("DELETE", "/api/issues/{}", "issue", None),
    ("GET", "/api/issues/{}/events", "issue", None),
    ("GET", "/api/issues/{}/history", "issue", None),
    ("DELETE", "/api/tokens/{}", "token", None),
]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (INT4_PAST, INT4_PAST),
        (INT8_PAST, INT8_PAST),
        (HUGE, HUGE),
        (THOUSANDS, THOUSANDS),
        (ARABIC_THREE, "\u0663"),
        ("0" * 5000 + INT4_PAST, INT4_PAST),
    ],
    ids=["int4+1", "int8+1", "10**30", "5000-digits", "arabic-digit", "5000-zeros-first"],
)
async def test_ids_no_column_can_hold_are_404_on_every_route(http, server, auth, world, raw, shown):
    headers = {**auth, "Content-Type": "application/json"}
    got = [
        (method, path, *await call(http, server, method, path.format(raw), headers, body))
        for method, path, _, body in ID_ROUTES
    ]
    assert got == [
        (method, path, 404, {"error": f"{noun} {shown} not found"})
        for method, path, noun, _ in ID_ROUTES
    ]
    assert await Project.all().count() == 1
    assert await Issue.all().count() == 1


# --- cursors -----------------------------------------------------------------------------

ID_LISTS = ["/api/projects", "/api/tokens"]
TIME_LISTS = [
    "/api/projects/{p}/issues",
    "/api/projects/{p}/issues?order=asc",
    "/api/issues/{i}/events",
    "/api/issues/{i}/history",
]
ID_CURSORS = [
    "[1e400]",
    f"[{INT4_PAST}]",
    f"[{INT8_PAST}]",
    f"[{HUGE}]",
    "[-9223372036854775809]",
    "[true]",
    "[1.5]",
    '["1"]',
    "[NaN]",
    "[Infinity]",
    "[null]",
    "[[1]]",
    "[" * 150 + "]" * 150,
    "[1,2]",
    "[]",
    '{"id":1}',
]
TIME_CURSORS = [
    '["0001-01-01T00:00:00+05:00",1]',  # year 0 in UTC
    '["9999-12-31T23:59:59-05:00",1]',  # year 10000 in UTC
    '["2026-01-15T10:30:00",1]',  # naive
    '["2026-01-15T10:30:00+00:00",9223372036854775808]',
    '["2026-01-15T10:30:00+00:00",1e400]',
    '["2026-01-15T10:30:00+00:00","1"]',
    "[1e400,1]",
    "[2026,1]",
    '["' + "2" * 60 + '",1]',
    '["2026-01-15T10:30:00+00:00"]',
]


async def test_cursors_not_made_here_are_400_on_every_list(http, server, auth, world):
    cases = [(path, c) for path in ID_LISTS for c in ID_CURSORS]
    cases += [(path, c) for path in TIME_LISTS for c in TIME_CURSORS]
    cases += [(path, "[" * 3000) for path in ID_LISTS + TIME_LISTS]  # past the length cap
    got = []
    for path, values in cases:
        joiner = "&" if "?" in path else "?"
        url = f"{world.path(path)}{joiner}cursor={cursor(values, path)}"
        got.append((path, values, *await call(http, server, "GET", url, auth)))
    assert got == [(path, values, 400, BAD_CURSOR) for path, values in cases]


async def test_a_digest_order_cursor_needs_an_int4_counter(http, server, auth, world):
    list_path = "/api/projects/{p}/issues?sort=digest_order"
    path = world.path(list_path + "&cursor=")
    for values in (f"[{INT4_PAST},1]", "[1.0,1]", "[true,1]", '["2026-01-15T10:30:00+00:00",1]'):
        assert await call(http, server, "GET", path + cursor(values, list_path), auth) == (
            400,
            BAD_CURSOR,
        )


async def test_year_one_cursors_in_utc_are_valid_and_empty(http, server, auth, world):
    for path in ("/api/projects/{p}/issues", "/api/issues/{i}/events", "/api/issues/{i}/history"):
        url = world.path(path) + "?cursor=" + cursor('["0001-01-01T00:00:00+00:00",1]', path)
        assert await call(http, server, "GET", url, auth) == (
            200,
            {"data": [], "next_cursor": None},
        )


# --- numbers and repeats in the query ------------------------------------------------------

LISTS = ID_LISTS + TIME_LISTS[:1] + TIME_LISTS[2:]  # each list once


def _range(field: str, high: int) -> dict[str, str]:
    return {"error": f"{field}: must be an integer from 1 to {high}", "field": field}


QUERY_CASES = [
    ("limit=1e3", _range("limit", 100)),
    (f"limit={ARABIC_THREE}", _range("limit", 100)),
    ("limit=%2B5", _range("limit", 100)),
    ("limit=%205", _range("limit", 100)),
    ("limit=5_0", _range("limit", 100)),
    ("limit=-1", _range("limit", 100)),
    ("limit=" + "0" * 5000, _range("limit", 100)),
    ("limit=", _range("limit", 100)),
    (f"limit={THOUSANDS}", _range("limit", 100)),
    ("limit=1&limit=2", {"error": "limit: must be given at most once", "field": "limit"}),
    ("cursor=WzFd&cursor=WzJd", {"error": "cursor: must be given at most once", "field": "cursor"}),
    ("page=0", _range("page", 10000)),
    ("page=10001", _range("page", 10000)),
    (f"page={INT8_PAST}", _range("page", 10000)),
    ("per_page=0", _range("per_page", 100)),
    ("per_page=101", _range("per_page", 100)),
    ("per_page=ten", _range("per_page", 100)),
    ("limit=10&per_page=20", {"error": "per_page: conflicts with limit=10", "field": "per_page"}),
    (
        "page=2&cursor=WyJ4IiwxXQ",
        {"error": "page: cannot be combined with cursor", "field": "page"},
    ),
]


async def test_bad_paging_parameters_are_400_on_every_list(http, server, auth, world):
    cases = [(path, query, error) for path in LISTS for query, error in QUERY_CASES]
    got = [
        (path, query, *await call(http, server, "GET", f"{world.path(path)}?{query}", auth))
        for path, query, _ in cases
    ]
    assert got == [(path, query, 400, error) for path, query, error in cases]


# --- bodies ------------------------------------------------------------------------------

BODY_ROUTES = [
    ("POST", "/api/projects"),
    ("PATCH", "/api/projects/{p}"),
    ("PATCH", "/api/issues/{i}"),
    ("POST", "/api/tokens"),
]
JSON = {"Content-Type": "application/json"}
NOT_AN_OBJECT = {"error": "body must be a JSON object"}


def _malformed(problem: str) -> dict[str, str]:
    return {"error": f"malformed JSON body: {problem}"}


BODY_CASES: list[tuple[str, bytes, dict[str, str], int, dict[str, str]]] = [
    ("empty", b"", JSON, 400, NOT_AN_OBJECT),
    ("blank", b" \r\n\t", JSON, 400, NOT_AN_OBJECT),
    ("no-content-type-empty", b"", {}, 400, NOT_AN_OBJECT),
    ("array", b"[]", JSON, 400, NOT_AN_OBJECT),
    ("string", b'"x"', JSON, 400, NOT_AN_OBJECT),
    ("null", b"null", JSON, 400, NOT_AN_OBJECT),
    ("number", b"1", JSON, 400, NOT_AN_OBJECT),
    ("deep", b"[" * 2000, JSON, 400, _malformed("nested too deeply")),
    ("deep-in-object", b'{"x":' + b"[" * 100_000, JSON, 400, _malformed("nested too deeply")),
    ("nan", b'{"x": NaN}', JSON, 400, _malformed("NaN is not valid JSON")),
    ("infinity", b'{"x": Infinity}', JSON, 400, _malformed("Infinity is not valid JSON")),
    ("-infinity", b'{"x": -Infinity}', JSON, 400, _malformed("-Infinity is not valid JSON")),
    ("float-overflow", b'{"x": 1e400}', JSON, 400, _malformed("a number is out of range")),
    (
        "long-int",
        b'{"x": ' + THOUSANDS.encode() + b"}",
        JSON,
        400,
        _malformed("an integer has more than 20 digits"),
    ),
    ("duplicate-key", b'{"x": 1, "x": 1}', JSON, 400, _malformed("duplicate key 'x'")),
    ("surrogate-key", b'{"\\ud800": 1}', JSON, 400, _malformed("a key holds a lone surrogate")),
    (
        "surrogate-value",
        b'{"x": ["\\udc00"]}',
        JSON,
        400,
        {"error": "x: must not contain lone surrogates", "field": "x"},
    ),
    (
        "long-key",
        b'{"' + b"k" * 100_000 + b'": 1}',
        JSON,
        400,
        {"error": "unknown field '" + "k" * 40 + "...'"},
    ),
    ("bom", b'\xef\xbb\xbf{"x": 1}', JSON, 400, _malformed("starts with a byte order mark")),
    ("not-utf8", b'{"x": "\xff"}', JSON, 400, _malformed("not valid UTF-8")),
    (
        "too-large",
        b'{"x": "' + b"a" * MIB + b'"}',
        JSON,
        413,
        {"error": f"request body too large (limit {MIB} bytes)"},
    ),
    (
        "text-plain",
        b'{"name": "x"}',
        {"Content-Type": "text/plain"},
        415,
        {"error": "Content-Type must be application/json"},
    ),
    (
        "form",
        b"name=x",
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
        {"error": "Content-Type must be application/json"},
    ),
    (
        "gzip",
        b'{"name": "x"}',
        {**JSON, "Content-Encoding": "gzip"},
        415,
        {"error": "Content-Encoding is not supported here; send plain JSON"},
    ),
]


async def test_odd_bodies_are_refused_on_every_body_route(http, server, auth, world):
    cases = [(m, p, case) for m, p in BODY_ROUTES for case in BODY_CASES]
    got = []
    for method, path, (name, raw, headers, _, _) in cases:
        answer = await call(http, server, method, world.path(path), {**auth, **headers}, raw)
        got.append((method, path, name, *answer))
    assert got == [(m, p, c[0], c[3], c[4]) for m, p, c in cases]
    await _nothing_changed(world)


async def _nothing_changed(world: World) -> None:
    assert await Project.all().values_list("name", "rate_limit_per_minute") == [("My App", None)]
    assert await Issue.all().values_list("state", flat=True) == ["open"]
    assert await IssueHistory.all().count() == 0
    assert await ApiToken.all().count() == 2  # the fixture's and the test's own
    assert await Event.all().count() == 1


def _field(field: str, problem: str) -> dict[str, str]:
    return {"error": f"{field}: {problem}", "field": field}


NAME_STRING = _field("name", "must be a string")
NAME_CONTROL = _field("name", "must not contain control characters")
LIMIT_TYPE = _field("rate_limit_per_minute", "must be a non-negative integer or null")
STATES = _field("state", "must be one of open, resolved, muted")
DESCRIPTION_STRING = _field("description", "must be a string")

FIELD_CASES: list[tuple[str, str, str, dict[str, str]]] = [
    ("POST", "/api/projects", '{"name": true}', NAME_STRING),
    ("POST", "/api/projects", '{"name": 1.5}', NAME_STRING),
    ("POST", "/api/projects", '{"name": ["x"]}', NAME_STRING),
    ("POST", "/api/projects", '{"name": {"x": 1}}', NAME_STRING),
    ("POST", "/api/projects", '{"name": "a\\u0000b"}', NAME_CONTROL),
    ("POST", "/api/projects", '{"name": "a\\nb"}', NAME_CONTROL),
    ("POST", "/api/projects", '{"name": "a\\u0085b"}', NAME_CONTROL),
    (
        "POST",
        "/api/projects",
        '{"name": "\\ud83d"}',
        _field("name", "must not contain lone surrogates"),
    ),
    (
        "PATCH",
        "/api/projects/{p}",
        "{}",
        {
            "error": "body must name a field to change: "
            "name, rate_limit_per_minute, retention_days, max_events"
        },
    ),
    ("PATCH", "/api/projects/{p}", '{"name": "\\u0000"}', NAME_CONTROL),
    ("PATCH", "/api/projects/{p}", '{"name": false}', NAME_STRING),
    ("PATCH", "/api/projects/{p}", '{"rate_limit_per_minute": 1.0}', LIMIT_TYPE),
    ("PATCH", "/api/projects/{p}", '{"rate_limit_per_minute": "1"}', LIMIT_TYPE),
    ("PATCH", "/api/projects/{p}", '{"rate_limit_per_minute": [1]}', LIMIT_TYPE),
    (
        "PATCH",
        "/api/projects/{p}",
        '{"rate_limit_per_minute": 9223372036854775807}',
        _field("rate_limit_per_minute", "must be between 0 and 10000000"),
    ),
    ("PATCH", "/api/issues/{i}", '{"state": 1}', STATES),
    ("PATCH", "/api/issues/{i}", '{"state": true}', STATES),
    ("PATCH", "/api/issues/{i}", '{"state": ["open"]}', STATES),
    ("PATCH", "/api/issues/{i}", '{"state": "RESOLVED"}', STATES),
    ("PATCH", "/api/issues/{i}", '{"state": "resolved\\u0000"}', STATES),
    (
        "PATCH",
        "/api/issues/{i}",
        '{"is_resolved": "true"}',
        _field("is_resolved", "must be true or false"),
    ),
    (
        "PATCH",
        "/api/issues/{i}",
        '{"is_resolved": 1}',
        _field("is_resolved", "must be true or false"),
    ),
    ("PATCH", "/api/issues/{i}", '{"is_muted": null}', _field("is_muted", "must be true or false")),
    (
        "PATCH",
        "/api/issues/{i}",
        '{"is_resolved": true, "is_muted": true}',
        _field("is_muted", "conflicts with is_resolved=true"),
    ),
    (
        "PATCH",
        "/api/issues/{i}",
        '{"state": "muted", "is_resolved": true}',
        _field("state", "conflicts with is_resolved=true"),
    ),
    (
        "PATCH",
        "/api/issues/{i}",
        '{"state": "open", "is_resolved": false, "is_muted": true}',
        _field("state", "conflicts with is_resolved=false, is_muted=true"),
    ),
    (
        "PATCH",
        "/api/issues/{i}",
        '{"is_resolved": true, "title": "x"}',
        _field("title", "is not a field that can be changed"),
    ),
    ("POST", "/api/tokens", '{"description": 1}', DESCRIPTION_STRING),
    ("POST", "/api/tokens", '{"description": false}', DESCRIPTION_STRING),
    ("POST", "/api/tokens", '{"description": ["x"]}', DESCRIPTION_STRING),
    (
        "POST",
        "/api/tokens",
        '{"description": "ci\\u0000"}',
        _field("description", "must not contain control characters"),
    ),
    (
        "POST",
        "/api/tokens",
        '{"description": "ci\\udfff"}',
        _field("description", "must not contain lone surrogates"),
    ),
    (
        "POST",
        "/api/tokens",
        '{"description": "' + "x" * 256 + '"}',
        _field("description", "must be at most 255 characters"),
    ),
]


async def test_wrong_field_types_and_texts_are_400_naming_the_field(http, server, auth, world):
    headers = {**auth, **JSON}
    got = [
        (
            method,
            path,
            body,
            *await call(http, server, method, world.path(path), headers, body.encode()),
        )
        for method, path, body, _ in FIELD_CASES
    ]
    assert got == [(m, p, b, 400, error) for m, p, b, error in FIELD_CASES]
    await _nothing_changed(world)


# --- HEAD --------------------------------------------------------------------------------

GET_ROUTES = [
    "/api/projects",
    "/api/projects/{p}",
    "/api/projects/{p}/issues",
    "/api/issues/{i}",
    "/api/issues/{i}/events",
    "/api/issues/{i}/history",
    "/api/tokens",
    "/api/projects/999999",
    "/api/projects?limit=0",
    "/health",
    "/health/ready",
]


@pytest.mark.parametrize("authorised", [True, False], ids=["token", "no-token"])
async def test_head_answers_like_get_without_a_body(http, server, auth, world, authorised):
    headers = auth if authorised else {}
    event = await Event.get(issue_id=world.issue.id)
    got, expected = [], []
    for path in [*GET_ROUTES, f"/api/events/{event.event_id}", "/api/events/not-a-uuid"]:
        url = server(world.path(path))
        async with http.get(url, headers=headers) as resp:
            get_body = await resp.read()
            expected.append((path, resp.status, resp.content_type, len(get_body), b""))
        async with http.head(url, headers=headers) as resp:
            got.append(
                (path, resp.status, resp.content_type, resp.content_length, await resp.read())
            )
    assert got == expected
