"""The batch statements for PostgreSQL, on a connection of the writer's own.

A dedicated asyncpg connection (not Tortoise's pool) keeps prepared statements alive and
skips the pool's reset on every release; every statement has a fixed shape (arrays and
`unnest` rather than a VALUES row per event), so each is prepared once per connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import asyncpg
import orjson

from app.alerts.outbox import WAKE, Alerting, DeliveryRow, RuleSpec, SpikeProbe
from app.alerts.payload import IssueSnapshot
from app.database import CONNECT_TIMEOUT_S, Limits, asyncpg_dsn, is_unavailable
from app.ingest.records import EventRecord, Receipt
from app.ingest.store.batch import CountRow, IssueRef, IssueUpdate, store_batch
from app.ingest.tallies import Misses, Placing, TagRow, Tallies, hour_of
from app.issues.states import Transition
from app.notifications.changes import CHANNEL, IssueChange, encode
from app.notifications.publish import PG_NOTIFY
from models import IssueState

T = TypeVar("T")

_SELECT_ISSUES = (
    "SELECT id, state, fingerprint, resolved_in_version FROM issue WHERE project_id = $1 "
    "AND fingerprint = ANY($2::text[]) ORDER BY fingerprint"
)
_INSERT_EVENTS = (
    "INSERT INTO event (project_id, issue_id, event_id, timestamp, received_at, level, "
    'platform, environment, release, "user", tags, payload, message, message_stored) '
    "SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::timestamptz[], "
    "$5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[], "
    "$11::jsonb[], $12::text[], $13::text[], $14::bool[]) "
    "ON CONFLICT (event_id, project_id) DO NOTHING RETURNING project_id, event_id"
)
_UPDATE_ISSUES = (
    "UPDATE issue SET event_count = issue.event_count + u.n, state = u.state, "
    "resolved_in_version = CASE WHEN u.state = 'resolved' THEN issue.resolved_in_version END, "
    "first_seen = LEAST(issue.first_seen, u.first_seen), "
    "last_seen = GREATEST(issue.last_seen, u.last_seen), "
    "tags_exact = issue.tags_exact AND u.exact "
    "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::timestamptz[], "
    "$6::bool[]) AS u(id, n, state, first_seen, last_seen, exact) WHERE issue.id = u.id"
)

_ADD_COUNTS = (
    "INSERT INTO ingest_count (project_id, outcome, count) "
    "SELECT u.project_id, u.outcome, u.n FROM unnest($1::int[], $2::text[], $3::bigint[]) "
    "AS u(project_id, outcome, n) JOIN project ON project.id = u.project_id "
    "AND project.deleted_at IS NULL "
    "ORDER BY u.project_id, u.outcome "
    "ON CONFLICT (project_id, outcome) DO UPDATE SET count = ingest_count.count + excluded.count"
)

# Aggregates (see tallies), in at most two statements a batch, rows sorted by their unique key.
# Rows go in as one JSON text each (arrays would cost asyncpg a type check per element). The
# first statement adds to the hours and to the tag values that have a row, and names what
# missed: an issue's new hour, tag values without a row, and the keys of their issues.
_HOURS = "json_to_recordset($1::json) AS {}(i bigint, h bigint, n bigint)"
_TAGS = (
    "json_to_recordset({}::json) "
    "AS u(i bigint, k text, v text, n bigint, f timestamptz, l timestamptz)"
)
_ADD_AGGREGATES = (
    "WITH hours AS (INSERT INTO issue_hourly (issue_id, hour, count) "
    f"SELECT * FROM {_HOURS.format('r')} ORDER BY r.i, r.h "
    "ON CONFLICT (issue_id, hour) DO UPDATE SET count = issue_hourly.count + excluded.count "
    "RETURNING issue_id, hour, count), "
    "counted AS (UPDATE issue_tag SET count = issue_tag.count + u.n, "
    "first_seen = LEAST(issue_tag.first_seen, u.f), last_seen = GREATEST(issue_tag.last_seen, u.l) "
    f"FROM {_TAGS.format('$2')} "
    "WHERE issue_tag.issue_id = u.i AND issue_tag.key = u.k AND issue_tag.value = u.v "
    "RETURNING issue_tag.issue_id, issue_tag.key, issue_tag.value), "
    "missed AS (SELECT u.i, u.k, u.v "
    f"FROM {_TAGS.format('$2')} WHERE NOT EXISTS (SELECT 1 FROM counted AS c "
    "WHERE c.issue_id = u.i AND c.key = u.k AND c.value = u.v)) "
    # A row that holds just what was added is new.
    "SELECT 'hour' AS kind, hours.issue_id, NULL::text AS key, NULL::text AS value, "
    f"0::bigint AS n FROM hours JOIN {_HOURS.format('r')} "
    "ON r.i = hours.issue_id AND r.h = hours.hour WHERE hours.count = r.n "
    "UNION ALL SELECT 'tag', i, k, v, 0 FROM missed "
    "UNION ALL SELECT 'key', t.issue_id, t.key, NULL, t.value_count FROM issue_tag_key AS t "
    "WHERE t.issue_id IN (SELECT i FROM missed)"
)
_PLACE_AGGREGATES = (
    "WITH pruned AS (DELETE FROM issue_hourly "
    "WHERE issue_id = ANY($1::bigint[]) AND hour < $2), "
    "partial AS (UPDATE issue SET tags_exact = false "
    "WHERE id = ANY($5::bigint[]) AND tags_exact), "
    "tag_values AS (INSERT INTO issue_tag (issue_id, key, value, count, first_seen, last_seen) "
    f"SELECT * FROM {_TAGS.format('$3')} ORDER BY u.i, u.k, u.v "
    "ON CONFLICT (issue_id, key, value) DO UPDATE SET count = issue_tag.count + excluded.count, "
    "first_seen = LEAST(issue_tag.first_seen, excluded.first_seen), "
    "last_seen = GREATEST(issue_tag.last_seen, excluded.last_seen)) "
    "INSERT INTO issue_tag_key (issue_id, key, value_count, other_count) "
    "SELECT * FROM json_to_recordset($4::json) AS k(i bigint, k text, n int, o bigint) "
    "ORDER BY k.i, k.k "
    "ON CONFLICT (issue_id, key) DO UPDATE SET "
    "value_count = issue_tag_key.value_count + excluded.value_count, "
    "other_count = issue_tag_key.other_count + excluded.other_count"
)

# Alerts (app.alerts.outbox): only for projects with rules, and only what fires.
# A spike probe of (rule, issue) counts only when the rule has not notified about the issue
# within its window and the issue's hourly counts (an upper bound) exceed the threshold; then
# at most threshold + 1 events, through the (issue, timestamp) index.
_SPIKE_COUNTS = (
    "SELECT u.r, u.i, (SELECT t.last_at FROM alert_throttle AS t "
    "WHERE t.rule_id = u.r AND t.issue_id = u.i) AS last_at, "
    "CASE WHEN EXISTS (SELECT 1 FROM alert_throttle AS t "
    "WHERE t.rule_id = u.r AND t.issue_id = u.i AND t.last_at > u.q) THEN 0 "
    "WHEN (SELECT coalesce(sum(h.count), 0) FROM issue_hourly AS h "
    "WHERE h.issue_id = u.i AND h.hour >= u.h) <= u.n THEN 0 "
    "ELSE (SELECT count(*) FROM (SELECT 1 FROM event AS e WHERE e.issue_id = u.i "
    "AND e.timestamp >= u.s LIMIT u.n + 1) AS c) END AS n "
    "FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[], $5::int[], "
    "$6::timestamptz[]) AS u(r, i, s, h, n, q)"
)
# The row is the arbiter: it moves only when the last notification is older than the rule's
# window (read from the rule itself), and the pairs it moved are the ones to notify.
_CLAIM_THROTTLES = (
    "INSERT INTO alert_throttle (rule_id, issue_id, last_at) "
    "SELECT u.r, u.i, $3 FROM unnest($1::bigint[], $2::bigint[]) AS u(r, i) "
    "JOIN alert_rule ON alert_rule.id = u.r AND alert_rule.enabled ORDER BY u.r, u.i "
    "ON CONFLICT (rule_id, issue_id) DO UPDATE SET last_at = excluded.last_at "
    "WHERE alert_throttle.last_at <= excluded.last_at - make_interval(mins => "
    "(SELECT r.throttle_minutes FROM alert_rule AS r WHERE r.id = excluded.rule_id)) "
    "RETURNING rule_id, issue_id"
)
_ALERT_ISSUES = (
    "SELECT i.id, i.project_id, p.name, p.slug, i.counter, i.title, i.culprit, i.level, "
    "i.state, i.event_count, i.first_seen, i.last_seen FROM issue AS i "
    "JOIN project AS p ON p.id = i.project_id WHERE i.id = ANY($1::bigint[])"
)
_ENQUEUE = (
    "INSERT INTO alert_delivery (project_id, rule_id, channel_id, issue_id, trigger, status, "
    "attempts, payload, created_at, next_attempt_at) "
    "SELECT u.p, u.r, u.c, u.i, u.t, 'pending', 0, u.b, $2, $2 "
    "FROM json_to_recordset($1::json) AS u(p int, r bigint, c bigint, i bigint, t text, b jsonb) "
    "JOIN alert_channel ON alert_channel.id = u.c RETURNING id"
)


class PostgresStore:
    def __init__(self, database_url: str, limits: Limits, alerting: Alerting | None = None) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._limits = limits
        self._alerting = alerting
        self._connection: asyncpg.Connection | None = None

    async def store_batch(self, records: Sequence[EventRecord]) -> list[Receipt]:
        if self._alerting is None:
            return await self._in_transaction(lambda tx: store_batch(tx, records))
        rules = await self._alerting.rules_of(records)
        base_url, throttled = self._alerting.base_url, self._alerting.throttled
        used: list[PostgresTransaction] = []

        def work(tx: PostgresTransaction) -> Awaitable[list[Receipt]]:
            used.append(tx)
            return store_batch(tx, records, rules, base_url, throttled)

        receipts = await self._in_transaction(work)
        if used and used[0].enqueued:
            WAKE.wake()
        return receipts

    async def add_counts(self, rows: Sequence[CountRow]) -> None:
        await self._in_transaction(lambda tx: tx.add_counts(rows))

    async def _in_transaction(self, work: Callable[[PostgresTransaction], Awaitable[T]]) -> T:
        connection = await self._connect()
        try:
            async with connection.transaction():
                return await work(PostgresTransaction(connection))
        except Exception as exc:
            if connection.is_closed() or is_unavailable(exc):
                # The session may be gone or mid-protocol: the next batch starts a new one.
                await self.close()
            raise

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            connection.terminate()

    async def _connect(self) -> asyncpg.Connection:
        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(
                self._dsn,
                timeout=CONNECT_TIMEOUT_S,
                server_settings=self._limits.postgres_settings(),
            )
        return self._connection


class PostgresTransaction:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.enqueued = 0  # alert deliveries written

    # --- alerts (app.alerts.outbox) ---------------------------------------------------------

    async def spike_counts(
        self, probes: Sequence[SpikeProbe]
    ) -> dict[tuple[int, int], tuple[int, datetime | None]]:
        rows = await self._connection.fetch(
            _SPIKE_COUNTS,
            [p.rule_id for p in probes],
            [p.issue_id for p in probes],
            [p.since for p in probes],
            [hour_of(p.since) for p in probes],
            [p.threshold for p in probes],
            [p.quiet_since for p in probes],
        )
        return {(r["r"], r["i"]): (r["n"], r["last_at"]) for r in rows}

    async def claim_throttles(
        self, pairs: Sequence[tuple[RuleSpec, int]], now: datetime
    ) -> set[tuple[int, int]]:
        unique = sorted({(rule.id, issue_id) for rule, issue_id in pairs})
        rows = await self._connection.fetch(
            _CLAIM_THROTTLES, [r for r, _ in unique], [i for _, i in unique], now
        )
        return {(r["rule_id"], r["issue_id"]) for r in rows}

    async def alert_issues(self, issue_ids: Sequence[int]) -> dict[int, IssueSnapshot]:
        rows = await self._connection.fetch(_ALERT_ISSUES, list(issue_ids))
        return {r["id"]: IssueSnapshot(*r.values()) for r in rows}

    async def enqueue_deliveries(self, rows: Sequence[DeliveryRow], now: datetime) -> int:
        values = [
            {
                "p": d.project_id,
                "r": d.rule_id,
                "c": d.channel_id,
                "i": d.issue_id,
                "t": d.trigger,
                "b": d.payload,
            }
            for d in rows
        ]
        inserted = await self._connection.fetch(_ENQUEUE, _json(values), now)
        self.enqueued += len(inserted)
        return len(inserted)

    async def live_projects(self, project_ids: Sequence[int]) -> set[int]:
        rows = await self._connection.fetch(
            "SELECT id FROM project WHERE id = ANY($1::int[]) AND deleted_at IS NULL "
            "ORDER BY id FOR KEY SHARE",
            list(project_ids),
        )
        return {r["id"] for r in rows}

    async def count_rate_window(self, project_id: int, minute: int, events: int) -> int:
        count: int = await self._connection.fetchval(
            "INSERT INTO rate_window (project_id, minute, count) VALUES ($1, $2, $3) "
            "ON CONFLICT (project_id, minute) DO UPDATE "
            "SET count = rate_window.count + excluded.count RETURNING count",
            project_id,
            minute,
            events,
        )
        return count

    async def prune_rate_windows(self, project_id: int, before_minute: int) -> None:
        await self._connection.execute(
            "DELETE FROM rate_window WHERE project_id = $1 AND minute < $2",
            project_id,
            before_minute,
        )

    async def issues(
        self, project_id: int, fingerprints: Sequence[str], *, lock: bool
    ) -> dict[str, IssueRef]:
        sql = _SELECT_ISSUES + (" FOR UPDATE" if lock else "")
        rows = await self._connection.fetch(sql, project_id, list(fingerprints))
        return {
            r["fingerprint"]: IssueRef(
                r["id"], IssueState(r["state"]), resolved_in_version=r["resolved_in_version"]
            )
            for r in rows
        }

    async def lock_issue_counter(self, project_id: int) -> int | None:
        counter: int | None = await self._connection.fetchval(
            "SELECT issue_counter FROM project WHERE id = $1 FOR NO KEY UPDATE", project_id
        )
        return counter

    async def open_issue(self, record: EventRecord, counter: int) -> int:
        issue_id: int = await self._connection.fetchval(
            "INSERT INTO issue (project_id, fingerprint, grouping_version, grouping, counter, "
            "state, level, type, message, title, culprit, platform, event_count, first_seen, "
            "last_seen) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, 0, "
            "$13, $14) RETURNING id",
            *record.issue_columns(counter),
        )
        return issue_id

    async def set_issue_counter(self, project_id: int, counter: int) -> None:
        await self._connection.execute(
            "UPDATE project SET issue_counter = $1 WHERE id = $2", counter, project_id
        )

    async def insert_events(
        self, records: Sequence[EventRecord], issue_ids: Sequence[int]
    ) -> set[tuple[int, str]]:
        if not records:
            return set()
        columns: list[list[Any]] = [[] for _ in range(14)]
        for record, issue_id in zip(records, issue_ids, strict=True):
            for column, value in zip(columns, record.event_columns(issue_id), strict=True):
                column.append(value)
        rows = await self._connection.fetch(_INSERT_EVENTS, *columns)
        return {(r["project_id"], r["event_id"]) for r in rows}

    async def update_issues(self, updates: Sequence[IssueUpdate]) -> None:
        if not updates:
            return
        await self._connection.execute(
            _UPDATE_ISSUES,
            [u.id for u in updates],
            [u.new_events for u in updates],
            [u.state.value for u in updates],
            [u.first_seen for u in updates],
            [u.last_seen for u in updates],
            [u.tags_exact for u in updates],
        )

    async def add_history(self, rows: Sequence[Transition]) -> None:
        await self._connection.executemany(
            "INSERT INTO issue_history (issue_id, from_state, to_state, cause, at) "
            "VALUES ($1, $2, $3, $4, $5)",
            [(r.issue_id, r.from_state.value, r.to_state.value, r.cause.value, r.at) for r in rows],
        )

    async def notify(self, changes: Sequence[IssueChange]) -> None:
        for payload in encode(changes):
            await self._connection.execute(PG_NOTIFY, CHANNEL, payload)

    async def add_counts(self, rows: Sequence[CountRow]) -> None:
        if not rows:
            return
        await self._connection.execute(
            _ADD_COUNTS,
            [r[0] for r in rows],
            [r[1].value for r in rows],
            [r[2] for r in rows],
        )

    # --- aggregates (tallies) ---------------------------------------------------------------

    async def add_aggregates(self, tallies: Tallies) -> Misses:
        hours = [{"i": i, "h": h, "n": n} for i, h, n in tallies.hours]
        rows = await self._connection.fetch(
            _ADD_AGGREGATES, _json(hours), _json(_tag_rows(tallies.tags))
        )
        misses = Misses(started=set(), tags=set(), keys={})
        for row in rows:
            if row["kind"] == "hour":
                misses.started.add(row["issue_id"])
            elif row["kind"] == "tag":
                misses.tags.add((row["issue_id"], row["key"], row["value"]))
            else:
                misses.keys[(row["issue_id"], row["key"])] = row["n"]
        return misses

    async def place_aggregates(self, placing: Placing) -> None:
        keys = [
            {"i": r.issue_id, "k": r.key, "n": r.new_values, "o": r.other} for r in placing.keys
        ]
        await self._connection.execute(
            _PLACE_AGGREGATES,
            placing.prune,
            placing.before_hour,
            _json(_tag_rows(placing.values)),
            _json(keys),
            placing.partial,
        )


def _tag_rows(rows: Sequence[TagRow]) -> list[dict[str, Any]]:
    return [
        {
            "i": r.issue_id,
            "k": r.key,
            "v": r.value,
            "n": r.count,
            "f": r.first_seen,
            "l": r.last_seen,
        }
        for r in rows
    ]


def _json(rows: list[dict[str, Any]]) -> str:
    return orjson.dumps(rows).decode()
