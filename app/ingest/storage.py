"""Digest: store a batch of accepted events in ONE transaction (group commit).

For each batch, in a fixed order so concurrent writers lock rows alike (no deadlocks):
  1. rate windows of limited projects: one upsert per project, excess events refused;
  2. per project: find the issues of the batch's fingerprints; open the missing ones with the
     project's next counters, under the project row's lock (no gaps, no duplicates);
  3. all events in one multi-row INSERT … ON CONFLICT DO NOTHING (a repeated event id is
     acknowledged but neither stored nor counted twice);
  4. per issue: count, first/last seen and a regression (resolved → open, with history).
The SQL is written with `?` placeholders and numbered for PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.errors import NotFound
from app.ingest.records import EventRecord, Outcome
from app.issues.states import Cause, state_after_event
from models import IssueState

_PLACEHOLDER = re.compile(r"\?")


@dataclass(frozen=True, slots=True)
class Dialect:
    postgres: bool

    def sql(self, text: str) -> str:
        if not self.postgres:
            return text
        counter = iter(range(1, 100_000))
        return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", text)

    @property
    def for_update(self) -> str:
        return " FOR UPDATE" if self.postgres else ""


def current_dialect() -> Dialect:
    conn = connections.get("default")
    return Dialect(postgres=conn.schema_generator.DIALECT == "postgres")


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


async def store_batch(records: Sequence[EventRecord], dialect: Dialect) -> list[Outcome]:
    """Store `records` in one transaction; returns one outcome per record, in order."""
    outcomes: list[Outcome | None] = [None] * len(records)
    async with in_transaction() as tx:
        allowed = await _apply_rate_limits(tx, dialect, records, outcomes)
        issues = await _issues_for(tx, dialect, [records[i] for i in allowed])
        inserted = await _insert_events(tx, dialect, [records[i] for i in allowed], issues)
        for i in allowed:
            record = records[i]
            key = (record.project_id, record.event_id)
            outcomes[i] = Outcome.STORED if key in inserted else Outcome.DUPLICATE
        await _count_events(tx, dialect, [records[i] for i in allowed], issues, inserted)
    return [o if o is not None else Outcome.DUPLICATE for o in outcomes]


@dataclass(slots=True)
class _Issue:
    id: int
    state: IssueState


async def _apply_rate_limits(
    tx: BaseDBAsyncClient,
    dialect: Dialect,
    records: Sequence[EventRecord],
    outcomes: list[Outcome | None],
) -> list[int]:
    """Indexes of the records within their project's limit; the others become RATE_LIMITED."""
    limited: dict[tuple[int, int], list[int]] = defaultdict(list)
    allowed: list[int] = []
    for i, record in enumerate(records):
        if record.rate_limit_per_minute is None:
            allowed.append(i)
        else:
            limited[(record.project_id, minute_of(record.received_at))].append(i)
    for (project_id, minute), indexes in sorted(limited.items()):
        limit = records[indexes[0]].rate_limit_per_minute or 0
        rows = await tx.execute_query_dict(
            dialect.sql(
                "INSERT INTO rate_window (project_id, minute, count) VALUES (?, ?, ?) "
                "ON CONFLICT (project_id, minute) DO UPDATE "
                "SET count = rate_window.count + excluded.count RETURNING count"
            ),
            [project_id, minute, len(indexes)],
        )
        before = int(rows[0]["count"]) - len(indexes)
        room = max(0, limit - before)
        allowed.extend(indexes[:room])
        for i in indexes[room:]:
            outcomes[i] = Outcome.RATE_LIMITED
    allowed.sort()
    return allowed


async def _issues_for(
    tx: BaseDBAsyncClient, dialect: Dialect, records: Sequence[EventRecord]
) -> dict[tuple[int, str], _Issue]:
    """The issue of every (project, fingerprint) in `records`, opening the missing ones.

    Locks are taken in one global order — per project (ascending): the project row, only when
    an issue must be opened, then the issue rows by fingerprint — so writers never deadlock.
    """
    firsts: dict[tuple[int, str], EventRecord] = {}
    for record in records:
        firsts.setdefault((record.project_id, record.fingerprint), record)
    by_project: dict[int, list[str]] = defaultdict(list)
    for project_id, fingerprint in sorted(firsts):
        by_project[project_id].append(fingerprint)
    issues: dict[tuple[int, str], _Issue] = {}
    for project_id, fingerprints in by_project.items():
        existing = await _select_issues(tx, dialect, project_id, fingerprints, lock=False)
        if len(existing) < len(fingerprints):
            existing.update(await _open_issues(tx, dialect, project_id, fingerprints, firsts))
        else:
            existing = await _select_issues(tx, dialect, project_id, fingerprints, lock=True)
        for fingerprint, issue in existing.items():
            issues[(project_id, fingerprint)] = issue
    return issues


async def _select_issues(
    tx: BaseDBAsyncClient,
    dialect: Dialect,
    project_id: int,
    fingerprints: Sequence[str],
    *,
    lock: bool,
) -> dict[str, _Issue]:
    marks = ", ".join(["?"] * len(fingerprints))
    rows = await tx.execute_query_dict(
        dialect.sql(
            f"SELECT id, state, fingerprint FROM issue WHERE project_id = ? "
            f"AND fingerprint IN ({marks}) ORDER BY fingerprint"
            + (dialect.for_update if lock else "")
        ),
        [project_id, *fingerprints],
    )
    return {str(r["fingerprint"]): _Issue(int(r["id"]), IssueState(r["state"])) for r in rows}


async def _open_issues(
    tx: BaseDBAsyncClient,
    dialect: Dialect,
    project_id: int,
    fingerprints: Sequence[str],
    firsts: dict[tuple[int, str], EventRecord],
) -> dict[str, _Issue]:
    """Under the project's row lock: open the issues still missing, numbered without gaps."""
    rows = await tx.execute_query_dict(
        dialect.sql("SELECT issue_counter FROM project WHERE id = ?" + dialect.for_update),
        [project_id],
    )
    if not rows:
        raise NotFound(f"project {project_id} does not exist")
    counter = int(rows[0]["issue_counter"])
    # Another writer may have opened some while we waited for the lock.
    issues = await _select_issues(tx, dialect, project_id, fingerprints, lock=True)
    for fingerprint in fingerprints:
        if fingerprint in issues:
            continue
        counter += 1
        record = firsts[(project_id, fingerprint)]
        rows = await tx.execute_query_dict(
            dialect.sql(
                "INSERT INTO issue (project_id, fingerprint, grouping_version, grouping, "
                "counter, state, level, type, message, title, culprit, platform, event_count, "
                "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
                "RETURNING id"
            ),
            [
                project_id,
                fingerprint,
                record.grouping_version,
                record.grouping_json,
                counter,
                IssueState.OPEN.value,
                record.level,
                record.type[:128],
                record.message,
                record.title[:255],
                record.culprit[:200],
                record.platform[:32],
                record.timestamp,
                record.timestamp,
            ],
        )
        issues[fingerprint] = _Issue(int(rows[0]["id"]), IssueState.OPEN)
    await tx.execute_query(
        dialect.sql("UPDATE project SET issue_counter = ? WHERE id = ?"), [counter, project_id]
    )
    return issues


_EVENT_COLUMNS = (
    "project_id, issue_id, event_id, timestamp, received_at, level, platform, environment, "
    'release, "user", tags, payload'
)
_EVENT_ROW = "(" + ", ".join(["?"] * 12) + ")"


async def _insert_events(
    tx: BaseDBAsyncClient,
    dialect: Dialect,
    records: Sequence[EventRecord],
    issues: dict[tuple[int, str], _Issue],
) -> set[tuple[int, str]]:
    if not records:
        return set()
    # One event id may come twice in a batch (an SDK retry racing itself): first one wins.
    unique: dict[tuple[int, str], EventRecord] = {}
    for record in records:
        unique.setdefault((record.project_id, record.event_id), record)
    params: list[Any] = []
    for record in unique.values():
        params += [
            record.project_id,
            issues[(record.project_id, record.fingerprint)].id,
            record.event_id,
            record.timestamp,
            record.received_at,
            record.level,
            record.platform[:32],
            record.environment,
            record.release,
            _json_or_none(record.user),
            _json(record.tags),
            record.payload_json,
        ]
    rows = await tx.execute_query_dict(
        dialect.sql(
            f"INSERT INTO event ({_EVENT_COLUMNS}) VALUES "
            + ", ".join([_EVENT_ROW] * len(unique))
            + " ON CONFLICT (project_id, event_id) DO NOTHING RETURNING project_id, event_id"
        ),
        params,
    )
    return {(int(r["project_id"]), str(r["event_id"])) for r in rows}


async def _count_events(
    tx: BaseDBAsyncClient,
    dialect: Dialect,
    records: Sequence[EventRecord],
    issues: dict[tuple[int, str], _Issue],
    inserted: set[tuple[int, str]],
) -> None:
    stored: dict[tuple[int, str], list[EventRecord]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for record in records:
        event_key = (record.project_id, record.event_id)
        if event_key in inserted and event_key not in seen:
            seen.add(event_key)
            stored[(record.project_id, record.fingerprint)].append(record)
    now = datetime.now(UTC)
    for key in sorted(stored):
        group = stored[key]
        issue = issues[key]
        first = min(r.timestamp for r in group)
        last = max(r.timestamp for r in group)
        new_state = state_after_event(issue.state)
        state = new_state or issue.state
        await tx.execute_query(
            dialect.sql(
                "UPDATE issue SET event_count = event_count + ?, state = ?, "
                "first_seen = CASE WHEN first_seen > ? THEN ? ELSE first_seen END, "
                "last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END WHERE id = ?"
            ),
            [len(group), state.value, first, first, last, last, issue.id],
        )
        if new_state is not None:
            await tx.execute_query(
                dialect.sql(
                    "INSERT INTO issue_history (issue_id, from_state, to_state, cause, at) "
                    "VALUES (?, ?, ?, ?, ?)"
                ),
                [issue.id, issue.state.value, new_state.value, Cause.REGRESSION.value, now],
            )
            issue.state = new_state


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _json_or_none(value: Any) -> str | None:
    return None if value is None else _json(value)
