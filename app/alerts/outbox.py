"""Alerts enqueued in the transaction of the batch that caused them (the outbox).

Ingestion calls `enqueue_alerts` inside its batch transaction, after the issues are counted,
with the enabled rules of the batch's projects (`RuleCache`: one query per project per
RULES_TTL_S, forgotten at once by `forget_rules` when a rule or channel changes in this
process). A project without rules costs a dictionary lookup per batch. For the others:
  - candidates: every issue the batch opened (new_issue rules), every regression it recorded
    (regression rules), and for spike rules every issue with new events since now - window
    that has more than `threshold` events since then: one statement for the batch, which for
    each (rule, issue) skips an issue the rule notified about within its throttle window, then
    one whose hourly counts since then (an upper bound) do not exceed the threshold, and counts
    the others' events, at most threshold + 1, through the (issue, timestamp) index (a pair
    this process knows to be throttled is not probed until its throttle window ends:
    ThrottleMemo);
  - throttle: one conditional upsert of alert_throttle for all candidates, which sets
    `last_at` only where the last notification is older than the rule's window and returns
    the winners — concurrent batches and processes agree, as the row is the arbiter;
  - the winners' issues are read once (their counts as of this batch) and one delivery row per
    channel is inserted with the payload snapshot (app.alerts.payload).
All of it commits, or rolls back, with the events. `WAKE` tells this process's delivery loop
after the commit.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from app.alerts.payload import EventSummary, IssueSnapshot, build_payload
from app.ingest.cache import MAX_ENTRIES, LookupCache
from app.ingest.records import EventRecord
from app.notifications.changes import ChangeKind, IssueChange
from models import AlertRule
from models.alert_rule import AlertTrigger

RULES_TTL_S = 5.0


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: int
    project_id: int
    trigger: AlertTrigger
    channel_ids: tuple[int, ...]
    throttle_minutes: int
    threshold: int | None = None
    window_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class ProjectRules:
    rules: tuple[RuleSpec, ...]

    def of(self, trigger: AlertTrigger) -> list[RuleSpec]:
        return [r for r in self.rules if r.trigger is trigger]


@dataclass(frozen=True, slots=True)
class SpikeProbe:
    rule_id: int
    issue_id: int
    since: datetime  # now - the rule's window
    threshold: int
    quiet_since: datetime  # now - the rule's throttle window


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    project_id: int
    rule_id: int
    channel_id: int
    issue_id: int
    trigger: str
    payload: dict[str, Any]


class AlertStatements(Protocol):
    """The statements of alerting, in one dialect, inside the batch's transaction."""

    async def spike_counts(
        self, probes: Sequence[SpikeProbe]
    ) -> dict[tuple[int, int], tuple[int, datetime | None]]:
        """(rule id, issue id) → (events of the issue since the probe's `since`, counted up to
        threshold + 1, and when the rule last notified about the issue); the count is 0 when
        that was after `quiet_since`, or when the issue's hourly counts since `since` add up
        to the threshold or less."""
        ...

    async def claim_throttles(
        self, pairs: Sequence[tuple[RuleSpec, int]], now: datetime
    ) -> set[tuple[int, int]]:
        """(rule id, issue id) of the pairs not notified within their rule's window (of the
        enabled rules that still exist), now marked as notified at `now`."""
        ...

    async def alert_issues(self, issue_ids: Sequence[int]) -> dict[int, IssueSnapshot]: ...

    async def enqueue_deliveries(self, rows: Sequence[DeliveryRow], now: datetime) -> int:
        """Insert the rows whose channel still exists; how many were inserted."""
        ...


class RuleCache(LookupCache[int, ProjectRules]):
    """The enabled rules (with at least one channel) of a project, cached briefly."""

    def __init__(
        self,
        ttl_s: float = RULES_TTL_S,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(_load_rules, ttl_s, max_entries=max_entries, clock=clock)
        _CACHES.add(self)

    async def of_projects(self, project_ids: Iterable[int]) -> dict[int, ProjectRules]:
        found: dict[int, ProjectRules] = {}
        for project_id in sorted(set(project_ids)):
            rules = await self.get(project_id)
            if rules is not None:
                found[project_id] = rules
        return found


_CACHES: weakref.WeakSet[RuleCache] = weakref.WeakSet()


def forget_rules(project_id: int) -> None:
    """A project's rules or channels changed: the next batch of this process reads them anew.
    (Other processes see the change within RULES_TTL_S.)"""
    for cache in list(_CACHES):
        cache.forget((project_id,))
    for memo in list(_MEMOS):
        memo.clear()


async def _load_rules(project_id: int) -> ProjectRules | None:
    rules = await AlertRule.filter(project_id=project_id, enabled=True).prefetch_related("channels")
    specs = tuple(
        RuleSpec(
            id=rule.id,
            project_id=project_id,
            trigger=AlertTrigger(rule.trigger),
            channel_ids=tuple(sorted(c.id for c in rule.channels)),
            throttle_minutes=rule.throttle_minutes,
            threshold=rule.threshold,
            window_minutes=rule.window_minutes,
        )
        for rule in sorted(rules, key=lambda r: r.id)
        if rule.channels
    )
    return ProjectRules(specs) if specs else None  # None: remembered as "no rules" too


MemoKey = tuple[int, int, int]  # rule id, its throttle minutes, issue id


def memo_key(rule: RuleSpec, issue_id: int) -> MemoKey:
    return (rule.id, rule.throttle_minutes, issue_id)


class ThrottleMemo:
    """(rule, issue) pairs this process knows to be throttled, and until when (the end of the
    throttle window the database holds): a spike that goes on costs no statement until then.
    The key holds the rule's throttle window, so a changed window misses as soon as the rule
    is read anew (within RULES_TTL_S); the throttle row only ever moves later, and goes only
    with its rule or issue."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._until: dict[MemoKey, datetime] = {}
        self._max_entries = max_entries
        _MEMOS.add(self)

    def throttled(self, key: MemoKey, now: datetime) -> bool:
        until = self._until.get(key)
        return until is not None and until > now

    def remember(self, key: MemoKey, until: datetime, now: datetime) -> None:
        if len(self._until) >= self._max_entries:
            self._until = {k: u for k, u in self._until.items() if u > now}
            if len(self._until) >= self._max_entries:
                self._until.clear()
        self._until[key] = until

    def clear(self) -> None:
        self._until.clear()


_MEMOS: weakref.WeakSet[ThrottleMemo] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class Alerting:
    """What a batch store needs to alert: the rules, and the base of the issue urls."""

    rules: RuleCache
    base_url: str
    throttled: ThrottleMemo = field(default_factory=ThrottleMemo)

    async def rules_of(self, records: Sequence[EventRecord]) -> dict[int, ProjectRules]:
        return await self.rules.of_projects({r.project_id for r in records})


@dataclass(slots=True)
class Waker:
    """Delivery loops of this process, woken when a batch commits new deliveries."""

    _events: set[asyncio.Event] = field(default_factory=set)

    def register(self, event: asyncio.Event) -> None:
        self._events.add(event)

    def unregister(self, event: asyncio.Event) -> None:
        self._events.discard(event)

    def wake(self) -> None:
        for event in self._events:
            event.set()


WAKE = Waker()


@dataclass(frozen=True, slots=True)
class _Candidate:
    rule: RuleSpec
    issue_id: int
    extra: tuple[tuple[str, int], ...] = ()


async def enqueue_alerts(
    tx: AlertStatements,
    rules: Mapping[int, ProjectRules],
    changes: Sequence[IssueChange],
    stored: Mapping[int, Sequence[EventRecord]],
    base_url: str,
    throttled: ThrottleMemo | None = None,
    now: datetime | None = None,
) -> int:
    """Deliveries for what the batch did (`changes`, `stored`: issue id → its stored events);
    how many rows were enqueued. `throttled` spares probing spikes known to be throttled."""
    if not rules:
        return 0
    now = now or datetime.now(UTC)
    candidates: list[_Candidate] = []
    for change in changes:
        project = rules.get(change.project_id)
        if project is None:
            continue
        if change.kind is ChangeKind.CREATED:
            candidates += [
                _Candidate(r, change.issue_id) for r in project.of(AlertTrigger.NEW_ISSUE)
            ]
        elif change.kind is ChangeKind.REGRESSED:
            candidates += [
                _Candidate(r, change.issue_id) for r in project.of(AlertTrigger.REGRESSION)
            ]
    memo = throttled if throttled is not None else ThrottleMemo(max_entries=0)
    candidates += await _spikes(tx, rules, stored, now, memo)
    if not candidates:
        return 0
    won = await tx.claim_throttles([(c.rule, c.issue_id) for c in candidates], now)
    winners = [c for c in candidates if (c.rule.id, c.issue_id) in won]
    for c in winners:
        memo.remember(
            memo_key(c.rule, c.issue_id), now + timedelta(minutes=c.rule.throttle_minutes), now
        )
    if not winners:
        return 0
    issues = await tx.alert_issues(sorted({c.issue_id for c in winners}))
    rows: list[DeliveryRow] = []
    for c in winners:
        issue = issues.get(c.issue_id)
        if issue is None:
            continue
        events = stored.get(c.issue_id)
        payload = build_payload(
            rule_id=c.rule.id,
            trigger=c.rule.trigger.value,
            issue=issue,
            event=_summary(max(events, key=lambda r: r.timestamp)) if events else None,
            base_url=base_url,
            **dict(c.extra),
        )
        rows += [
            DeliveryRow(issue.project_id, c.rule.id, channel, issue.id, c.rule.trigger, payload)
            for channel in c.rule.channel_ids
        ]
    return await tx.enqueue_deliveries(rows, now) if rows else 0


async def _spikes(
    tx: AlertStatements,
    rules: Mapping[int, ProjectRules],
    stored: Mapping[int, Sequence[EventRecord]],
    now: datetime,
    memo: ThrottleMemo,
) -> list[_Candidate]:
    """Spike rules over the issues with new events within the rule's window, not known to be
    throttled: one statement for all of them. (A batch whose events of an issue are all older
    than the window adds nothing to its count there, so it cannot be what makes it spike.)"""
    probes: dict[tuple[int, int], tuple[RuleSpec, SpikeProbe]] = {}
    for issue_id, events in sorted(stored.items()):
        project = rules.get(events[0].project_id) if events else None
        spike_rules = project.of(AlertTrigger.SPIKE) if project is not None else []
        newest = max((r.timestamp for r in events), default=None) if spike_rules else None
        for rule in spike_rules:
            if rule.threshold is None or not rule.window_minutes or newest is None:
                continue
            since = now - timedelta(minutes=rule.window_minutes)
            if newest < since or memo.throttled(memo_key(rule, issue_id), now):
                continue
            probes[(rule.id, issue_id)] = (
                rule,
                SpikeProbe(
                    rule_id=rule.id,
                    issue_id=issue_id,
                    since=since,
                    threshold=rule.threshold,
                    quiet_since=now - timedelta(minutes=rule.throttle_minutes),
                ),
            )
    if not probes:
        return []
    counts = await tx.spike_counts([probe for _, probe in probes.values()])
    found: list[_Candidate] = []
    for key, (rule, probe) in probes.items():
        count, last_at = counts.get(key, (0, None))
        if last_at is not None and last_at > probe.quiet_since:
            until = last_at + timedelta(minutes=rule.throttle_minutes)
            memo.remember(memo_key(rule, probe.issue_id), until, now)
        if count > probe.threshold:
            extra = (
                ("count", count),
                ("threshold", probe.threshold),
                ("window_minutes", rule.window_minutes or 0),
            )
            found.append(_Candidate(rule, probe.issue_id, extra))
    return found


def _summary(record: EventRecord) -> EventSummary:
    return EventSummary(
        id=record.event_id,
        timestamp=record.timestamp,
        level=record.level,
        platform=record.platform,
        environment=record.environment,
        release=record.release,
        message=record.message or record.title,
    )
