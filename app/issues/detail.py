"""What an issue's detail page shows besides the issue, read in one statement.

The frequency of each period asked for, the tags of each `tags` query, the environments and
releases, and the first state changes: each part of one UNION ALL, answered exactly as
`aggregates.frequencies`, `aggregates.tag_values`, `aggregates.environments`/`releases` and
`service.list_history` answer them, in one round trip instead of one each.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.ingest.tallies import ENVIRONMENT, RELEASE
from app.issues.aggregates import (
    Bucket,
    Period,
    TagQuery,
    TagSummary,
    _fetch,
    _moment,
    filled,
    tag_summary,
    window,
)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    from_state: str
    to_state: str
    cause: str
    actor: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class IssueDetail:
    """What one issue's detail asked for; a part not asked for is empty (None)."""

    frequency: dict[Period, list[Bucket]]
    tags: dict[TagQuery, list[TagSummary]]
    environments: list[str] | None
    releases: list[str] | None
    # The first `history_first` state changes (or all there are), oldest first.
    history: list[HistoryRow] | None
    history_first: int


@dataclass(frozen=True, slots=True)
class DetailQuery:
    """The parts to read: periods, tag queries (checked by check_tag_query), whether the
    environments and releases, and how many state changes (0: none; at most MAX_LIMIT)."""

    periods: Sequence[Period] = ()
    tag_queries: Sequence[TagQuery] = ()
    values: bool = False
    history: int = 0

    def __bool__(self) -> bool:
        return bool(self.periods or self.tag_queries or self.values or self.history)


# The columns every part selects, typed for PostgreSQL's UNION.
_COLUMNS = (
    ("key", "TEXT"),
    ("value", "TEXT"),
    ("count", "BIGINT"),
    ("total", "BIGINT"),
    ("distinct_values", "BIGINT"),
    ("other_count", "BIGINT"),
    ("rank", "BIGINT"),
    ("first_seen", "TIMESTAMPTZ"),
    ("last_seen", "TIMESTAMPTZ"),
    ("cause", "TEXT"),
    ("actor", "TEXT"),
)
_RANK = 1 + 1 + [c for c, _ in _COLUMNS].index("rank")  # its position (GROUP BY)


def _part(name: str, given: dict[str, str], source: str) -> str:
    columns = ", ".join(
        f"{given[c]} AS {c}" if c in given else f"CAST(NULL AS {kind}) AS {c}"
        for c, kind in _COLUMNS
    )
    return f"SELECT '{name}' AS part, {columns} FROM {source}"


async def read_detail(issue_id: int, query: DetailQuery, now: datetime) -> IssueDetail:
    """The parts of `query` for one issue (`now`: timezone-aware), in one statement."""
    parts: list[str] = []
    params: list[Any] = []
    windows = {period: window(period, now) for period in dict.fromkeys(query.periods)}
    for period, (width, starts, last_hour) in windows.items():
        source = (
            "issue_hourly WHERE issue_id = ? AND hour >= ? AND hour <= ? "
            f"GROUP BY {_RANK}"  # the bucket
        )
        given = {"rank": "hour / ?", "count": "CAST(sum(count) AS BIGINT)"}
        parts.append(_part(period.value, given, source))
        params += [width, issue_id, starts[0], last_hour]
    if query.tag_queries:
        parts.append(_tags_part(query.tag_queries))
        everything = any(keys is None for keys, _ in query.tag_queries)
        wanted = sorted({key for keys, _ in query.tag_queries for key in keys or ()})
        params += [issue_id, *([] if everything else [wanted]), issue_id]
        params.append(max(top for _, top in query.tag_queries))
    if query.values:
        source = "issue_tag WHERE issue_id = ? AND key IN (?, ?)"
        parts.append(_part("values", {"key": "key", "value": "value", "count": "count"}, source))
        params += [issue_id, ENVIRONMENT, RELEASE]
    if query.history:
        source = "(SELECT * FROM issue_history WHERE issue_id = ? ORDER BY at, id LIMIT ?) AS h"
        given = {"key": "from_state", "value": "to_state", "cause": "cause", "actor": "actor"}
        parts.append(_part("history", {**given, "rank": "id", "first_seen": "at"}, source))
        params += [issue_id, query.history]
    rows = await _fetch(" UNION ALL ".join(parts), *params) if parts else []
    by_part: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_part[row["part"]].append(row)
    frequency = {}
    for period, (width, starts, _) in windows.items():
        counts = {(issue_id, int(r["rank"]) * width): int(r["count"]) for r in by_part[period]}
        frequency[period] = filled(starts, issue_id, counts)
    tags = sorted(by_part["tags"], key=lambda r: (r["key"], r["rank"]))
    summaries = [tag_summary(key, list(group)) for key, group in itertools.groupby(tags, _key)]
    found: dict[str, list[str]] = {ENVIRONMENT: [], RELEASE: []}
    for row in sorted(by_part["values"], key=lambda r: (-int(r["count"]), r["value"])):
        found[row["key"]].append(row["value"])
    return IssueDetail(
        frequency=frequency,
        tags={tag_query: _selected(summaries, *tag_query) for tag_query in query.tag_queries},
        environments=found[ENVIRONMENT] if query.values else None,
        releases=found[RELEASE] if query.values else None,
        history=_history(by_part["history"]) if query.history else None,
        history_first=query.history,
    )


def _tags_part(queries: Sequence[TagQuery]) -> str:
    """One read for every query: the union of their keys, the largest top; each query's
    answer is then a selection of it (a value's rank depends on neither)."""
    everything = any(keys is None for keys, _ in queries)
    source = (
        "(SELECT key, value, count, first_seen, last_seen, row_number() OVER "
        "(PARTITION BY key ORDER BY count DESC, value{binary}) AS rank, CAST(sum(count) "
        "OVER (PARTITION BY key) AS BIGINT) AS total, count(*) OVER (PARTITION BY key) "
        "AS distinct_values FROM issue_tag WHERE issue_id = ?"
        + ("" if everything else " AND key {in}")
        + ") AS t LEFT JOIN issue_tag_key AS k ON k.issue_id = ? AND k.key = t.key "
        "WHERE t.rank <= ?"
    )
    given = {c: f"t.{c}" for c in ("key", "value", "count", "total", "distinct_values", "rank")}
    given |= {"first_seen": "t.first_seen", "last_seen": "t.last_seen"}
    return _part("tags", {**given, "other_count": "k.other_count"}, source)


def _key(row: dict[str, Any]) -> str:
    return str(row["key"])


def _selected(
    summaries: list[TagSummary], keys: tuple[str, ...] | None, top: int
) -> list[TagSummary]:
    """The summaries of `keys` (None: all), each with its first `top` values."""
    return [
        replace(summary, top=summary.top[:top])
        for summary in summaries
        if keys is None or summary.key in keys
    ]


def _history(rows: list[dict[str, Any]]) -> list[HistoryRow]:
    # In the order of the statement's part (the raw `at`: SQLite's is text)
    ordered = sorted(rows, key=lambda r: (r["first_seen"], int(r["rank"])))
    return [
        HistoryRow(r["key"], r["value"], r["cause"], r["actor"], _moment(r["first_seen"]))
        for r in ordered
    ]
