"""Issue reads and state changes; every change writes one history row in the same transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app.errors import InvalidField, NotFound
from app.ids import parse_id
from app.issues.states import Cause, next_state, parse_state
from app.pagination import MAX_LIMIT, Page, PageRequest, keyset_page
from app.text import require_plain_line
from models import Event, Issue, IssueHistory, IssueState, Project


class IssueSort(StrEnum):
    LAST_SEEN = "last_seen"  # most recently seen first
    DIGEST_ORDER = "digest_order"  # the order issues opened in: the short-id number
    FIRST_SEEN = "first_seen"
    EVENT_COUNT = "event_count"


_SORT_KEYS: dict[IssueSort, tuple[str, str]] = {
    IssueSort.LAST_SEEN: ("last_seen", "id"),
    IssueSort.DIGEST_ORDER: ("counter", "id"),
    IssueSort.FIRST_SEEN: ("first_seen", "id"),
    IssueSort.EVENT_COUNT: ("event_count", "id"),
}
MAX_BULK = MAX_LIMIT
MAX_FILTER_CHARS = 255
_SHORT_ID = re.compile(r"([a-z0-9][a-z0-9-]{0,99})-([0-9]{1,10})")


async def list_issues(
    project: Project,
    page: PageRequest,
    state: IssueState | None = None,
    *,
    sort: IssueSort = IssueSort.LAST_SEEN,
    descending: bool = True,
    level: str | None = None,
    environment: str | None = None,
    release: str | None = None,
) -> Page[Issue]:
    queryset = _filtered(project, state, level, environment, release)
    return await keyset_page(queryset, _SORT_KEYS[sort], page, descending=descending)


async def count_issues(
    project: Project,
    state: IssueState | None = None,
    *,
    level: str | None = None,
    environment: str | None = None,
    release: str | None = None,
) -> int:
    return await _filtered(project, state, level, environment, release).count()


def _filtered(
    project: Project,
    state: IssueState | None,
    level: str | None,
    environment: str | None,
    release: str | None,
) -> QuerySet[Issue]:
    queryset = Issue.filter(project_id=project.id)
    if state is not None:
        queryset = queryset.filter(state=state)
    if level is not None:
        queryset = queryset.filter(level=_filter_text("level", level))
    # An issue matches when any of its events has the environment and release asked for.
    on_events = {
        name: _filter_text(name, value)
        for name, value in (("environment", environment), ("release", release))
        if value is not None
    }
    if on_events:
        matching = Event.filter(project_id=project.id, **on_events)
        queryset = queryset.filter(id__in=Subquery(matching.values("issue_id")))
    return queryset


def _filter_text(field: str, value: str) -> str:
    # No stored value is longer, and NUL or a lone surrogate would make the database raise.
    if len(value) > MAX_FILTER_CHARS:
        raise InvalidField(field, f"must be at most {MAX_FILTER_CHARS} characters")
    return require_plain_line(field, value)


async def get_issue(issue_id: int) -> Issue:
    issue = await Issue.get_or_none(id=issue_id).select_related("project")
    if issue is None:
        raise NotFound(f"issue {issue_id} not found")
    return issue


def grouping_explanation(issue: Issue) -> dict[str, Any]:
    """How the issue's events were grouped: algorithm version, hash and what went into it."""
    return {"version": issue.grouping_version, "hash": issue.fingerprint, **(issue.grouping or {})}


async def issues_by_id(issue_ids: Iterable[int]) -> dict[int, Issue]:
    return {issue.id: issue for issue in await Issue.filter(id__in=list(issue_ids))}


async def get_issue_by_short_id(short_id: str) -> Issue:
    """`MY-APP-7` (any case): the issue numbered 7 of the project whose slug is `my-app`."""
    match = _SHORT_ID.fullmatch(short_id.strip().lower()[:120])
    counter = parse_id(match[2], Issue, "counter") if match else None
    issue = None
    if match and counter is not None:
        issue = await Issue.get_or_none(project__slug=match[1], counter=counter).select_related(
            "project"
        )
    if issue is None:
        raise NotFound(f"issue {short_id[:40]!r} not found")
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


async def bulk_set_state(
    issue_ids: Sequence[int], requested: object, cause: Cause = Cause.USER
) -> list[Issue]:
    """Change the state of several issues, all or none (one unknown id changes nothing)."""
    unique = list(dict.fromkeys(issue_ids))
    if len(unique) > MAX_BULK:
        raise InvalidField("ids", f"must name at most {MAX_BULK} issues")
    target = parse_state(requested)
    async with in_transaction():
        for issue_id in unique:
            await change_state(issue_id, target, cause)
    found = await issues_by_id(unique)
    return [found[issue_id] for issue_id in unique if issue_id in found]


async def delete_issue(issue_id: int) -> None:
    if not await Issue.filter(id=issue_id).delete():
        raise NotFound(f"issue {issue_id} not found")


async def list_history(issue_id: int, page: PageRequest) -> Page[IssueHistory]:
    await get_issue(issue_id)
    queryset = IssueHistory.filter(issue_id=issue_id)
    return await keyset_page(queryset, ("at", "id"), page, descending=False)
