"""The batch statements for SQLite, on Tortoise's single connection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.alerts.outbox import WAKE, Alerting, DeliveryRow, RuleSpec, SpikeProbe
from app.alerts.payload import IssueSnapshot
from app.ingest.records import EventRecord, Receipt
from app.ingest.store.batch import CountRow, IssueRef, IssueUpdate, store_batch
from app.ingest.tallies import Misses, Placing, TagRow, Tallies, hour_of
from app.issues.states import Transition
from app.notifications.broker import publish_local
from app.notifications.changes import IssueChange
from models import IssueState

_EVENT_ROW = "(" + ", ".join(["?"] * 14) + ")"

# Aggregates (see tallies): the rows go in as one JSON array, read back with json_each, so
# a statement's size never depends on the batch's (nor meets SQLite's parameter limit).
_TAG_ROWS = (
    "(SELECT json_extract(j.value, '$[0]') AS issue_id, json_extract(j.value, '$[1]') AS key, "
    "json_extract(j.value, '$[2]') AS value, json_extract(j.value, '$[3]') AS n, "
    "json_extract(j.value, '$[4]') AS first_seen, json_extract(j.value, '$[5]') AS last_seen "
    "FROM json_each(?) AS j) AS u"
)
_ADD_HOURS = (
    "INSERT INTO issue_hourly (issue_id, hour, count) "
    "SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), "
    "json_extract(j.value, '$[2]') FROM json_each(?) AS j WHERE true "
    "ON CONFLICT (issue_id, hour) DO UPDATE SET count = issue_hourly.count + excluded.count "
    "RETURNING issue_id, hour, count"
)
_ADD_TAG_COUNTS = (
    "UPDATE issue_tag SET count = issue_tag.count + u.n, "
    "first_seen = min(issue_tag.first_seen, u.first_seen), "
    "last_seen = max(issue_tag.last_seen, u.last_seen) "
    f"FROM {_TAG_ROWS} WHERE issue_tag.issue_id = u.issue_id AND issue_tag.key = u.key "
    "AND issue_tag.value = u.value RETURNING issue_tag.issue_id, issue_tag.key, issue_tag.value"
)
_INSERT_TAG_VALUES = (
    "INSERT INTO issue_tag (issue_id, key, value, count, first_seen, last_seen) "
    f"SELECT u.issue_id, u.key, u.value, u.n, u.first_seen, u.last_seen FROM {_TAG_ROWS} "
    "WHERE true ON CONFLICT (issue_id, key, value) DO UPDATE "
    "SET count = issue_tag.count + excluded.count, "
    "first_seen = min(issue_tag.first_seen, excluded.first_seen), "
    "last_seen = max(issue_tag.last_seen, excluded.last_seen)"
)
_ADD_TAG_KEYS = (
    "INSERT INTO issue_tag_key (issue_id, key, value_count, other_count) "
    "SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), "
    "json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]') FROM json_each(?) AS j "
    "WHERE true ON CONFLICT (issue_id, key) DO UPDATE SET "
    "value_count = issue_tag_key.value_count + excluded.value_count, "
    "other_count = issue_tag_key.other_count + excluded.other_count"
)


class SqliteStore:
    def __init__(self, alerting: Alerting | None = None) -> None:
        self._alerting = alerting

    async def store_batch(self, records: Sequence[EventRecord]) -> list[Receipt]:
        alerting = self._alerting
        rules = await alerting.rules_of(records) if alerting is not None else {}
        async with in_transaction() as client:
            tx = SqliteTransaction(client)
            receipts = await store_batch(
                tx,
                records,
                rules,
                alerting.base_url if alerting is not None else "",
                alerting.throttled if alerting is not None else None,
            )
        publish_local(tx.outbox)
        if tx.enqueued:
            WAKE.wake()
        return receipts

    async def add_counts(self, rows: Sequence[CountRow]) -> None:
        async with in_transaction() as client:
            await SqliteTransaction(client).add_counts(rows)

    async def close(self) -> None:
        """Tortoise owns the connection."""


class SqliteTransaction:
    def __init__(self, client: BaseDBAsyncClient) -> None:
        self._client = client
        self.outbox: list[IssueChange] = []  # published by the store after commit
        self.enqueued = 0  # alert deliveries written

    # --- alerts (app.alerts.outbox); one writer at a time, so a read decides for a write ---

    async def spike_counts(
        self, probes: Sequence[SpikeProbe]
    ) -> dict[tuple[int, int], tuple[int, datetime | None]]:
        counts = {}
        for p in probes:
            rows = await self._rows(
                "SELECT (SELECT last_at FROM alert_throttle WHERE rule_id = ? AND issue_id = ?) "
                "AS last_at, CASE WHEN EXISTS (SELECT 1 FROM alert_throttle WHERE rule_id = ? "
                "AND issue_id = ? AND last_at > ?) THEN 0 "
                "WHEN (SELECT coalesce(sum(count), 0) FROM issue_hourly "
                "WHERE issue_id = ? AND hour >= ?) <= ? THEN 0 ELSE (SELECT count(*) FROM "
                "(SELECT 1 FROM event WHERE issue_id = ? AND timestamp >= ? LIMIT ?)) END AS n",
                [
                    p.rule_id,
                    p.issue_id,
                    p.rule_id,
                    p.issue_id,
                    p.quiet_since,
                    p.issue_id,
                    hour_of(p.since),
                    p.threshold,
                    p.issue_id,
                    p.since,
                    p.threshold + 1,
                ],
            )
            last_at = rows[0]["last_at"]
            counts[(p.rule_id, p.issue_id)] = (
                int(rows[0]["n"]),
                None if last_at is None else _parse(last_at),
            )
        return counts

    async def claim_throttles(
        self, pairs: Sequence[tuple[RuleSpec, int]], now: datetime
    ) -> set[tuple[int, int]]:
        won = set()
        for rule, issue_id in sorted(set(pairs), key=lambda p: (p[0].id, p[1])):
            rows = await self._rows(
                "INSERT INTO alert_throttle (rule_id, issue_id, last_at) "
                "SELECT id, ?, ? FROM alert_rule WHERE id = ? AND enabled "
                "ON CONFLICT (rule_id, issue_id) DO UPDATE SET last_at = excluded.last_at "
                "WHERE alert_throttle.last_at <= ? RETURNING rule_id",
                [issue_id, now, rule.id, now - timedelta(minutes=rule.throttle_minutes)],
            )
            if rows:
                won.add((rule.id, issue_id))
        return won

    async def alert_issues(self, issue_ids: Sequence[int]) -> dict[int, IssueSnapshot]:
        rows = await self._rows(
            "SELECT i.id, i.project_id, p.name, p.slug, i.counter, i.title, i.culprit, i.level, "
            "i.state, i.event_count, i.first_seen, i.last_seen FROM issue AS i "
            "JOIN project AS p ON p.id = i.project_id "
            "WHERE i.id IN (SELECT value FROM json_each(?))",
            [_json(issue_ids)],
        )
        return {
            int(r["id"]): IssueSnapshot(
                int(r["id"]),
                int(r["project_id"]),
                str(r["name"]),
                str(r["slug"]),
                int(r["counter"]),
                str(r["title"]),
                str(r["culprit"]),
                str(r["level"]),
                str(r["state"]),
                int(r["event_count"]),
                _parse(r["first_seen"]),
                _parse(r["last_seen"]),
            )
            for r in rows
        }

    async def enqueue_deliveries(self, rows: Sequence[DeliveryRow], now: datetime) -> int:
        inserted = 0
        for d in rows:
            done = await self._rows(
                "INSERT INTO alert_delivery (project_id, rule_id, channel_id, issue_id, trigger, "
                "status, attempts, payload, created_at, next_attempt_at) "
                "SELECT ?, ?, id, ?, ?, 'pending', 0, ?, ?, ? FROM alert_channel WHERE id = ? "
                "RETURNING id",
                [
                    d.project_id,
                    d.rule_id,
                    d.issue_id,
                    str(d.trigger),
                    _json(d.payload),
                    now,
                    now,
                    d.channel_id,
                ],
            )
            inserted += len(done)
        self.enqueued += inserted
        return inserted

    async def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return await self._client.execute_query_dict(sql, params)

    async def count_rate_window(self, project_id: int, minute: int, events: int) -> int:
        rows = await self._rows(
            "INSERT INTO rate_window (project_id, minute, count) VALUES (?, ?, ?) "
            "ON CONFLICT (project_id, minute) DO UPDATE "
            "SET count = rate_window.count + excluded.count RETURNING count",
            [project_id, minute, events],
        )
        return int(rows[0]["count"])

    async def prune_rate_windows(self, project_id: int, before_minute: int) -> None:
        await self._client.execute_query(
            "DELETE FROM rate_window WHERE project_id = ? AND minute < ?",
            [project_id, before_minute],
        )

    async def issues(
        self, project_id: int, fingerprints: Sequence[str], *, lock: bool
    ) -> dict[str, IssueRef]:
        # One connection, one transaction at a time: SQLite needs no row locks.
        marks = ", ".join(["?"] * len(fingerprints))
        rows = await self._rows(
            f"SELECT id, state, fingerprint, resolved_in_version FROM issue WHERE project_id = ? "
            f"AND fingerprint IN ({marks})",
            [project_id, *fingerprints],
        )
        return {
            str(r["fingerprint"]): IssueRef(
                int(r["id"]), IssueState(r["state"]), resolved_in_version=r["resolved_in_version"]
            )
            for r in rows
        }

    async def live_projects(self, project_ids: Sequence[int]) -> set[int]:
        # One writer at a time (IMMEDIATE transactions): a deletion commits before or after.
        marks = ", ".join(["?"] * len(project_ids))
        rows = await self._rows(
            f"SELECT id FROM project WHERE id IN ({marks}) AND deleted_at IS NULL",
            list(project_ids),
        )
        return {int(r["id"]) for r in rows}

    async def lock_issue_counter(self, project_id: int) -> int | None:
        rows = await self._rows("SELECT issue_counter FROM project WHERE id = ?", [project_id])
        return int(rows[0]["issue_counter"]) if rows else None

    async def open_issue(self, record: EventRecord, counter: int) -> int:
        rows = await self._rows(
            "INSERT INTO issue (project_id, fingerprint, grouping_version, grouping, counter, "
            "state, level, type, message, title, culprit, platform, event_count, first_seen, "
            "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
            [*record.issue_columns(counter)],
        )
        return int(rows[0]["id"])

    async def set_issue_counter(self, project_id: int, counter: int) -> None:
        await self._client.execute_query(
            "UPDATE project SET issue_counter = ? WHERE id = ?", [counter, project_id]
        )

    async def insert_events(
        self, records: Sequence[EventRecord], issue_ids: Sequence[int]
    ) -> set[tuple[int, str]]:
        if not records:
            return set()
        params: list[Any] = []
        for record, issue_id in zip(records, issue_ids, strict=True):
            params += record.event_columns(issue_id)
        rows = await self._rows(
            "INSERT INTO event (project_id, issue_id, event_id, timestamp, received_at, level, "
            'platform, environment, release, "user", tags, payload, message, message_stored) '
            "VALUES "
            + ", ".join([_EVENT_ROW] * len(records))
            + " ON CONFLICT (event_id, project_id) DO NOTHING RETURNING project_id, event_id",
            params,
        )
        return {(int(r["project_id"]), str(r["event_id"])) for r in rows}

    async def update_issues(self, updates: Sequence[IssueUpdate]) -> None:
        for u in updates:
            await self._client.execute_query(
                "UPDATE issue SET event_count = event_count + ?, state = ?, "
                # The new state (the right-hand side reads the row as it was).
                "resolved_in_version = CASE WHEN ? = 'resolved' THEN resolved_in_version END, "
                "first_seen = CASE WHEN first_seen > ? THEN ? ELSE first_seen END, "
                "last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END, "
                "tags_exact = tags_exact AND ? WHERE id = ?",
                [
                    u.new_events,
                    u.state.value,
                    u.state.value,
                    u.first_seen,
                    u.first_seen,
                    u.last_seen,
                    u.last_seen,
                    u.tags_exact,
                    u.id,
                ],
            )

    async def add_history(self, rows: Sequence[Transition]) -> None:
        for row in rows:
            await self._client.execute_query(
                "INSERT INTO issue_history (issue_id, from_state, to_state, cause, at) "
                "VALUES (?, ?, ?, ?, ?)",
                [row.issue_id, row.from_state.value, row.to_state.value, row.cause.value, row.at],
            )

    async def notify(self, changes: Sequence[IssueChange]) -> None:
        self.outbox.extend(changes)

    async def add_counts(self, rows: Sequence[CountRow]) -> None:
        for project_id, outcome, count in rows:
            await self._client.execute_query(
                "INSERT INTO ingest_count (project_id, outcome, count) "
                "SELECT ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM project WHERE id = ? AND deleted_at IS NULL) "
                "ON CONFLICT (project_id, outcome) DO UPDATE "
                "SET count = ingest_count.count + excluded.count",
                [project_id, outcome.value, count, project_id],
            )

    # --- aggregates (tallies) ---------------------------------------------------------------

    async def add_aggregates(self, tallies: Tallies) -> Misses:
        added = {(issue, hour): n for issue, hour, n in tallies.hours}
        hours = await self._rows(_ADD_HOURS, [_json(tallies.hours)])
        # A row that holds just what was added is new.
        started = {
            int(r["issue_id"])
            for r in hours
            if r["count"] == added[(int(r["issue_id"]), int(r["hour"]))]
        }
        counted = await self._rows(_ADD_TAG_COUNTS, [_tag_json(tallies.tags)])
        missed = {(r.issue_id, r.key, r.value) for r in tallies.tags}
        missed -= {(int(r["issue_id"]), str(r["key"]), str(r["value"])) for r in counted}
        keys = {}
        if missed:
            rows = await self._rows(
                "SELECT issue_id, key, value_count FROM issue_tag_key "
                "WHERE issue_id IN (SELECT value FROM json_each(?))",
                [_json(sorted({issue for issue, _, _ in missed}))],
            )
            keys = {(int(r["issue_id"]), str(r["key"])): int(r["value_count"]) for r in rows}
        return Misses(started=started, tags=missed, keys=keys)

    async def place_aggregates(self, placing: Placing) -> None:
        if placing.prune:
            await self._client.execute_query(
                "DELETE FROM issue_hourly WHERE issue_id IN (SELECT value FROM json_each(?)) "
                "AND hour < ?",
                [_json(placing.prune), placing.before_hour],
            )
        if placing.values:
            await self._client.execute_query(_INSERT_TAG_VALUES, [_tag_json(placing.values)])
        if placing.keys:
            rows = [(r.issue_id, r.key, r.new_values, r.other) for r in placing.keys]
            await self._client.execute_query(_ADD_TAG_KEYS, [_json(rows)])
        if placing.partial:
            await self._client.execute_query(
                "UPDATE issue SET tags_exact = 0 WHERE id IN (SELECT value FROM json_each(?))",
                [_json(placing.partial)],
            )


def _json(rows: Sequence[Any] | dict[str, Any]) -> str:
    return orjson.dumps(rows).decode()


def _tag_json(rows: Sequence[TagRow]) -> str:
    return _json(
        [
            (r.issue_id, r.key, r.value, r.count, _time(r.first_seen), _time(r.last_seen))
            for r in rows
        ]
    )


def _parse(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _time(moment: datetime) -> str:
    # The text Tortoise's sqlite3 adapter writes for a datetime, so stored values compare alike.
    return moment.isoformat(" ")
