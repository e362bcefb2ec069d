"""A `SearchFilter` as one WHERE condition on the `issue` table, for PostgreSQL or SQLite.

Issue columns are compared directly; environment and release are EXISTS probes into the
issue's events (index `event (issue_id, environment, release)`). A tag term (and `has:` a tag)
is what the issue received: a probe of its tag counts (`issue_tag`, `issue_tag_key`, ingestion's
aggregates), and of its events only when those counts left a tag out (`issue.tags_exact` false),
so on the common issue it never reads an event. Every value is a bound parameter. Free text
is case-insensitive (PostgreSQL: ILIKE, written as what it means, `lower(column) LIKE
lower(text)`; SQLite LIKE folds ASCII only); values are case-sensitive (PostgreSQL LIKE; SQLite
GLOB, whose LIKE ignores case).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import Criterion, ValueWrapper
from tortoise.expressions import Q, ResolveContext
from tortoise.query_utils import QueryModifier

from app.ingest.tallies import RESERVED_KEYS, valid_key
from app.search.filter import (
    AbsoluteTime,
    EventField,
    EventValue,
    HasTag,
    LevelIs,
    Moment,
    Pattern,
    SearchFilter,
    SeenAt,
    Status,
    StatusIs,
    TagValue,
    Term,
    Text,
    TimesSeen,
)
from models import IssueState

_ISSUE = '"issue"'
_TEXT_COLUMNS = ("title", "message", "culprit")
_EVENT = f'SELECT 1 FROM "event" e WHERE e."issue_id" = {_ISSUE}."id"'
_EVENT_TAGS = f'SELECT 1 FROM "event" e, json_each(e."tags") t WHERE e."issue_id" = {_ISSUE}."id"'
_EVENT_KEYS = frozenset(field.value for field in EventField)
# What the issue received: its tag counts (app.issues.aggregates), holding every tag of its
# events while `tags_exact`; `@` is the condition on the value.
_TAG_ROW = (
    f'EXISTS (SELECT 1 FROM "issue_tag" g WHERE g."issue_id" = {_ISSUE}."id" AND g."key" = {{}} '
    "AND @)"
)
_KEY_ROW = f'SELECT 1 FROM "issue_tag_key" k WHERE k."issue_id" = {_ISSUE}."id" AND k."key" = {{}}'
# An event probe only for an issue whose counts left a tag out. Inside the sub-select, so it
# stays a probe per issue (a one-time filter); outside, PostgreSQL may hash the sub-select,
# scanning the whole event table as soon as one issue is inexact.
_INEXACT = f' AND NOT {_ISSUE}."tags_exact"'
# Every term must be TRUE or FALSE, never NULL, or its negation would drop rows: an issue
# without history has no last cause, hence the COALESCE.
_LAST_CAUSE = (
    f'COALESCE((SELECT h."cause" FROM "issue_history" h WHERE h."issue_id" = {_ISSUE}."id" '
    'ORDER BY h."at" DESC, h."id" DESC LIMIT 1), \'\')'
)


class _Fragment:
    """SQL text with `{}` where each value goes; the values become bound parameters."""

    def __init__(self, sql: str, values: Sequence[object] = ()) -> None:
        self.sql = sql
        self.values = tuple(values)

    def __and__(self, other: _Fragment) -> _Fragment:
        return _Fragment(f"{self.sql} AND {other.sql}", self.values + other.values)

    def wrap(self, template: str) -> _Fragment:
        return _Fragment(template.replace("@", self.sql), self.values)


def _any(fragments: Sequence[_Fragment]) -> _Fragment:
    sql = " OR ".join(f.sql for f in fragments)
    return _Fragment(f"({sql})", [v for f in fragments for v in f.values])


class _Criterion(Criterion):  # type: ignore[misc]
    def __init__(self, fragment: _Fragment) -> None:
        super().__init__()
        self.fragment = fragment

    def get_sql(self, ctx: SqlContext) -> str:
        params = [ValueWrapper(value).get_sql(ctx) for value in self.fragment.values]
        return "(" + self.fragment.sql.format(*params) + ")"


class _Where(Q):
    """A Q holding a ready criterion, so the search composes with ordinary filters."""

    __slots__ = ("criterion",)

    def __init__(self, criterion: Criterion) -> None:
        super().__init__()
        self.criterion = criterion

    def __bool__(self) -> bool:
        return True

    def __invert__(self) -> Q:
        # Q's own inversion rebuilds a plain Q from filters and children: an empty one.
        return _Where(self.criterion.negate())

    def resolve(self, resolve_context: ResolveContext) -> QueryModifier:
        return QueryModifier(where_criterion=self.criterion)


def search_condition(search: SearchFilter, dialect: str, now: datetime) -> Q | None:
    """The condition for `search` (None when it has no terms); relative times count from `now`."""
    if not search.terms:
        return None
    builder = _Builder(dialect == "postgres", now)
    first, *rest = [builder.term(term) for term in search.terms]
    fragment = functools.reduce(_Fragment.__and__, rest, first)
    return _Where(_Criterion(fragment))


class _Builder:
    def __init__(self, postgres: bool, now: datetime) -> None:
        self.postgres = postgres
        self.now = now

    def term(self, term: Term) -> _Fragment:
        fragment = self.positive(term)
        return fragment.wrap("NOT (@)") if term.negated else fragment.wrap("(@)")

    def positive(self, term: Term) -> _Fragment:
        match term:
            case Text(pattern=pattern):
                value = "%" + _like(pattern) + "%"
                return _any(
                    [_Fragment(self.text_match(column), [value]) for column in _TEXT_COLUMNS]
                )
            case StatusIs(statuses=statuses):
                return _any([self.status(status) for status in statuses])
            case LevelIs(levels=levels):
                return _in(f'{_ISSUE}."level"', levels)
            case EventValue(field=field, patterns=patterns):
                column = _Fragment(f'e."{field.value}"')
                return self.matches(column, patterns).wrap(f"EXISTS ({_EVENT} AND @)")
            case TagValue(key=key, patterns=patterns):
                return self.tag(key, patterns)
            case HasTag(keys=keys):
                return _any([self.has(key) for key in keys])
            case SeenAt(field=field, comparison=comparison, moment=moment):
                return _Fragment(f'{_ISSUE}."{field.value}" {comparison} {{}}', [self.at(moment)])
            case TimesSeen(comparison=comparison, count=count):
                return _Fragment(f'{_ISSUE}."event_count" {comparison} {{}}', [count])

    def text_match(self, column: str) -> str:
        if not self.postgres:
            return f"{_ISSUE}.\"{column}\" LIKE {{}} ESCAPE '\\'"
        # `a ILIKE p` is `lower(a) LIKE lower(p)` (PostgreSQL's like.c), but lowers the pattern
        # again for every row; a sub-select lowers it once. Backslash is LIKE's default escape.
        return f'lower({_ISSUE}."{column}") LIKE (SELECT lower({{}}))'

    def status(self, status: Status) -> _Fragment:
        if status == Status.REGRESSED:
            return _Fragment(
                f'({_ISSUE}."state" = {{}} AND {_LAST_CAUSE} = {{}})',
                [IssueState.OPEN.value, "regression"],
            )
        return _Fragment(f'{_ISSUE}."state" = {{}}', [status.value])

    def matches(self, column: _Fragment, patterns: Sequence[Pattern]) -> _Fragment:
        fragments = []
        for pattern in patterns:
            if pattern.exact is not None:
                fragments.append(_Fragment(f"{column.sql} = {{}}", [*column.values, pattern.exact]))
            elif self.postgres:
                sql = f"{column.sql} LIKE {{}} ESCAPE '\\'"
                fragments.append(_Fragment(sql, [*column.values, _like(pattern)]))
            else:
                sql = f"{column.sql} GLOB {{}}"
                fragments.append(_Fragment(sql, [*column.values, _glob(pattern)]))
        return _any(fragments)

    def tag(self, key: str, patterns: Sequence[Pattern]) -> _Fragment:
        if key in RESERVED_KEYS:  # never counted: those keys hold the events' own fields
            return self.tag_in_events(key, patterns, "")
        in_events = self.tag_in_events(key, patterns, _INEXACT)
        if not valid_key(key):  # a key the counts refuse: in the events of inexact issues only
            return in_events
        counted = self.matches(_Fragment('g."value"'), patterns)
        return _any([_Fragment(counted.sql, [key, *counted.values]).wrap(_TAG_ROW), in_events])

    def tag_in_events(self, key: str, patterns: Sequence[Pattern], gate: str) -> _Fragment:
        if self.postgres:
            value = _Fragment('(e."tags" ->> {})', [key])
            return self.matches(value, patterns).wrap(f"EXISTS ({_EVENT}{gate} AND @)")
        key_is = _Fragment("t.key = {}", [key])
        return (key_is & self.matches(_Fragment("t.value"), patterns)).wrap(
            f"EXISTS ({_EVENT_TAGS}{gate} AND @)"
        )

    def has(self, key: str) -> _Fragment:
        if key in _EVENT_KEYS:
            return _Fragment(f'EXISTS ({_EVENT} AND e."{key}" IS NOT NULL)')
        if self.postgres:
            in_events = _Fragment(f'EXISTS ({_EVENT}{_INEXACT} AND e."tags" ? {{}})', [key])
        else:
            in_events = _Fragment(f"EXISTS ({_EVENT_TAGS}{_INEXACT} AND t.key = {{}})", [key])
        if not valid_key(key):
            return in_events
        return _any([_Fragment(f"EXISTS ({_KEY_ROW})", [key]), in_events])

    def at(self, moment: Moment) -> datetime:
        if isinstance(moment, AbsoluteTime):
            return moment.at
        return self.now - moment.ago


def _in(column: str, values: Sequence[str]) -> _Fragment:
    return _Fragment(f"{column} IN ({', '.join('{}' for _ in values)})", values)


def _like(pattern: Pattern) -> str:
    escaped = (
        p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for p in pattern.parts
    )
    return "%".join(escaped)


def _glob(pattern: Pattern) -> str:
    # GLOB has no escape character: a metacharacter is literal inside a one-character class.
    table = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})
    return "*".join(p.translate(table) for p in pattern.parts)
