"""Tag terms answered from the issue's tag counts when they are exact, from its events when not.

Issues are made by real ingestion through the `server` fixture (both backends); each bound of
the tag counts is overflowed by one issue, and every query is asserted over REST and GraphQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import connections

from app.ingest import tallies
from app.search.parse import parse_search
from app.search.sql import search_condition
from models import Event, Issue, IssueTagKey
from tests.integration.graphql import data
from tests.integration.sentry import SentryProject, new_project
from tests.integration.test_search_api import issues, send

M = timedelta(minutes=1)
LONG_KEY = "k" * 33  # one more character than a counted key may have


@pytest.fixture
async def tagged(http, server) -> SentryProject:
    """TAGS-1, -2 exact; -3 … -6 inexact, each through another bound of the tag counts.

    TAGS-1 customer=tenant-39 browser=Firefox n=7 environment(tag)=tagged  (exact)
    TAGS-2 customer=tenant-40                                              (exact)
    TAGS-3 51 tags t00 … t50=x: t50 is past the 50 counted of an event
    TAGS-4 customer=tenant-41, a 33-character key
    TAGS-5 customer="tenant-39\\nx": a value with a newline is not counted
    TAGS-6 150 keys k000 … k149=v in three events: 50 are past the 100 keys of an issue
    """
    project = await new_project(server, "Tags")
    await send(
        http,
        project,
        "one",
        5 * M,
        level="error",
        tags={"customer": "tenant-39", "browser": "Firefox", "n": 7, "environment": "tagged"},
    )
    await send(http, project, "two", 4 * M, level="warning", tags={"customer": "tenant-40"})
    await send(http, project, "three", 3 * M, tags={f"t{i:02}": "x" for i in range(51)})
    await send(http, project, "four", 2 * M, tags={"customer": "tenant-41", LONG_KEY: "v"})
    await send(http, project, "five", M, tags={"customer": "tenant-39\nx"})
    for part in range(3):
        keys = range(part * 50, part * 50 + 50)
        await send(http, project, "six", M, tags={f"k{i:03}": "v" for i in keys})
    return project


TABLE: list[tuple[str, set[int]]] = [
    ("customer:tenant-39", {1}),
    ("customer:TENANT-39", set()),
    ("customer:tenant-3", set()),
    ("customer:tenant-39*", {1, 5}),
    ("customer:*-4?", set()),
    ("customer:[tenant-40,tenant-41]", {2, 4}),
    ("tags[customer]:tenant-41", {4}),
    ("!customer:tenant-39", {2, 3, 4, 5, 6}),
    ("!customer:tenant-39*", {2, 3, 4, 6}),
    ("customer:tenant-39* level:error", {1, 5}),
    ("customer:tenant-39* !n:7", {5}),
    ("customer:tenant-39* five", {5}),
    ("customer:tenant-4* !level:warning", {4}),
    ("customer:* browser:Firefox", {1}),
    ("n:7", {1}),
    ("t00:x", {3}),
    ("t50:x", {3}),  # not counted: found in the issue's events
    ("!t50:x", {1, 2, 4, 5, 6}),
    (f"tags[{LONG_KEY}]:v", {4}),
    (f"!tags[{LONG_KEY}]:v", {1, 2, 3, 5, 6}),
    ("k000:v", {6}),
    ("k149:v", {6}),  # past the 100 keys: in the events only
    ("k000:v k149:v", {6}),
    ("!k149:v", {1, 2, 3, 4, 5}),
    # A tag named environment is never counted (the key holds the events' environments).
    ("tags[environment]:tagged", {1}),
    ("environment:tagged", set()),
    ("has:customer", {1, 2, 4, 5}),
    ("!has:customer", {3, 6}),
    ("has:t50", {3}),
    ("has:k149", {6}),
    (f"has:{LONG_KEY}", {4}),
    ("has:[browser,t50]", {1, 3}),
    ("has:nothing", set()),
]

_GRAPHQL = """
query ($project: ID!, $search: String!, $after: String) {
  project(id: $project) {
    issues(search: $search, first: 3, after: $after) {
      edges { node { shortId } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def graphql_issues(
    http: Any, server: Any, auth: Any, project_id: int, search: str
) -> set[str]:
    found: set[str] = set()
    after = None
    while True:
        variables = {"project": str(project_id), "search": search, "after": after}
        page = (await data(http, server, _GRAPHQL, variables, auth))["project"]["issues"]
        found |= {edge["node"]["shortId"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def exactness(project_id: int) -> dict[int, bool]:
    return dict(await Issue.filter(project_id=project_id).values_list("counter", "tags_exact"))


async def test_tag_terms_find_exactly_the_issues_over_rest_and_graphql(http, server, auth, tagged):
    assert await exactness(tagged.id) == {1: True, 2: True, 3: False, 4: False, 5: False, 6: False}
    six = await Issue.get(project_id=tagged.id, counter=6)
    keys = set(await IssueTagKey.filter(issue_id=six.id).values_list("key", flat=True))
    assert len(keys) == 100  # so one of k000 and k149 is searched in the counts, one not
    assert ("k000" in keys) != ("k149" in keys)
    wrong = {}
    for query, expected in TABLE:
        want = {f"TAGS-{n}" for n in expected}
        rest = set(await issues(http, server, auth, tagged.id, query))
        graphql = await graphql_issues(http, server, auth, tagged.id, query)
        if rest != want or graphql != want:
            wrong[query] = (sorted(rest), sorted(graphql))
    assert wrong == {}


async def test_an_issue_past_the_values_of_a_key_searches_its_events(
    http, server, auth, monkeypatch
):
    # A cap of 3 values (1,000 in production) shows what happens past it.
    monkeypatch.setattr(tallies, "MAX_VALUES_PER_KEY", 3)
    project = await new_project(server, "Tags")
    for user in ("a", "b", "c", "a"):
        await send(http, project, "capped", M, tags={"user": user})
    await send(http, project, "other", M, tags={"user": "d"})
    assert await exactness(project.id) == {1: True, 2: True}
    await send(http, project, "capped", M, tags={"user": "d"})
    assert await exactness(project.id) == {1: False, 2: True}
    for query, expected in [
        ("user:d", {"TAGS-1", "TAGS-2"}),
        ("user:a", {"TAGS-1"}),
        ("!user:d", set()),
        ("user:[b,d] !user:c", {"TAGS-2"}),
    ]:
        assert set(await issues(http, server, auth, project.id, query)) == expected, query
        assert await graphql_issues(http, server, auth, project.id, query) == expected, query


async def test_a_tag_term_matches_what_the_issue_received(http, server, auth):
    """Events deleted (retention, Rollbar's instance deletion) leave the tag counts as they are,
    like `timesSeen`: an exact issue is still found by the tags of its deleted events. An
    inexact issue is found by its counted tags and by those of the events it still has."""
    project = await new_project(server, "Tags")
    await send(http, project, "exact", 2 * M, tags={"customer": "tenant-42"})
    await send(http, project, "exact", M, tags={"customer": "tenant-43"})
    await send(http, project, "inexact", 2 * M, tags={"customer": "tenant-42", LONG_KEY: "v"})
    await send(http, project, "inexact", M, tags={"customer": "tenant-44"})
    assert await exactness(project.id) == {1: True, 2: False}
    for counter in (1, 2):
        issue = await Issue.get(project_id=project.id, counter=counter)
        first = await Event.filter(issue_id=issue.id).order_by("timestamp").first()
        assert first is not None
        await first.delete()
    for query, expected in [
        ("customer:tenant-42", {"TAGS-1", "TAGS-2"}),  # counted: deleted events still count
        ("customer:tenant-43", {"TAGS-1"}),
        ("customer:tenant-44", {"TAGS-2"}),
        (f"tags[{LONG_KEY}]:v", set()),  # never counted, and its event is gone
        ("timesSeen:2", {"TAGS-1", "TAGS-2"}),
    ]:
        assert set(await issues(http, server, auth, project.id, query)) == expected, query


async def explain(project_id: int, query: str) -> list[str]:
    condition = search_condition(parse_search(query), "postgres", datetime.now(UTC))
    assert condition is not None
    sql = Issue.filter(project_id=project_id).filter(condition).sql(params_inline=True)
    rows = await connections.get("default").execute_query_dict(
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql
    )
    return [row["QUERY PLAN"] for row in rows]


async def test_on_postgres_an_exact_issue_is_searched_in_its_counts_not_its_events(
    http, server, database_url
):
    if not database_url.startswith("postgres"):
        pytest.skip("the plan of PostgreSQL")
    project = await new_project(server, "Tags")
    for n, word in enumerate(("alpha", "beta", "gamma")):
        await send(http, project, f"issue {word}", M, tags={"customer": f"tenant-{n}"})
    for query in ("customer:tenant-1", "!customer:tenant-*", "has:customer"):
        plan = await explain(project.id, query)
        assert any("issue_tag" in line for line in plan), plan
        # The event probe is in the plan, but no issue runs it.
        scans = [line for line in plan if " on event " in line]
        assert scans, plan
        assert all("never executed" in line for line in scans), plan
    await send(http, project, "issue beta", M, tags={"customer": "tenant-1", LONG_KEY: "v"})
    # Now inexact, issue beta alone probes its events (when its counts do not match).
    plan = await explain(project.id, "customer:tenant-9")
    scans = [line for line in plan if " on event " in line]
    assert len(scans) == 1, plan
    assert scans[0].endswith("on event e (actual rows=0 loops=1)"), plan
