"""The search language over REST (`?query=`) on issues made by real ingestion, both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.expressions import Q

from app.search.parse import parse_search
from app.search.sql import search_condition
from models import Issue
from tests.integration.graphql import data
from tests.integration.sentry import SentryProject, event_envelope, new_project

NOW = datetime.now(UTC)


async def send(
    http: Any, project: SentryProject, message: str, ago: timedelta, **fields: Any
) -> None:
    event = {"message": message, "timestamp": (NOW - ago).timestamp(), **fields}
    async with http.post(
        project.envelope_url, data=event_envelope(event), headers=project.auth
    ) as resp:
        assert resp.status == 200, await resp.text()


async def set_state(
    http: Any, server: Any, auth: dict[str, str], project_id: int, short_id: str, state: str
) -> None:
    issue = (await issues(http, server, auth, project_id, ""))[short_id]
    async with http.patch(
        server(f"/api/issues/{issue}"), json={"state": state}, headers=auth
    ) as resp:
        assert resp.status == 200


async def issues(
    http: Any, server: Any, auth: dict[str, str], project_id: int, query: str, **params: str
) -> dict[str, int]:
    """short_id → id of every issue the query lists (all pages)."""
    found: dict[str, int] = {}
    cursor = None
    while True:
        args = {"query": query, "limit": "2", **params, **({"cursor": cursor} if cursor else {})}
        async with http.get(
            server(f"/api/projects/{project_id}/issues"), params=args, headers=auth
        ) as resp:
            assert resp.status == 200, await resp.text()
            body = await resp.json()
        found.update({i["short_id"]: i["id"] for i in body["data"]})
        cursor = body["next_cursor"]
        if cursor is None:
            return found


H, D = timedelta(hours=1), timedelta(days=1)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
async def shop(http, server, auth) -> SentryProject:
    """Five issues, SHOP-1 … SHOP-5, in the states, levels, places and times the table expects.

    SHOP-1 error   open      production+staging  shop 1.0      browser=Mobile Safari region=eu-west  2 events, -2h … -1h
    SHOP-2 fatal   open      production          shop 2.0-beta browser=Firefox                      1 event, -3d
    SHOP-3 warning resolved  staging             -             region=us-east, culprit lookup_user 1 event, -10d
    SHOP-4 error   regressed production          shop 1.0      -                                  2 events, -20d … -5m
    SHOP-5 info    muted     -                   -             feature=dark mode                  1 event, -40m
    """
    project = await new_project(server, "Shop")
    safari = {"browser": "Mobile Safari", "region": "eu-west"}
    await send(
        http,
        project,
        "Database timeout on checkout",
        2 * H,
        level="error",
        environment="production",
        release="shop 1.0",
        tags=safari,
    )
    await send(
        http,
        project,
        "Payment declined 50% of the time",
        3 * D,
        level="fatal",
        environment="production",
        release="shop 2.0-beta",
        tags={"browser": "Firefox"},
    )
    await send(
        http,
        project,
        "Cache miss for user_42",
        10 * D,
        level="warning",
        environment="staging",
        tags={"region": "us-east"},
        transaction="lookup_user",
    )
    await send(
        http,
        project,
        "Disk full",
        20 * D,
        level="error",
        environment="production",
        release="shop 1.0",
    )
    await send(
        http,
        project,
        "Debug ping",
        40 * timedelta(minutes=1),
        level="info",
        tags={"feature": "dark mode"},
    )
    await send(
        http,
        project,
        "Database timeout on checkout",
        H,
        level="error",
        environment="staging",
        release="shop 1.0",
        tags=safari,
    )
    await set_state(http, server, auth, project.id, "SHOP-3", "resolved")
    await set_state(http, server, auth, project.id, "SHOP-4", "resolved")
    await set_state(http, server, auth, project.id, "SHOP-5", "muted")
    await send(
        http,
        project,
        "Disk full",
        timedelta(minutes=5),
        level="error",
        environment="production",
        release="shop 1.0",
    )
    return project


TABLE: list[tuple[str, set[int]]] = [
    ("", {1, 2, 3, 4, 5}),
    ("   ", {1, 2, 3, 4, 5}),
    # free text: title, message, culprit; case-insensitive; words AND; phrases; wildcards
    ("timeout", {1}),
    ("TIMEOUT", {1}),
    ("database checkout", {1}),
    ('"database timeout"', {1}),
    ('"timeout database"', set()),
    ("disk*full", {4}),
    ("50%", {2}),
    ("50_", set()),
    ("user_4", {3}),
    ("user?42", set()),
    ("lookup_user", {3}),
    ("!timeout", {2, 3, 4, 5}),
    ('!"debug ping" !disk', {1, 2, 3}),
    # states
    ("is:open", {1, 2, 4}),
    ("is:resolved", {3}),
    ("is:muted", {5}),
    ("is:regressed", {4}),
    ("is:[resolved,muted]", {3, 5}),
    ("!is:open", {3, 5}),
    ("!is:regressed", {1, 2, 3, 5}),
    ("is:unresolved", {1, 2, 4}),
    ("is:ignored", {5}),
    # level
    ("level:error", {1, 4}),
    ("level:[error,fatal]", {1, 2, 4}),
    ("!level:error", {2, 3, 5}),
    # environment and release: any event of the issue
    ("environment:production", {1, 2, 4}),
    ("environment:staging", {1, 3}),
    ("!environment:production", {3, 5}),
    ("environment:prod*", {1, 2, 4}),
    ("environment:*ing", {1, 3}),
    ("environment:Production", set()),
    ("environment:[staging,nowhere]", {1, 3}),
    ('release:"shop 1.0"', {1, 4}),
    ("release:shop*", {1, 2, 4}),
    ("release:*beta", {2}),
    ("release:shop?1.0", set()),
    ("has:release", {1, 2, 4}),
    ("!has:release", {3, 5}),
    ("has:environment", {1, 2, 3, 4}),
    # tags
    ('browser:"Mobile Safari"', {1}),
    ("browser:Firefox", {2}),
    ("browser:firefox", set()),
    ("browser:*Safari", {1}),
    ("browser:[Firefox,Chrome]", {2}),
    ("!browser:Firefox", {1, 3, 4, 5}),
    ('feature:"dark mode"', {5}),
    ("tags[browser]:Firefox", {2}),
    ("tags[environment]:production", set()),
    ("feature:dark*", {5}),
    ("region:*-*", {1, 3}),
    ("has:browser", {1, 2}),
    ("!has:browser", {3, 4, 5}),
    ("has:[feature,region]", {1, 3, 5}),
    ("has:nothing", set()),
    # counts
    ("timesSeen:>1", {1, 4}),
    ("timesSeen:1", {2, 3, 5}),
    ("timesSeen:>=2", {1, 4}),
    ("timesSeen:<2", {2, 3, 5}),
    ("!timesSeen:1", {1, 4}),
    # relative times
    ("lastSeen:-1d", {1, 4, 5}),
    ("lastSeen:-30m", {4}),
    ("lastSeen:+1d", {2, 3}),
    ("firstSeen:-1d", {1, 5}),
    ("age:-1d", {1, 5}),
    ("firstSeen:-2w", {1, 2, 3, 5}),
    ("firstSeen:<-2w", {4}),
    ("lastSeen:<-7d", {3}),
    ("!lastSeen:-1d", {2, 3}),
    # combinations
    ("is:open level:error environment:production timeout", {1}),
    ("is:open level:error environment:production", {1, 4}),
    ("is:open !level:error release:shop*", {2}),
]


async def test_search_table_on_ingested_issues(http, server, auth, shop):
    # absolute times: computed from the same clock the events were sent with
    absolute = [
        (f"firstSeen:>{iso(NOW - 5 * D)}", {1, 2, 5}),
        (f"lastSeen:<={iso(NOW - 2 * D)}", {2, 3}),
        (f"firstSeen:>={(NOW - 15 * D).date().isoformat()}", {1, 2, 3, 5}),
        (f"lastSeen:>{iso(NOW - 2 * H)}Z firstSeen:<{iso(NOW - 2 * D)}+00:00", {4}),
    ]
    wrong = {}
    for query, expected in TABLE + absolute:
        found = await issues(http, server, auth, shop.id, query)
        if set(found) != {f"SHOP-{n}" for n in expected}:
            wrong[query] = sorted(found)
    assert wrong == {}


async def test_the_condition_composes_with_orm_filters_and_negation(server, http, auth, shop):
    dialect = Issue._meta.db.capabilities.dialect
    condition = search_condition(parse_search("level:error"), dialect, datetime.now(UTC))
    assert condition is not None
    mine = Issue.filter(project_id=shop.id)
    assert {i.counter for i in await mine.filter(condition)} == {1, 4}
    assert await mine.filter(condition).count() == 2
    assert {i.counter for i in await mine.filter(~condition)} == {2, 3, 5}
    assert {i.counter for i in await mine.filter(condition | Q(counter=2))} == {1, 2, 4}
    assert {i.counter for i in await mine.filter(condition, state="open", counter__gt=1)} == {4}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"query": "level:error", "state": "resolved"}, set()),
        ({"query": "level:[error,warning]", "state": "resolved"}, {3}),
        ({"query": "environment:production", "filter": "open"}, {1, 2, 4}),
        ({"query": "environment:production", "filter": "all"}, {1, 2, 4}),
        ({"query": "!is:open", "state": "muted"}, {5}),
    ],
)
async def test_query_and_state_filters_apply_together(http, server, auth, shop, params, expected):
    rest = {key: value for key, value in params.items() if key != "query"}
    assert set(await issues(http, server, auth, shop.id, params["query"], **rest)) == {
        f"SHOP-{n}" for n in expected
    }


async def test_search_results_page_in_order(http, server, auth, shop):
    url = server(f"/api/projects/{shop.id}/issues")
    pages = []
    cursor = None
    while True:
        params = {"query": "is:open", "limit": "2", **({"cursor": cursor} if cursor else {})}
        async with http.get(url, params=params, headers=auth) as resp:
            body = await resp.json()
        pages.append([i["short_id"] for i in body["data"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == [["SHOP-4", "SHOP-1"], ["SHOP-2"]]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("level:", 'query: at 6: expected a value after "level:"'),
        (
            "is:open level:loud",
            'query: at 14: expected one of fatal, error, warning, info, debug after "level:"',
        ),
        ('release:"1.0', 'query: at 12: expected a closing " for the quote at 8'),
        (
            "lastSeen:yesterday",
            'query: at 9: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:"',
        ),
        (
            "timesSeen:>99999999999999999999",
            'query: at 11: expected a whole number after "timesSeen:>"',
        ),
        ("level:[error", 'query: at 12: expected "," or "]"'),
        ("nul\x00", "query: at 3: unexpected character U+0000"),
        ("x" * 1001, "query: at 1000: expected at most 1000 characters"),
    ],
)
async def test_a_bad_query_is_a_400_naming_the_position(http, server, auth, query, error):
    project = await new_project(server, "Shop")
    url = server(f"/api/projects/{project.id}/issues")
    async with http.get(url, params={"query": query}, headers=auth) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": error, "field": "query"}


async def test_a_query_given_twice_is_refused(http, server, auth):
    project = await new_project(server, "Shop")
    url = server(f"/api/projects/{project.id}/issues?query=a&query=b")
    async with http.get(url, headers=auth) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": "query: must be given at most once", "field": "query"}


async def test_undecodable_percent_escapes_search_for_replacement_characters(http, server, auth):
    project = await new_project(server, "Shop")
    await send(http, project, "plain words", H)
    for raw in ("%ED%A0%80", "%FF%FE"):  # a UTF-8 surrogate, invalid UTF-8: both become U+FFFD
        url = server(f"/api/projects/{project.id}/issues?query={raw}")
        async with http.get(url, headers=auth) as resp:
            assert (resp.status, (await resp.json())["data"]) == (200, [])
    async with http.get(
        server(f"/api/projects/{project.id}/issues?query=%00"), headers=auth
    ) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"] == "query: at 0: unexpected character U+0000"


GRAPHQL_SEARCH = """query($p: ID!, $search: String) {
  issues(projectId: $p, first: 2, search: $search) { totalCount edges { node { shortId } } }
}"""


async def test_graphql_total_count_of_every_search(http, server, auth, shop):
    # A first page of 2 counts in its own statement (or is its own count): exact either way.
    found, wanted = {}, {}
    for query, expected in TABLE:
        result = await data(
            http, server, GRAPHQL_SEARCH, {"p": str(shop.id), "search": query}, auth
        )
        page = {e["node"]["shortId"] for e in result["issues"]["edges"]}
        found[query] = (result["issues"]["totalCount"], page <= {f"SHOP-{n}" for n in expected})
        wanted[query] = (len(expected), True)
    assert found == wanted
