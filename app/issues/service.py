"""Issue reads and state changes; every change writes one history row in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.transactions import in_transaction

from app.errors import InvalidField, NotFound
from app.issues.states import Cause, next_state, parse_state
from app.pagination import Page, PageRequest, keyset_page
from app.search.filter import SearchFilter
from app.search.sql import search_condition
from models import Issue, IssueHistory, IssueState, Project


class IssueSort(StrEnum):
    LAST_SEEN = "last_seen"  # most recently seen first
    DIGEST_ORDER = "digest_order"  # the order issues opened in: the short-id number


_SORT_KEYS: dict[IssueSort, tuple[str, str]] = {
    IssueSort.LAST_SEEN: ("last_seen", "id"),
    IssueSort.DIGEST_ORDER: ("counter", "id"),
}


async def list_issues(
    project: Project,
    page: PageRequest,
    state: IssueState | None = None,
    *,
    sort: IssueSort = IssueSort.LAST_SEEN,
    descending: bool = True,
    search: SearchFilter | None = None,
) -> Page[Issue]:
    queryset = Issue.filter(project_id=project.id)
    if state is not None:
        queryset = queryset.filter(state=state)
    if search is not None:
        dialect = Issue._meta.db.capabilities.dialect
        condition = search_condition(search, dialect, datetime.now(UTC))
        if condition is not None:
            queryset = queryset.filter(condition)
    return await keyset_page(queryset, _SORT_KEYS[sort], page, descending=descending)


async def get_issue(issue_id: int) -> Issue:
    issue = await Issue.get_or_none(id=issue_id).select_related("project")
    if issue is None:
        raise NotFound(f"issue {issue_id} not found")
    return issue


async def update_issue(issue_id: int, changes: dict[str, Any]) -> Issue:
    """Apply a PATCH body; `state` is the only field that can change."""
    for field in changes:
        if field != "state":
            raise InvalidField(field, "is not a field that can be changed")
    if "state" not in changes:
        raise InvalidField("state", "is required")
    return await change_state(issue_id, changes["state"])


async def change_state(issue_id: int, requested: object, cause: Cause = Cause.USER) -> Issue:
    target = parse_state(requested)
    async with in_transaction():
        issue = await Issue.select_for_update().get_or_none(id=issue_id)
        if issue is None:
            raise NotFound(f"issue {issue_id} not found")
        new = next_state(IssueState(issue.state), target)
        if new is not None:
            await Issue.filter(id=issue_id).update(state=new)
            await IssueHistory.create(
                issue_id=issue_id,
                from_state=issue.state,
                to_state=new,
                cause=cause,
                at=datetime.now(UTC),
            )
    return await get_issue(issue_id)


async def delete_issue(issue_id: int) -> None:
    if not await Issue.filter(id=issue_id).delete():
        raise NotFound(f"issue {issue_id} not found")


async def list_history(issue_id: int, page: PageRequest) -> Page[IssueHistory]:
    await get_issue(issue_id)
    queryset = IssueHistory.filter(issue_id=issue_id)
    return await keyset_page(queryset, ("at", "id"), page, descending=False)
