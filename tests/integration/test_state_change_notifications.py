"""Every issue state change and delete, through the issue and project services, is written and
published once, in its transaction (both backends)."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import InvalidField, NotFound
from app.issues import service as issues
from app.notifications import IssueChange
from models import Issue, IssueHistory
from tests.integration.notifying import (
    DELETED,
    MUTED,
    OPEN,
    RESOLVED,
    STATE,
    broker_of,
    next_change,
    notifying_server,
    open_issues,
)
from tests.integration.sentry import new_project


async def test_bulk_state_changes_are_one_transaction_with_one_message_per_change(server):
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as sub,
    ):
        a, b, c = await open_issues(dedicated, project, sub, "first_fn", "second_fn", "third_fn")
        await issues.change_state(b.id, "muted")
        assert await next_change(sub) == IssueChange(STATE, b.id, project.id, MUTED)
        written = await issues.bulk_set_state([c.id, a.id, b.id, c.id], "muted")
        assert [(i.id, i.state, i.project.id) for i in written] == [
            (c.id, MUTED, project.id),
            (a.id, MUTED, project.id),
            (b.id, MUTED, project.id),
        ]
        # Issues are changed (and heard) in the order given; b was muted already.
        assert [await next_change(sub) for _ in range(2)] == [
            IssueChange(STATE, c.id, project.id, MUTED),
            IssueChange(STATE, a.id, project.id, MUTED),
        ]
        history = await IssueHistory.filter(issue_id__in=[a.id, c.id]).order_by("id")
        assert [(h.issue_id, h.from_state, h.to_state, h.cause) for h in history] == [
            (c.id, "open", "muted", "user"),
            (a.id, "open", "muted", "user"),
        ]

        with pytest.raises(NotFound, match=r"^issues 999999999, 9223372036854775808 "):
            await issues.bulk_set_state([a.id, 999999999, 2**63], "open")
        with pytest.raises(InvalidField, match=r"^ids: at most 1000 issues"):
            await issues.bulk_set_state(list(range(1, 1002)), "open")
        with pytest.raises(InvalidField, match=r"^ids: must be issue ids"):
            await issues.bulk_set_state([a.id, "1"], "open")  # type: ignore[list-item]
        with pytest.raises(InvalidField, match=r"^state: must be one of"):
            await issues.bulk_set_state([a.id], "closed")
        assert await issues.bulk_set_state([], "open") == []
        # Nothing above changed anything: the next message is the next real change.
        await issues.change_state(a.id, "open")
        assert await next_change(sub) == IssueChange(STATE, a.id, project.id, OPEN)
        assert (await Issue.get(id=c.id)).state == MUTED


async def test_concurrent_changes_to_one_issue_write_one_history_row_and_one_message(server):
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as sub,
    ):
        (issue,) = await open_issues(dedicated, project, sub, "contended_fn")
        written = await asyncio.gather(
            *(issues.bulk_set_state([issue.id], "resolved") for _ in range(10))
        )
        assert {w[0].state for w in written} == {RESOLVED}
        assert await IssueHistory.filter(issue_id=issue.id).count() == 1
        await issues.change_state(issue.id, "muted")
        assert [await next_change(sub) for _ in range(2)] == [
            IssueChange(STATE, issue.id, project.id, RESOLVED),
            IssueChange(STATE, issue.id, project.id, MUTED),
        ]


async def test_deleting_a_project_publishes_deleted_for_each_of_its_issues(http, server, auth):
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as sub,
    ):
        ids = [i.id for i in await open_issues(dedicated, project, sub, "first_fn", "second_fn")]
        async with http.delete(
            dedicated.server(f"/api/projects/{project.id}"), headers=auth
        ) as resp:
            assert resp.status == 204
        assert [await next_change(sub) for _ in ids] == [
            IssueChange(DELETED, i, project.id) for i in ids
        ]
