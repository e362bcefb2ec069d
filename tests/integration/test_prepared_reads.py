"""Reads by SQL written once (app/prepared.py, pagination.keyset_rows and count_rows) answer
what Tortoise's query builder answers: the same rows, models, counts, cursors and refusals,
on both backends."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import asyncpg
import pytest
from tortoise import connections

from app.database import asyncpg_dsn
from app.errors import InvalidField, NotFound
from app.events import service as events
from app.issues import service as issues
from app.issues.service import IssueSort
from app.pagination import Cursor, PageRequest, decode_cursor, encode_cursor
from app.projects import service as projects
from models import Event, Issue, IssueState, Project, of_live_project
from schema.types.event import EventType
from tests.conftest import Server
from tests.integration import seed
from tests.integration.graphql import data
from tests.integration.sentry import new_project


def _columns(model: Issue | Project | Event) -> dict[str, object]:
    return {name: getattr(model, name) for name in type(model)._meta.fields_db_projection}


async def _project_with_issues(server: Server) -> Project:
    project = await Project.get(id=(await new_project(server)).id)
    states = [IssueState.OPEN, IssueState.RESOLVED, IssueState.OPEN, IssueState.MUTED]
    for n in range(1, 10):
        # Ties on last_seen (n % 3): the id decides between them.
        await seed.issue(
            project,
            n,
            state=states[n % 4],
            last_seen=seed.BASE_TIME + timedelta(minutes=n % 3),
            event_count=n % 2,
        )
    return project


@pytest.mark.parametrize("state", [None, IssueState.OPEN, IssueState.MUTED])
@pytest.mark.parametrize("descending", [True, False], ids=["desc", "asc"])
async def test_pages_of_one_state_or_all_are_the_builders_pages(server, state, descending):
    project = await _project_with_issues(server)
    request = PageRequest(limit=2)
    seen = []
    while True:
        rows = await issues.list_issue_rows(
            project, request, state, sort=IssueSort.LAST_SEEN, descending=descending
        )
        models = await issues.list_issues(
            project, request, state, sort=IssueSort.LAST_SEEN, descending=descending
        )
        assert [asdict(r) for r in rows.items] == [
            {name: getattr(m, name) for name in asdict(r)}
            for r, m in zip(rows.items, models.items, strict=True)
        ]
        assert len(rows.items) == len(models.items)
        assert rows.next_cursor == models.next_cursor
        assert [rows.cursor_of(r) for r in rows.items] == [
            models.cursor_of(m) for m in models.items
        ]
        seen += [r.counter for r in rows.items]
        if rows.next_cursor is None:
            break
        request = PageRequest(limit=2, after=decode_cursor(rows.next_cursor))
    expected = Issue.filter(project_id=project.id)
    if state is not None:
        expected = expected.filter(state=state)
    assert sorted(seen) == sorted(await expected.values_list("counter", flat=True))
    assert len(seen) == len(set(seen))
    assert await issues.count_issues(project, state) == len(seen)


@pytest.mark.parametrize("state", [None, IssueState.OPEN])
async def test_a_counted_page_carries_the_count_of_every_page(server, state):
    project = await _project_with_issues(server)
    total = await Issue.filter(project_id=project.id, **({"state": state} if state else {})).count()
    request = PageRequest(limit=2)
    first = await issues.list_issue_rows(project, request, state, counted=True)
    assert first.total == total
    after = PageRequest(limit=2, after=decode_cursor(first.next_cursor or ""))
    second = await issues.list_issue_rows(project, after, state, counted=True)
    assert second.total == total  # every page's, not the rest's
    assert [i.id for i in second.items] == [
        i.id for i in (await issues.list_issue_rows(project, after, state)).items
    ]
    assert (await issues.list_issue_rows(project, request, state)).total is None
    # A page without rows carries no count.
    last = await issues.list_issue_rows(project, PageRequest(limit=100), state)
    beyond = PageRequest(limit=2, after=decode_cursor(last.cursor_of(last.items[-1])))
    assert (await issues.list_issue_rows(project, beyond, state, counted=True)).total is None
    # A later page with search terms is counted apart (its statement sees only the rest).
    filtered = await issues.list_issue_rows(project, after, state, level="error", counted=True)
    assert filtered.total is None


async def test_a_page_with_an_offset_is_the_builders_page(server):
    project = await _project_with_issues(server)
    request = PageRequest(limit=3, offset=2)
    rows = await issues.list_issue_rows(project, request)
    models = await issues.list_issues(project, request)
    assert [r.id for r in rows.items] == [m.id for m in models.items]
    assert len(rows.items) == 3
    assert rows.next_cursor == models.next_cursor


@pytest.mark.parametrize(
    ("cursor", "message"),
    [
        (Cursor("issue:first_seen,id:desc", ("2026-01-15T10:30:00+00:00", 1)), "another sort"),
        (Cursor("issue:last_seen,id:desc", ("2026-01-15T10:30:00+00:00",)), "not a cursor"),
        (Cursor("issue:last_seen,id:desc", (5, 1)), "not a cursor"),
        (Cursor("issue:last_seen,id:desc", ("2026-01-15T10:30:00", 1)), "not a cursor"),
        (Cursor("issue:last_seen,id:desc", ("2026-01-15T10:30:00+00:00", 2**70)), "not a cursor"),
    ],
)
async def test_bad_cursors_are_refused_as_the_builder_refuses_them(server, cursor, message):
    project = await _project_with_issues(server)
    request = PageRequest(limit=2, after=cursor)
    with pytest.raises(InvalidField) as raw:
        await issues.list_issue_rows(project, request)
    with pytest.raises(InvalidField) as built:
        await issues.list_issues(project, request)
    assert (raw.value.field, raw.value.message) == (built.value.field, built.value.message)
    assert raw.value.field == "cursor"
    assert message in raw.value.message


async def test_a_project_an_event_and_issues_are_the_builders_models(server):
    project = await _project_with_issues(server)
    issue = await Issue.filter(project_id=project.id).order_by("id").first()
    assert issue is not None
    event = await seed.event(issue, 1, user=None, tags={"a": "b"}, message="m", message_stored=True)
    assert _columns(await projects.get_project(project.id)) == _columns(
        await Project.get(id=project.id)
    )
    read = await events.get_event(event.event_id)
    assert _columns(read) == _columns(await Event.get(id=event.id))
    found = await issues.issues_by_id([issue.id, issue.id + 1000])
    built = await Issue.filter(of_live_project(), id__in=[issue.id]).select_related("project")
    assert list(found) == [issue.id]
    assert _columns(found[issue.id]) == _columns(built[0])
    assert _columns(found[issue.id].project) == _columns(built[0].project)
    assert await issues.issues_by_id([]) == {}
    # A deleted project's rows are gone for each of them.
    await projects.delete_project(project.id)
    with pytest.raises(NotFound):
        await projects.get_project(project.id)
    with pytest.raises(NotFound):
        await events.get_event(event.event_id)
    assert await issues.issues_by_id([issue.id]) == {}


async def test_latest_event_rows_make_the_events_latest_events_makes(server):
    project = await _project_with_issues(server)
    listed = await Issue.filter(project_id=project.id).order_by("id").limit(3)
    await seed.event(listed[0], 1, message="stored", message_stored=True)
    await seed.event(listed[0], 2, message="newest", message_stored=True, user=None)
    await seed.event(
        listed[1], 3, payload={"logentry": {"formatted": "old row"}}
    )  # before the column
    for payload in (True, False):
        rows = await events.latest_event_rows([i.id for i in listed], payload=payload)
        models = await events.latest_events([i.id for i in listed], payload=payload)
        assert sorted(rows) == sorted(models) == [listed[0].id, listed[1].id]
        for issue_id, row in rows.items():
            model = models[issue_id]
            from_row = EventType.of_row(row)
            from_model = EventType.of(model)
            for name in ("id", "timestamp", "received_at", "environment", "release", "level"):
                assert getattr(from_row, name) == getattr(from_model, name)
            assert from_row.platform == from_model.platform
            assert from_row.stored_message == from_model.stored_message
            assert from_row.message() == from_model.message()
            assert _columns(from_row.model) == _columns(model)
        assert rows[listed[0].id]["message"] == "newest"
        assert EventType.of_row(rows[listed[1].id]).message() == "old row"


async def test_a_pooled_connection_is_given_back_without_a_reset_query(server, database_url):
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite has no connection pool")
    marker = "SELECT pg_backend_pid() AS pid, 'no reset after me'"
    _, rows = await connections.get("default").execute_query(marker)
    observer = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        # The pooled backend's last statement is ours: asyncpg's default reset (advisory
        # locks, cursors, LISTENs, settings) would have followed it.
        last = await observer.fetchval(
            "SELECT query FROM pg_stat_activity WHERE pid = $1", rows[0][0]
        )
    finally:
        await observer.close()
    assert last == marker


async def test_a_transaction_left_open_is_rolled_back_on_release(server, database_url):
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite has no connection pool")
    async with connections.get("default").acquire_connection() as connection:
        await connection.execute("BEGIN")
        pid = await connection.fetchval("SELECT pg_backend_pid()")
    observer = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        state = await observer.fetchval("SELECT state FROM pg_stat_activity WHERE pid = $1", pid)
    finally:
        await observer.close()
    assert state == "idle"


def test_cursors_are_the_json_cursors_they_were():
    import base64
    import json

    def by_json(order: str, values: list[object]) -> str:
        raw = json.dumps([order, *values], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    cases: list[list[object]] = [
        [seed.BASE_TIME, 7],
        [12, 2**62],
        ["é", 1],
        ["\x7f", 1],
        ['a\x1f\n"\\', 1],
        [1.5e16, 1],
        [None, True],
    ]
    for values in cases:
        plain = [v.isoformat() if hasattr(v, "isoformat") else v for v in values]
        assert encode_cursor("issue:last_seen,id:desc", values) == by_json(
            "issue:last_seen,id:desc", plain
        )


COUNTED = """query($p: ID!, $state: IssueState, $after: String, $search: String) {
  issues(projectId: $p, first: 2, state: $state, after: $after, search: $search) {
    totalCount pageInfo { endCursor } edges { cursor }
  }
  again: issues(projectId: $p, first: 2, state: $state, after: $after, search: $search) {
    ... on IssueConnection { totalCount }
  }
}"""


async def test_total_count_is_every_pages_count_on_every_page(http, server, auth):
    project = await _project_with_issues(server)
    for state, search, expected in [
        (None, None, 9),
        ("OPEN", None, 4),
        ("MUTED", None, 2),
        (None, "problem", 9),  # filtered: counted apart
    ]:
        variables = {"p": str(project.id), "state": state, "search": search}
        after, pages = None, 0
        while True:
            found = await data(http, server, COUNTED, {**variables, "after": after}, auth)
            assert found["issues"]["totalCount"] == found["again"]["totalCount"] == expected
            pages += 1
            after = found["issues"]["pageInfo"]["endCursor"]
            if after is None:
                # beyond the last row: a page without rows, counted apart
                last = found["issues"]["edges"][-1]["cursor"]
                beyond = await data(http, server, COUNTED, {**variables, "after": last}, auth)
                assert beyond["issues"]["edges"] == []
                assert beyond["issues"]["totalCount"] == expected
                break
        assert pages == (expected + 1) // 2
