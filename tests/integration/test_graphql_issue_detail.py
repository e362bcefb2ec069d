"""`Query.issue` reads what its selection asks for ahead (schema/types/issue_detail.py): the
aggregates and state changes in one statement, the latest event in one more. It must answer
exactly as the fields do when they resolve one by one, which `issueByShortId` still does: each
selection below is asked of both and the answers compared, errors included.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from bench.graphql.queries import DETAIL_FIELDS, detail_query
from models import Issue, IssueHistory
from tests.integration.dedicated import FakeClock, dedicated_server
from tests.integration.graphql import data, execute
from tests.integration.sentry import event_envelope, exception_event, new_project
from tests.integration.statements import recording

HOUR = 3600
DAY = 24 * HOUR
T = 1_795_170_600  # 2026-11-20 10:30:00 UTC

EVENTS = [
    # (seconds from T, environment, release, tags)
    (0, "production", "1.0", {"browser": "Firefox", "zeta": "z"}),
    (-60, "production", "1.0", {"browser": "Firefox", "os": "Linux"}),
    (-HOUR, "staging", "1.1", {"browser": "Chrome", "os": "Mac"}),
    (-3 * DAY, "production", "1.1", {"browser": "Édge", "os": "Linux"}),
    (-40 * DAY, "dev", "0.9", {"browser": "Chrome"}),  # outside both frequency periods
]

TAGS = "key total distinct other topValues { value count firstSeen lastSeen }"
EVENT = (
    "id timestamp environment release level message tags { key value } "
    "exceptions { type value module stacktrace { frames { filename function lineno inApp "
    "contextLine preContext postContext vars } } }"
)
# Selections of an issue, each asked of `issue(id)` and of `issueByShortId`.
SELECTIONS = [
    detail_query([name for name, _ in DETAIL_FIELDS])[0].split("issue(id: $id) {")[1][:-4],
    "id",
    "history(first: 1) { from to cause actor at } all: history { from to at }",
    "frequency { count } month: frequency(period: MONTH) { start count }",
    f"tags {{ {TAGS} }} few: tags(top: 1) {{ key topValues {{ value }} }}",
    f'tags(keys: ["os", "nope", "browser"], top: 2) {{ {TAGS} }} '
    f'again: tags(keys: ["os", "nope", "browser"], top: 2) {{ key }}',
    "environments",
    "releases shortId",
    f"latestEvent {{ {EVENT} }} state",
    "latestEvent { id message } eventCount",
    "... on Issue { environments } ...Parts",
    "frequency(period: $period) { start count } tags(keys: $keys, top: $top) { key total } "
    "history(first: $first) { to }",
    # What the resolvers refuse is reported as before.
    "tags(top: 0) { key } history(first: 0) { to } releases",
    f'tags(keys: ["not a key"]) {{ key }} frequency {{ count }} latestEvent {{ {EVENT} }}',
]
FRAGMENT = "fragment Parts on Issue { releases latestEvent { id } history { cause } }"
VARIABLES = {"period": "MONTH", "keys": ["browser"], "top": 1, "first": 2}


def _document(root: str, selection: str) -> str:
    variables = "$period: FrequencyPeriod!, $keys: [String!], $top: Int!, $first: Int!"
    used = "$" in selection
    head = f"query({variables}, $x: {'ID' if root == 'issue' else 'String'}!)" if used else ""
    head = head or f"query($x: {'ID' if root == 'issue' else 'String'}!)"
    argument = "id" if root == "issue" else "shortId"
    fragment = FRAGMENT if "...Parts" in selection else ""
    return f"{head} {{ found: {root}({argument}: $x) {{ {selection} }} }} {fragment}"


def _answer(result: dict[str, Any]) -> tuple[Any, list[tuple[str, Any, Any]]]:
    errors = [(e["message"], e["path"], e.get("extensions")) for e in result.get("errors", [])]
    return result["data"], errors


async def _ingest_events(http: Any, dedicated: Any, project: Any) -> Issue:
    for offset, environment, release, tags in EVENTS:
        body = exception_event(
            timestamp=T + offset, environment=environment, release=release, tags=tags
        )
        url = dedicated.server(f"/api/{project.id}/envelope/")
        async with http.post(url, data=event_envelope(body), headers=project.auth) as resp:
            assert resp.status == 200
    return await Issue.get(project_id=project.id)


async def _history(issue: Issue) -> None:
    at = datetime.fromtimestamp(T - 30, UTC)
    # Two changes at the same moment: their ids order them.
    for from_state, to_state in (("open", "resolved"), ("resolved", "open"), ("open", "muted")):
        moment = at if to_state != "muted" else datetime.fromtimestamp(T - 3 * DAY, UTC)
        await IssueHistory.create(
            issue=issue, from_state=from_state, to_state=to_state, cause="api", at=moment
        )


@pytest.mark.parametrize("selection", SELECTIONS)
async def test_the_detail_answers_as_the_fields_one_by_one(http, server, auth, selection):
    project = await new_project(server)
    async with dedicated_server(server.settings.database_url, clock=FakeClock(T)) as dedicated:
        issue = await _ingest_events(http, dedicated, project)
        await _history(issue)
        variables = VARIABLES if "$" in selection else {}
        by_id = await execute(
            http,
            dedicated.server,
            _document("issue", selection),
            {**variables, "x": str(issue.id)},
            auth,
        )
        by_short_id = await execute(
            http,
            dedicated.server,
            _document("issueByShortId", selection),
            {**variables, "x": "MY-APP-1"},
            auth,
        )
    assert _answer(by_id) == _answer(by_short_id)
    # (an error nulls the issue: its fields are non-null)
    assert (by_id["data"]["found"] is None) == ("errors" in by_id)


async def test_the_detail_reads_exact_history_and_tags(http, server, auth):
    project = await new_project(server)
    async with dedicated_server(server.settings.database_url, clock=FakeClock(T)) as dedicated:
        issue = await _ingest_events(http, dedicated, project)
        await _history(issue)
        query = """query($x: ID!) { issue(id: $x) {
          history(first: 2) { from to } all: history { to }
          tags(keys: ["browser"], top: 2) { key total distinct topValues { value count } }
          environments releases
        } }"""
        found = (await data(http, dedicated.server, query, {"x": str(issue.id)}, auth))["issue"]
    assert found == {
        "history": [{"from": "open", "to": "muted"}, {"from": "open", "to": "resolved"}],
        "all": [{"to": "muted"}, {"to": "resolved"}, {"to": "open"}],
        "tags": [
            {
                "key": "browser",
                "total": 5,
                "distinct": 3,
                "topValues": [{"value": "Chrome", "count": 2}, {"value": "Firefox", "count": 2}],
            }
        ],
        "environments": ["production", "dev", "staging"],
        "releases": ["1.0", "1.1", "0.9"],
    }


async def test_the_detail_query_costs_two_statements(http, server, auth):
    project = await new_project(server)
    async with dedicated_server(server.settings.database_url, clock=FakeClock(T)) as dedicated:
        issue = await _ingest_events(http, dedicated, project)
        await _history(issue)
        full = detail_query([name for name, _ in DETAIL_FIELDS])[0]
        variables = {"id": str(issue.id)}
        await data(http, dedicated.server, full, variables, auth)  # the token is cached now
        counts = []
        for query in (
            full,
            # Aliases and arguments of the aggregates add nothing: one statement reads them.
            full.replace(
                "lastSeen",
                "lastSeen m: frequency(period: MONTH) { count } "
                't: tags(keys: ["os"], top: 1) { key } h: history(first: 1) { to }',
            ),
            "query($id: ID!) { issue(id: $id) { id title } }",
            "query($id: ID!) { issue(id: $id) { latestEvent { id message } } }",
        ):
            with recording() as counter:
                await data(http, dedicated.server, query, variables, auth)
            counts.append(counter.count)
    # The issue with its project and its latest event; the aggregates and history.
    assert counts == [2, 2, 1, 1]


async def test_an_issue_is_read_with_its_project_as_select_related_reads_them(server):
    from app.issues.lookup import issue_with_project
    from app.projects.service import delete_project
    from models import Project
    from tests.integration import seed

    key = uuid.uuid4().hex
    project = await Project.create(name="Lookup", slug=f"lookup-{key}", sentry_key=key)
    issue = await seed.issue(project, 3, grouping={"frames": ["a"]}, resolved_in_version="2")
    expected = await Issue.filter(id=issue.id).select_related("project").first()
    found = await issue_with_project(issue.id)
    assert expected is not None
    assert found is not None
    columns = list(Issue._meta.fields_db_projection)
    assert [getattr(found, c) for c in columns] == [getattr(expected, c) for c in columns]
    project_columns = list(Project._meta.fields_db_projection)
    assert [getattr(found.project, c) for c in project_columns] == [
        getattr(expected.project, c) for c in project_columns
    ]
    assert (found.grouping, found.project.slug) == ({"frames": ["a"]}, f"lookup-{key}")
    assert await issue_with_project(issue.id + 1_000_000) is None
    await delete_project(project.id)
    assert await issue_with_project(issue.id) is None


@pytest.mark.parametrize("stored", [True, False])
async def test_an_issue_is_read_with_its_latest_event_as_latest_events_reads_it(server, stored):
    from app.events.service import latest_events
    from app.issues.lookup import issue_with_latest_event
    from models import Event, Project
    from tests.integration import seed

    key = uuid.uuid4().hex
    project = await Project.create(name="Latest", slug=f"latest-{key}", sentry_key=key)
    issue = await seed.issue(project, 1)
    empty = await seed.issue(project, 2)
    # Two events at the latest moment: the larger id is the latest; an older one after them.
    created = [
        await seed.event(
            issue, minute, payload={"message": "p"}, message="m", message_stored=stored
        )
        for minute in (5, 5, 1)
    ]
    columns = list(Event._meta.fields_db_projection)
    for payload in (True, False):
        expected = (await latest_events([issue.id], payload=payload))[issue.id]
        found = await issue_with_latest_event(issue.id, payload=payload)
        assert found is not None
        assert found[0].id == issue.id
        assert found[0].project.slug == f"latest-{key}"
        assert found[1] is not None
        assert [getattr(found[1], c) for c in columns] == [getattr(expected, c) for c in columns]
        # The payload is left out only where the message is stored.
        assert (found[1].payload is None) == (stored and not payload)
        without = await issue_with_latest_event(empty.id, payload=payload)
        assert without is not None
        assert (without[0].id, without[1]) == (empty.id, None)
    assert found[1].id == created[1].id
