"""A GraphQL page reads issues as rows (issues.list_issue_rows), REST reads models
(list_issues): the same issues, columns, order and cursors, page after page. Both backends."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import timedelta

import pytest

from app.issues import service as issues
from app.issues.service import IssueSort, ListedIssue
from app.pagination import PageRequest, decode_cursor
from models import IssueState, Project
from tests.integration import seed
from tests.integration.sentry import new_project

COLUMNS = [f.name for f in fields(ListedIssue)]


@pytest.mark.parametrize("sort", list(IssueSort))
@pytest.mark.parametrize("descending", [True, False], ids=["desc", "asc"])
async def test_rows_page_like_models(server, sort, descending):
    project = await Project.get(id=(await new_project(server)).id)
    for n in range(1, 8):
        # Ties on every sort key but id (n % 3), so the id tie-breaker decides too.
        await seed.issue(
            project,
            n,
            event_count=n % 3,
            first_seen=seed.BASE_TIME + timedelta(minutes=n % 3),
            last_seen=seed.BASE_TIME + timedelta(minutes=n % 3),
            state=IssueState.RESOLVED if n == 4 else IssueState.OPEN,
            resolved_in_version="2.0" if n == 4 else None,
        )
    request = PageRequest(limit=3)
    pages = 0
    while True:
        rows = await issues.list_issue_rows(project, request, sort=sort, descending=descending)
        models = await issues.list_issues(project, request, sort=sort, descending=descending)
        assert rows.next_cursor == models.next_cursor
        assert [asdict(row) for row in rows.items] == [
            {name: getattr(model, name) for name in COLUMNS} for model in models.items
        ]
        assert [rows.cursor_of(r) for r in rows.items] == [
            models.cursor_of(m) for m in models.items
        ]
        assert all(type(row) is ListedIssue for row in rows.items)
        pages += 1
        if rows.next_cursor is None:
            break
        request = PageRequest(limit=3, after=decode_cursor(rows.next_cursor))
    assert pages == 3


async def test_rows_filter_like_models(server):
    project = await Project.get(id=(await new_project(server)).id)
    for n in range(1, 6):
        await seed.issue(project, n, level="warning" if n % 2 else "error")
    request = PageRequest(limit=10)
    rows = await issues.list_issue_rows(project, request, IssueState.OPEN, level="warning")
    models = await issues.list_issues(project, request, IssueState.OPEN, level="warning")
    assert [row.counter for row in rows.items] == [m.counter for m in models.items] == [5, 3, 1]
