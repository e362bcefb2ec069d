"""Reads of the per-issue aggregates that ingestion keeps (`app.ingest.tallies`).

Frequency (events per hour or per UTC day, of an issue or a whole project), tag values with
counts, environments, releases: each answered from the aggregate tables, never by scanning
events. The batched functions take many issue (or project) ids and cost one query however many
there are (for GraphQL DataLoaders); they answer for every id asked, an unknown one getting an
empty answer. The single-issue ones raise NotFound for an unknown issue.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise import connections

from app.errors import InvalidField, NotFound
from app.ingest.tallies import (
    ENVIRONMENT,
    HOUR_S,
    MAX_KEY_CHARS,
    MAX_KEYS_PER_ISSUE,
    RELEASE,
    RESERVED_KEYS,
    hour_of,
    valid_key,
)
from models import Issue, IssueTag, of_live_project

DEFAULT_TOP = 10
MAX_TOP = 100
MAX_KEYS = MAX_KEYS_PER_ISSUE + len(RESERVED_KEYS)
MAX_PROJECT_VALUES = 100  # environments or releases listed for a project


class Period(StrEnum):
    DAY = "day"  # 24 hourly buckets, the last one the current hour
    MONTH = "month"  # 30 daily buckets (UTC days), the last one today


@dataclass(frozen=True, slots=True)
class Bucket:
    start: datetime
    count: int


@dataclass(frozen=True, slots=True)
class TagValue:
    value: str
    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class TagSummary:
    key: str
    total: int  # events of the issue carrying the key
    distinct: int  # values counted apart (at most MAX_VALUES_PER_KEY)
    other: int  # events whose value came after the cap: in `total`, under no value
    top: list[TagValue]  # most events first, then by value


def parse_period(raw: str) -> Period:
    try:
        return Period(raw)
    except ValueError:
        raise InvalidField("period", f"must be one of {', '.join(Period)}") from None


async def frequency(issue_id: int, period: Period, now: datetime) -> list[Bucket]:
    await _require(issue_id)
    return (await frequencies([issue_id], period, now))[issue_id]


async def frequencies(
    issue_ids: Sequence[int], period: Period, now: datetime
) -> dict[int, list[Bucket]]:
    """Zero-filled buckets, oldest first, for each issue; `now` is timezone-aware."""
    return await _buckets(
        "SELECT issue_id AS owner, hour / ? AS bucket, CAST(sum(count) AS BIGINT) AS n "
        "FROM issue_hourly WHERE issue_id {in} AND hour >= ? AND hour <= ? GROUP BY 1, 2",
        issue_ids,
        period,
        now,
    )


async def project_frequencies(
    project_ids: Sequence[int], period: Period, now: datetime
) -> dict[int, list[Bucket]]:
    """The same buckets summed over each project's issues (one query for all projects)."""
    return await _buckets(
        "SELECT i.project_id AS owner, h.hour / ? AS bucket, CAST(sum(h.count) AS BIGINT) AS n "
        "FROM issue AS i JOIN issue_hourly AS h ON h.issue_id = i.id "
        "WHERE i.project_id {in} AND h.hour >= ? AND h.hour <= ? GROUP BY 1, 2",
        project_ids,
        period,
        now,
    )


async def _buckets(
    sql: str, owners: Sequence[int], period: Period, now: datetime
) -> dict[int, list[Bucket]]:
    # `sql` selects (owner, bucket, n) for the owners ({in}) between two hours.
    width, starts, last_hour = window(period, now)
    rows = await _fetch(sql, width, list(owners), starts[0], last_hour)
    counts = {(int(r["owner"]), int(r["bucket"]) * width): int(r["n"]) for r in rows}
    return {owner: filled(starts, owner, counts) for owner in owners}


def window(period: Period, now: datetime) -> tuple[int, range, int]:
    """The width in hours of a period's buckets, the first hour of each, and the last hour
    counted (the current one)."""
    last_hour = hour_of(now)
    if period is Period.DAY:
        return 1, range(last_hour - 23, last_hour + 1), last_hour
    today = last_hour // 24
    return 24, range((today - 29) * 24, (today + 1) * 24, 24), last_hour


def filled(starts: range, owner: int, counts: dict[tuple[int, int], int]) -> list[Bucket]:
    return [
        Bucket(datetime.fromtimestamp(hour * HOUR_S, UTC), counts.get((owner, hour), 0))
        for hour in starts
    ]


# The arguments of an issue's `tags`: the keys asked for (None: all) and `top`.
TagQuery = tuple[tuple[str, ...] | None, int]


async def issue_tags(
    issue_id: int, keys: Sequence[str] | None = None, top: int = DEFAULT_TOP
) -> list[TagSummary]:
    await _require(issue_id)
    return (await tag_values([issue_id], keys, top))[issue_id]


async def tag_values(
    issue_ids: Sequence[int], keys: Sequence[str] | None = None, top: int = DEFAULT_TOP
) -> dict[int, list[TagSummary]]:
    """Per issue, its tag keys (all, or those of `keys`) by name, each with its `top` values."""
    check_tag_query(keys, top)
    key_filter = ""
    params: list[Any] = [list(issue_ids)]
    if keys is not None:
        key_filter = " AND key {in}"
        params.append(list(keys))
    rows = await _fetch(
        "SELECT t.issue_id, t.key, t.value, t.count, t.first_seen, t.last_seen, t.total, "
        "t.distinct_values, k.other_count FROM (SELECT issue_id, key, value, count, "
        "first_seen, last_seen, "
        "row_number() OVER (PARTITION BY issue_id, key ORDER BY count DESC, value{binary}) "
        "AS rank, CAST(sum(count) OVER (PARTITION BY issue_id, key) AS BIGINT) AS total, "
        "count(*) OVER (PARTITION BY issue_id, key) AS distinct_values "
        "FROM issue_tag WHERE issue_id {in}" + key_filter + ") AS t "
        "LEFT JOIN issue_tag_key AS k ON k.issue_id = t.issue_id AND k.key = t.key "
        "WHERE t.rank <= ? ORDER BY t.issue_id, t.key{binary}, t.rank",
        *params,
        top,
    )
    found: dict[int, list[TagSummary]] = {issue: [] for issue in issue_ids}
    for (issue, key), group in itertools.groupby(rows, lambda r: (int(r["issue_id"]), r["key"])):
        found[issue].append(tag_summary(key, list(group)))
    return found


def tag_summary(key: str, values: list[dict[str, Any]]) -> TagSummary:
    """A key's summary from its rows, best first (value, count, first_seen, last_seen, and
    the key's total, distinct_values and other_count)."""
    other = int(values[0]["other_count"] or 0)
    return TagSummary(
        key=key,
        total=int(values[0]["total"]) + other,
        distinct=int(values[0]["distinct_values"]),
        other=other,
        top=[
            TagValue(r["value"], int(r["count"]), _moment(r["first_seen"]), _moment(r["last_seen"]))
            for r in values
        ],
    )


def check_tag_query(keys: Sequence[str] | None, top: int) -> None:
    """InvalidField naming `top` or `key` when `tag_values` would refuse them."""
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise InvalidField("top", f"must be an integer from 1 to {MAX_TOP}")
    if keys is not None and len(keys) > MAX_KEYS:
        raise InvalidField("key", f"at most {MAX_KEYS} keys (an issue has no more)")
    for key in keys or ():
        if not valid_key(key):
            raise InvalidField(
                "key", f"must be 1 to {MAX_KEY_CHARS} characters of a-z A-Z 0-9 _ . : -"
            )


async def environments(issue_ids: Sequence[int]) -> dict[int, list[str]]:
    """Per issue, the environments of its events, most events first."""
    return await _values_of(issue_ids, ENVIRONMENT)


async def releases(issue_ids: Sequence[int]) -> dict[int, list[str]]:
    """Per issue, the releases of its events, most events first."""
    return await _values_of(issue_ids, RELEASE)


async def project_environments(project_ids: Sequence[int]) -> dict[int, list[str]]:
    """Per project, the environments of its events, most events first (the first 100)."""
    return await _project_values_of(project_ids, ENVIRONMENT)


async def project_releases(project_ids: Sequence[int]) -> dict[int, list[str]]:
    """Per project, the releases of its events, most events first (the first 100)."""
    return await _project_values_of(project_ids, RELEASE)


async def _project_values_of(project_ids: Sequence[int], key: str) -> dict[int, list[str]]:
    # One row per project and value: bounded by the values the tallies keep per issue.
    rows = await _fetch(
        "SELECT i.project_id AS owner, t.value, CAST(sum(t.count) AS BIGINT) AS n "
        "FROM issue AS i JOIN issue_tag AS t ON t.issue_id = i.id "
        "WHERE i.project_id {in} AND t.key = ? GROUP BY 1, 2",
        list(project_ids),
        key,
    )
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        found[int(row["owner"])].append((-int(row["n"]), row["value"]))
    return {
        project: [value for _, value in sorted(found[project])[:MAX_PROJECT_VALUES]]
        for project in project_ids
    }


async def _values_of(issue_ids: Sequence[int], key: str) -> dict[int, list[str]]:
    rows = await IssueTag.filter(issue_id__in=list(issue_ids), key=key).values_list(
        "issue_id", "value", "count"
    )
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for issue, value, count in rows:
        found[issue].append((-count, value))
    return {issue: [value for _, value in sorted(found[issue])] for issue in issue_ids}


async def _require(issue_id: int) -> None:
    if not await Issue.filter(of_live_project(), id=issue_id).exists():
        raise NotFound(f"issue {issue_id} not found")


async def _fetch(sql: str, *params: Any) -> list[dict[str, Any]]:
    """Run `sql` with `?` parameters on either dialect.

    `{in}` before a `?` whose parameter is a list means "is one of the list"; `{binary}` after
    a text expression orders it by code point, as SQLite always does.
    """
    client = connections.get("default")
    postgres = client.capabilities.dialect == "postgres"
    sql = sql.replace("{in}", "= ANY(?)" if postgres else "IN (SELECT value FROM json_each(?))")
    sql = sql.replace("{binary}", ' COLLATE "C"' if postgres else "")
    if postgres:
        numbers = itertools.count(1)
        sql = re.sub(r"\?", lambda _: f"${next(numbers)}", sql)
        values = list(params)
    else:
        values = [json.dumps(p) if isinstance(p, list) else p for p in params]
    rows: list[dict[str, Any]] = await client.execute_query_dict(sql, values)
    return rows


def _moment(value: Any) -> datetime:
    # asyncpg returns datetimes; SQLite the text Tortoise wrote.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
