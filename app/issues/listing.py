"""A project's issues as pages (keyset cursors, any sort, state and search filters) and their
counts: the lists every API shows. Plain pages are SQL written once per shape (keyset_rows);
filtered ones are a Tortoise query with the search language's one condition."""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from app.errors import InvalidField
from app.pagination import Page, PageRequest, count_rows, keyset_page, keyset_rows, keyset_values
from app.search.filter import (
    EventField,
    EventValue,
    LevelIs,
    Pattern,
    SearchFilter,
    Term,
)
from app.search.sql import search_condition
from app.text import require_plain_line
from models import Issue, IssueState, Project


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
MAX_FILTER_CHARS = 255


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
    search: SearchFilter | None = None,
) -> Page[Issue]:
    """The issues without their grouping explanation (kilobytes each, shown only for one issue:
    `groupings` reads it)."""
    queryset = _filtered(project, state, level, environment, release, search)
    listed = [name for name in Issue._meta.fields_db_projection if name != "grouping"]
    return await keyset_page(queryset.only(*listed), _SORT_KEYS[sort], page, descending=descending)


@dataclass(frozen=True, slots=True)
class ListedIssue:
    """An issue as a GraphQL page shows it: its columns but the grouping explanation, read
    without a model (a page costs about 0.6-0.7 times the CPU of a page of models)."""

    id: int
    project_id: int
    fingerprint: str
    grouping_version: str
    counter: int
    state: IssueState
    resolved_in_version: str | None
    level: str
    type: str
    message: str
    title: str
    culprit: str
    platform: str
    event_count: int
    first_seen: datetime
    last_seen: datetime


_LISTED_FIELDS = tuple(f.name for f in dataclass_fields(ListedIssue))


async def list_issue_rows(
    project: Project,
    page: PageRequest,
    state: IssueState | None = None,
    *,
    sort: IssueSort = IssueSort.LAST_SEEN,
    descending: bool = True,
    level: str | None = None,
    environment: str | None = None,
    release: str | None = None,
    search: SearchFilter | None = None,
    counted: bool = False,
) -> Page[ListedIssue]:
    """The page `list_issues` reads (same filters, order and cursors), as ListedIssue rows;
    `counted`: with its `total` (what `count_issues` counts) when that needs no second pass
    over the issues. A page without search terms counts in its own statement (an uncorrelated
    subquery: keyset_rows), as does a filtered first page (the filter runs once for both)."""
    terms = _terms(level, environment, release, search)
    if not terms:
        return await keyset_rows(
            Issue,
            _plain_filter(project, state),
            _SORT_KEYS[sort],
            page,
            descending=descending,
            fields=_LISTED_FIELDS,
            build=lambda row: ListedIssue(**row),
            count=counted,
        )
    queryset = _filtered_by(project, state, terms)
    first = page.after is None and not page.offset
    windowed = counted and first
    totals: list[int] = []

    def build(row: dict[str, Any]) -> ListedIssue:
        if windowed:
            totals.append(row.pop("total"))
        return ListedIssue(**row)

    listed = await keyset_values(
        queryset.annotate(total=RawSQL("COUNT(*) OVER ()")) if windowed else queryset,
        _SORT_KEYS[sort],
        page,
        descending=descending,
        fields=(*_LISTED_FIELDS, "total") if windowed else _LISTED_FIELDS,
        build=build,
    )
    if windowed:
        return replace(listed, total=totals[0] if totals else 0)
    return listed


async def count_issues(
    project: Project,
    state: IssueState | None = None,
    *,
    level: str | None = None,
    environment: str | None = None,
    release: str | None = None,
    search: SearchFilter | None = None,
) -> int:
    if level is None and environment is None and release is None and search is None:
        return await count_rows(Issue, _plain_filter(project, state))
    return await _filtered(project, state, level, environment, release, search).count()


def _plain_filter(project: Project, state: IssueState | None) -> dict[str, Any]:
    """The filter of `_filtered` without search terms (no Tortoise query: built once)."""
    return {"project_id": project.id, **({} if state is None else {"state": state})}


def _filtered(
    project: Project,
    state: IssueState | None,
    level: str | None,
    environment: str | None,
    release: str | None,
    search: SearchFilter | None = None,
) -> QuerySet[Issue]:
    return _filtered_by(project, state, _terms(level, environment, release, search))


def _terms(
    level: str | None, environment: str | None, release: str | None, search: SearchFilter | None
) -> list[Term]:
    # The plain filters are search terms, so one mechanism (and its indexes) answers both.
    terms: list[Term] = list(search.terms) if search is not None else []
    if level is not None:
        terms.append(LevelIs((_filter_text("level", level),)))
    for field, value in ((EventField.ENVIRONMENT, environment), (EventField.RELEASE, release)):
        if value is not None:
            exact = Pattern((_filter_text(field.value, value),))  # `*` is no wildcard here
            terms.append(EventValue(field, (exact,)))
    return terms


def _filtered_by(project: Project, state: IssueState | None, terms: list[Term]) -> QuerySet[Issue]:
    queryset = Issue.filter(project_id=project.id)
    if state is not None:
        queryset = queryset.filter(state=state)
    if terms:
        dialect = Issue._meta.db.capabilities.dialect
        condition = search_condition(SearchFilter(tuple(terms)), dialect, datetime.now(UTC))
        if condition is not None:
            queryset = queryset.filter(condition)
    return queryset


def _filter_text(field: str, value: str) -> str:
    # No stored value is longer, and NUL or a lone surrogate would make the database raise.
    if len(value) > MAX_FILTER_CHARS:
        raise InvalidField(field, f"must be at most {MAX_FILTER_CHARS} characters")
    return require_plain_line(field, value)
