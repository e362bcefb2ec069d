"""GraphQL queries over real HTTP on both backends, with exact values."""

from __future__ import annotations

import json

import pytest

from app.pagination import encode_cursor
from models import ApiToken, Issue, IssueHistory, Project
from tests.integration import seed
from tests.integration.graphql import data, execute

ISSUE_FIELDS = """
  id shortId type message title culprit level platform state eventCount firstSeen lastSeen
  project { id slug } grouping
"""


@pytest.fixture
async def project(server) -> Project:
    return await Project.create(
        name="My App", slug="my-app", sentry_key="0123456789abcdef0123456789abcdef"
    )


async def test_projects_and_project_render_every_field(http, server, auth, project):
    await Project.filter(id=project.id).update(rate_limit_per_minute=120)
    query = """query($id: ID!) {
      projects { id name }
      project(id: $id) { id name slug sentryKey dsn createdAt rateLimitPerMinute }
    }"""
    found = await data(http, server, query, {"id": str(project.id)}, auth)
    project = await Project.get(id=project.id)
    assert found == {
        "projects": [{"id": str(project.id), "name": "My App"}],
        "project": {
            "id": str(project.id),
            "name": "My App",
            "slug": "my-app",
            "sentryKey": "01234567-89ab-cdef-0123-456789abcdef",
            "dsn": f"http://0123456789abcdef0123456789abcdef@127.0.0.1:{server.settings.port}/{project.id}",
            "createdAt": project.created_at.isoformat(),
            "rateLimitPerMinute": 120,
        },
    }


async def test_issue_renders_every_scalar_field_its_project_and_grouping(
    http, server, auth, project
):
    issue = await seed.issue(
        project,
        7,
        culprit="app.views in handler",
        level="warning",
        platform="python",
        event_count=3_000_000_000,
        grouping_version="v1",
        grouping={"variant": "message", "values": ["x"]},
    )
    found = await data(
        http, server, f'{{ issue(id: "{issue.id}") {{ {ISSUE_FIELDS} }} }}', headers=auth
    )
    assert found["issue"] == {
        "id": str(issue.id),
        "shortId": "MY-APP-7",
        "type": "TypeError",
        "message": "problem 7",
        "title": "TypeError: problem 7",
        "culprit": "app.views in handler",
        "level": "warning",
        "platform": "python",
        "state": "OPEN",
        "eventCount": 3_000_000_000,
        "firstSeen": "2026-01-15T10:30:00+00:00",
        "lastSeen": "2026-01-15T10:37:00+00:00",
        "project": {"id": str(project.id), "slug": "my-app"},
        "grouping": {"version": "v1", "hash": f"{7:032x}", "variant": "message", "values": ["x"]},
    }


async def test_listed_issues_render_every_field_as_one_issue_does(http, server, auth, project):
    # Lists read issues without their grouping explanation; asked for, it is read for the page.
    for n in (1, 2):
        await seed.issue(project, n, grouping={"variant": "message", "values": [f"x{n}"]})
    listed = await data(
        http,
        server,
        f'{{ issues(projectId: "{project.id}") {{ edges {{ node {{ {ISSUE_FIELDS} }} }} }} }}',
        headers=auth,
    )
    nodes = [edge["node"] for edge in listed["issues"]["edges"]]
    assert [node["grouping"]["values"] for node in nodes] == [["x2"], ["x1"]]
    for node in nodes:
        one = await data(
            http, server, f'{{ issue(id: "{node["id"]}") {{ {ISSUE_FIELDS} }} }}', headers=auth
        )
        assert one["issue"] == node


async def test_issue_history_lists_state_changes_oldest_first(http, server, auth, project):
    issue = await seed.issue(project, 1)
    for state in ("RESOLVED", "OPEN"):
        await data(
            http,
            server,
            f'mutation {{ updateIssue(id: "{issue.id}", state: {state}) {{ id }} }}',
            headers=auth,
        )
    rows = await IssueHistory.filter(issue_id=issue.id).order_by("id")
    found = await data(
        http,
        server,
        f'{{ issue(id: "{issue.id}") {{ history {{ from to cause actor at }} }} }}',
        headers=auth,
    )
    actor = f"API token #{(await ApiToken.get(description='tests')).id} (tests)"
    assert found["issue"]["history"] == [
        {
            "from": "open",
            "to": "resolved",
            "cause": "user",
            "actor": actor,
            "at": rows[0].at.isoformat(),
        },
        {
            "from": "resolved",
            "to": "open",
            "cause": "user",
            "actor": actor,
            "at": rows[1].at.isoformat(),
        },
    ]


async def test_issues_filter_by_state_level_environment_and_release(http, server, auth, project):
    one = await seed.issue(project, 1, state="muted")
    two = await seed.issue(project, 2, level="warning")
    three = await seed.issue(project, 3)
    await seed.event(one, 1, environment="production", release="1.0.0")
    await seed.event(two, 2, environment="staging", release="2.0.0")
    await seed.event(three, 3, environment="production", release="2.0.0")
    query = """query($p: ID!, $state: IssueState, $level: String, $env: String, $rel: String) {
      issues(projectId: $p, state: $state, level: $level, environment: $env, release: $rel) {
        totalCount edges { node { shortId } }
      }
    }"""
    cases = [
        ({}, ["MY-APP-3", "MY-APP-2", "MY-APP-1"]),
        ({"state": "MUTED"}, ["MY-APP-1"]),
        ({"state": "OPEN"}, ["MY-APP-3", "MY-APP-2"]),
        ({"level": "warning"}, ["MY-APP-2"]),
        ({"env": "production"}, ["MY-APP-3", "MY-APP-1"]),
        ({"rel": "2.0.0"}, ["MY-APP-3", "MY-APP-2"]),
        ({"env": "production", "rel": "2.0.0"}, ["MY-APP-3"]),
        ({"env": "production", "state": "OPEN"}, ["MY-APP-3"]),
        ({"env": "nowhere"}, []),
    ]
    for variables, expected in cases:
        found = await data(http, server, query, {"p": str(project.id), **variables}, auth)
        issues = found["issues"]
        assert [e["node"]["shortId"] for e in issues["edges"]] == expected, variables
        assert issues["totalCount"] == len(expected), variables


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("LAST_SEEN", "DESC", [3, 1, 2]),
        ("LAST_SEEN", "ASC", [2, 1, 3]),
        ("FIRST_SEEN", "DESC", [2, 3, 1]),
        ("EVENT_COUNT", "DESC", [1, 3, 2]),
        ("EVENT_COUNT", "ASC", [2, 3, 1]),
    ],
)
async def test_issues_sort_both_ways(http, server, auth, project, sort, direction, expected):
    base = seed.BASE_TIME
    from datetime import timedelta

    await seed.issue(project, 1, last_seen=base + timedelta(hours=2), event_count=30)
    await seed.issue(project, 2, first_seen=base + timedelta(hours=1), event_count=10)
    await seed.issue(
        project,
        3,
        first_seen=base + timedelta(minutes=5),
        last_seen=base + timedelta(hours=3),
        event_count=20,
    )
    query = f"""{{ issues(projectId: "{project.id}", sort: {sort}, direction: {direction}) {{
      edges {{ node {{ shortId }} }} }} }}"""
    found = await data(http, server, query, headers=auth)
    assert [e["node"]["shortId"] for e in found["issues"]["edges"]] == [
        f"MY-APP-{n}" for n in expected
    ]


async def test_project_issues_is_the_same_list_as_query_issues(http, server, auth, project):
    for n in (1, 2, 3):
        await seed.issue(project, n)
    query = f"""{{ project(id: "{project.id}") {{
      issues(first: 2) {{ totalCount edges {{ node {{ shortId }} }} pageInfo {{ hasNextPage }} }}
    }} }}"""
    found = await data(http, server, query, headers=auth)
    assert found["project"]["issues"] == {
        "totalCount": 3,
        "edges": [{"node": {"shortId": "MY-APP-3"}}, {"node": {"shortId": "MY-APP-2"}}],
        "pageInfo": {"hasNextPage": True},
    }


async def test_issue_pages_follow_cursors_and_each_edge_cursor_resumes_after_it(
    http, server, auth, project
):
    for n in range(1, 6):
        await seed.issue(project, n)
    query = """query($p: ID!, $after: String) { issues(projectId: $p, first: 2, after: $after) {
      edges { cursor node { shortId } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await data(http, server, query, {"p": str(project.id), "after": after}, auth))[
            "issues"
        ]
        seen += [e["node"]["shortId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["pageInfo"]["endCursor"] is None
            break
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    assert seen == ["MY-APP-5", "MY-APP-4", "MY-APP-3", "MY-APP-2", "MY-APP-1"]
    first_page = (await data(http, server, query, {"p": str(project.id)}, auth))["issues"]
    resumed = await data(
        http, server, query, {"p": str(project.id), "after": first_page["edges"][0]["cursor"]}, auth
    )
    assert resumed["issues"]["edges"][0]["node"]["shortId"] == "MY-APP-4"


ANOTHER_ORDER = "after: was made for another sort, direction or list; start again without it"


async def test_a_cursor_is_refused_by_a_list_in_another_order(http, server, auth, project):
    for n in range(1, 4):
        await seed.event(await seed.issue(project, n, event_count=10 - n), n)
    query = """query($p: ID!, $after: String, $sort: IssueSort!, $direction: SortDirection!,
        $state: IssueState) {
      issues(projectId: $p, first: 1, after: $after, sort: $sort, direction: $direction,
             state: $state) { edges { node { shortId } } pageInfo { endCursor } } }"""
    last_seen = {"p": str(project.id), "sort": "LAST_SEEN", "direction": "DESC"}
    cursor = (await data(http, server, query, last_seen, auth))["issues"]["pageInfo"]["endCursor"]
    # The same order, under another filter, is the same position.
    again = {**last_seen, "after": cursor, "state": "OPEN"}
    page = (await data(http, server, query, again, auth))["issues"]
    assert page["edges"] == [{"node": {"shortId": "MY-APP-2"}}]
    issue_id = str((await Issue.get(project_id=project.id, counter=1)).id)
    events = f'{{ issue(id: "{issue_id}") {{ events(first: 1) {{ edges {{ cursor }} }} }} }}'
    event_cursor = (await data(http, server, events, headers=auth))["issue"]["events"]["edges"][0][
        "cursor"
    ]
    refused = [
        {**last_seen, "after": cursor, "sort": "FIRST_SEEN"},
        {**last_seen, "after": cursor, "sort": "EVENT_COUNT"},
        {**last_seen, "after": cursor, "direction": "ASC"},
        {**last_seen, "after": event_cursor},
    ]
    for variables in refused:
        result = await execute(http, server, query, variables, auth)
        assert result["data"] is None
        assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
            (ANOTHER_ORDER, {"code": "BAD_USER_INPUT", "field": "after"})
        ], variables
    # And an issue cursor on an issue's events.
    result = await execute(
        http,
        server,
        "query($id: ID!, $after: String) { issue(id: $id) { events(after: $after) { totalCount } } }",
        {"id": issue_id, "after": cursor},
        auth,
    )
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        (ANOTHER_ORDER, {"code": "BAD_USER_INPUT", "field": "after"})
    ]


async def test_issue_by_short_id_and_by_event_id(http, server, auth, project):
    issue = await seed.issue(project, 12)
    event = await seed.event(issue, 1, event_id="550e8400e29b41d4a716446655440000")
    query = """query($s: String!, $e: ID!) {
      byShort: issueByShortId(shortId: $s) { id shortId }
      byEvent: issueByEventId(eventId: $e) { id shortId }
    }"""
    for short, event_id in [
        ("MY-APP-12", "550e8400-e29b-41d4-a716-446655440000"),
        (" my-app-12 ", event.event_id),
    ]:
        found = await data(http, server, query, {"s": short, "e": event_id}, auth)
        expected = {"id": str(issue.id), "shortId": "MY-APP-12"}
        assert found == {"byShort": expected, "byEvent": expected}


@pytest.mark.parametrize(
    "short_id", ["MY-APP-13", "OTHER-12", "MY-APP", "12", "", "MY-APP-99999999999", "A\x00-1"]
)
async def test_unknown_or_malformed_short_ids_are_not_found(http, server, auth, project, short_id):
    await seed.issue(project, 12)
    result = await execute(
        http,
        server,
        "query($s: String!) { issueByShortId(shortId: $s) { id } }",
        {"s": short_id},
        auth,
    )
    assert result["data"] == {"issueByShortId": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]


async def test_tokens_are_listed_masked(http, server, auth, token):
    found = await data(http, server, "{ tokens { id token description lastUsedAt } }", headers=auth)
    (listed,) = found["tokens"]
    assert listed["token"] == f"{token[:4]}...****"
    assert listed["description"] == "tests"
    assert listed["lastUsedAt"] is not None


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("problem", [3, 2, 1]),
        ("is:open level:error", [2]),
        ("is:open !level:error", [1]),
        ("environment:staging", [2]),
        ("level:[error,warning] boom*", [3, 2]),
        ('"problem 3"', [3]),
        ("", [3, 2, 1]),
    ],
)
async def test_search_uses_the_search_language(http, server, auth, project, search, expected):
    first = await seed.issue(project, 1, level="warning")
    second = await seed.issue(project, 2, level="error", culprit="boom.handler")
    third = await seed.issue(project, 3, level="error", state="resolved", culprit="boomer")
    await seed.event(first, 1)
    await seed.event(second, 2, environment="staging")
    await seed.event(third, 3)
    query = """query($project: ID!, $search: String!) {
      issues(projectId: $project, search: $search) { totalCount edges { node { shortId } } }
    }"""
    found = await data(http, server, query, {"project": str(project.id), "search": search}, auth)
    assert found["issues"] == {
        "totalCount": len(expected),
        "edges": [{"node": {"shortId": f"MY-APP-{n}"}} for n in expected],
    }


async def test_a_bad_search_names_the_position(http, server, auth, project):
    result = await execute(
        http,
        server,
        f'{{ issues(projectId: "{project.id}", search: "is:open level:") {{ totalCount }} }}',
        headers=auth,
    )
    assert result["data"] is None
    assert result["errors"][0]["message"] == ('search: at 14: expected a value after "level:"')
    assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "search"}


@pytest.mark.parametrize(
    ("arguments", "message", "extensions"),
    [
        (
            "first: 0",
            "first: must be an integer from 1 to 100",
            {"code": "BAD_USER_INPUT", "field": "first"},
        ),
        (
            "first: 101",
            "first: must be an integer from 1 to 100",
            {"code": "BAD_USER_INPUT", "field": "first"},
        ),
        (
            'after: "garbage!"',
            "after: is not a cursor returned by this API",
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
        (
            f'after: "{"A" * 300}"',
            "after: is not a cursor returned by this API",
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
        # Values of another sort order (times, not counts) under the order of this one.
        (
            "sort: EVENT_COUNT, after: "
            f'"{encode_cursor("issue:event_count,id:desc", ["2026-01-15T10:31:00+00:00", 1])}"',
            "after: is not a cursor returned by this API",
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
        (
            'level: "a\\u0000b"',
            "level: must not contain control characters",
            {"code": "BAD_USER_INPUT", "field": "level"},
        ),
        (
            f'environment: "{"e" * 256}"',
            "environment: must be at most 255 characters",
            {"code": "BAD_USER_INPUT", "field": "environment"},
        ),
    ],
)
async def test_bad_list_arguments_are_bad_user_input_naming_the_argument(
    http, server, auth, project, arguments, message, extensions
):
    await seed.issue(project, 1)
    result = await execute(
        http,
        server,
        f'{{ issues(projectId: "{project.id}", {arguments}) {{ totalCount }} }}',
        headers=auth,
    )
    assert result["data"] is None
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [(message, extensions)]


@pytest.mark.parametrize(
    ("query", "message", "code"),
    [
        ('{ issue(id: "12a") { id } }', "id: must be a numeric id", "BAD_USER_INPUT"),
        ('{ issue(id: "٣") { id } }', "id: must be a numeric id", "BAD_USER_INPUT"),
        ('{ issue(id: "-1") { id } }', "id: must be a numeric id", "BAD_USER_INPUT"),
        (
            '{ issue(id: "9223372036854775808") { id } }',
            "issue 9223372036854775808 not found",
            "NOT_FOUND",
        ),
        ('{ project(id: "2147483648") { id } }', "project 2147483648 not found", "NOT_FOUND"),
        (
            '{ issues(projectId: "x") { totalCount } }',
            "projectId: must be a numeric id",
            "BAD_USER_INPUT",
        ),
        ('{ event(id: "not-a-uuid") { id } }', "event not-a-uuid not found", "NOT_FOUND"),
        (f'{{ event(id: "{"f" * 5000}") {{ id }} }}', f"event {'f' * 64} not found", "NOT_FOUND"),
        (
            '{ issueByEventId(eventId: "550e8400e29b41d4a716446655440000") { id } }',
            "event 550e8400e29b41d4a716446655440000 not found",
            "NOT_FOUND",
        ),
        (
            "{ issues(projectId: 1, first: 99999999999) { totalCount } }",
            "Int cannot represent non 32-bit signed integer value: 99999999999",
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ],
)
async def test_bad_ids_are_named_or_not_found(http, server, auth, query, message, code):
    result = await execute(http, server, query, headers=auth)
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [(message, code)]


async def test_a_lone_surrogate_in_a_variable_is_bad_user_input(http, server, auth, project):
    query = (
        f'query($r: String) {{ issues(projectId: "{project.id}", release: $r) {{ totalCount }} }}'
    )
    # A lone surrogate escape is valid JSON (a GraphQL literal could not carry it).
    body = json.dumps({"query": query, "variables": {"r": "\ud800"}})
    async with http.post(
        server("/graphql"), data=body, headers={**auth, "Content-Type": "application/json"}
    ) as resp:
        result = await resp.json()
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        (
            "release: must not contain lone surrogates",
            {"code": "BAD_USER_INPUT", "field": "release"},
        )
    ]


async def test_expected_errors_are_not_logged_as_errors(http, server, auth, caplog):
    with caplog.at_level("WARNING"):
        for query in ('{ issue(id: "999") { id } }', '{ issue(id: "x") { id } }', "{ nope }", "{"):
            await execute(http, server, query, headers=auth)
        await execute(http, server, "{ projects { id } }")
    assert [r for r in caplog.records if r.name.startswith(("schema", "strawberry"))] == []
