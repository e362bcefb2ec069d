"""Store a batch of accepted events in ONE transaction.

In a fixed order, so that concurrent writers take row locks alike and never deadlock:
  0. the batch's projects that are not deleted (PROJECT_GONE for the events of the others),
     their rows held FOR KEY SHARE until the commit: a project's deletion waits for the
     batches under way, and no batch after it stores an event of the project;
  1. rate windows of limited projects: one upsert per project and minute; events beyond the
     limit are refused (RATE_LIMITED) and not stored;
  2. per project (ascending): find the issues of the batch's fingerprints; open the missing
     ones under the project row's lock (FOR NO KEY UPDATE, which step 0's lock of another
     batch does not block), numbered with the project's next counters (no gaps,
     no duplicates), then lock the issue rows by fingerprint;
  3. every event in one INSERT … ON CONFLICT DO NOTHING: a repeated event id is acknowledged
     (DUPLICATE) but neither stored nor counted twice;
  4. per issue: event count, first/last seen, and a regression (resolved → open, unless
     every new event is of a version older than the one it was resolved in) with its history
     row; an issue that is no longer resolved forgets its resolved version; an issue with an
     event whose tag the counts leave out is no longer `tags_exact`;
  5. per issue: its hourly and tag counts (`tallies`), rows sorted by key; as the issue rows
     are locked since step 2, concurrent writers add to one issue's counts in turn (a value or
     key beyond its cap clears `tags_exact` in the statement that places the new values);
  6. per project (ascending): one upsert adding the stored events to its `accepted` count;
  7. one notification of what changed: CREATED for each issue opened, REGRESSED for each
     regression, COUNT for each other issue with new events (`Transaction.notify`: pg_notify
     inside the transaction, or in memory after the commit);
  8. alerts of the projects that have rules (app.alerts.outbox): throttles, then the outbox
     rows, so a notification exists exactly when what caused it was committed.

Refused requests are counted apart (`add_counts`, a transaction of its own), in rows of other
outcomes, so the two never wait for each other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from app.alerts.outbox import AlertStatements, ProjectRules, ThrottleMemo, enqueue_alerts
from app.errors import NotFound
from app.ingest.records import EventRecord, Outcome, Receipt
from app.ingest.tallies import (
    RETENTION_HOURS,
    Misses,
    Placing,
    Tallies,
    admit,
    hour_of,
    left_out,
    tally,
)
from app.issues.states import Transition, regression
from app.notifications.changes import ChangeKind, IssueChange
from models import IngestOutcome, IssueState

# (project id, outcome, how many to add), sorted, so concurrent transactions lock rows alike.
CountRow = tuple[int, IngestOutcome, int]


@dataclass(slots=True)
class IssueRef:
    id: int
    state: IssueState
    opened: bool = False  # by this batch
    resolved_in_version: str | None = None


@dataclass(frozen=True, slots=True)
class IssueUpdate:
    id: int
    new_events: int
    state: IssueState
    first_seen: datetime
    last_seen: datetime
    tags_exact: bool = True  # False: some tag of these events is not counted


class Transaction(AlertStatements, Protocol):
    """The statements of a batch, in one dialect, inside one open transaction."""

    async def live_projects(self, project_ids: Sequence[int]) -> set[int]:
        """Which of these (ascending) projects exist and are not deleted; their rows are
        held until the commit so that a deletion waits."""
        ...

    async def count_rate_window(self, project_id: int, minute: int, events: int) -> int: ...

    async def prune_rate_windows(self, project_id: int, before_minute: int) -> None: ...

    async def issues(
        self, project_id: int, fingerprints: Sequence[str], *, lock: bool
    ) -> dict[str, IssueRef]: ...

    async def lock_issue_counter(self, project_id: int) -> int | None: ...

    async def open_issue(self, record: EventRecord, counter: int) -> int: ...

    async def set_issue_counter(self, project_id: int, counter: int) -> None: ...

    async def insert_events(
        self, records: Sequence[EventRecord], issue_ids: Sequence[int]
    ) -> set[tuple[int, str]]: ...

    async def update_issues(self, updates: Sequence[IssueUpdate]) -> None: ...

    async def add_history(self, rows: Sequence[Transition]) -> None: ...

    async def notify(self, changes: Sequence[IssueChange]) -> None:
        """Publish `changes` if, and when, the transaction commits."""
        ...

    async def add_aggregates(self, tallies: Tallies) -> Misses:
        """Add to the hourly counts and to the tag values that have a row."""
        ...

    async def place_aggregates(self, placing: Placing) -> None:
        """Prune hours, insert new tag values, add to their keys."""
        ...

    async def add_counts(self, rows: Sequence[CountRow]) -> None:
        """Add to the ingest counts; rows of projects that no longer exist are skipped."""
        ...


class Store(Protocol):
    async def store_batch(self, records: Sequence[EventRecord]) -> list[Receipt]: ...

    async def add_counts(self, rows: Sequence[CountRow]) -> None:
        """`Transaction.add_counts` in a transaction of its own."""
        ...

    async def close(self) -> None: ...


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


async def store_batch(
    tx: Transaction,
    records: Sequence[EventRecord],
    rules: Mapping[int, ProjectRules] | None = None,
    base_url: str = "",
    throttled: ThrottleMemo | None = None,
) -> list[Receipt]:
    """One receipt per record, in order; `tx` is committed by the caller. `rules`: the alert
    rules of the batch's projects that have some."""
    live = await tx.live_projects(sorted({r.project_id for r in records}))
    outcomes = [
        Outcome.DUPLICATE if r.project_id in live else Outcome.PROJECT_GONE for r in records
    ]
    window_counts: list[int | None] = [None] * len(records)
    allowed = await _apply_rate_limits(tx, records, outcomes, window_counts)
    # One event id may come twice in a batch (an SDK retry racing itself): the first one wins.
    first: dict[tuple[int, str], int] = {}
    for i in allowed:
        first.setdefault((records[i].project_id, records[i].event_id), i)
    rows = [records[i] for i in first.values()]
    issues = await _issues_for(tx, rows)
    inserted = await tx.insert_events(
        rows, [issues[(r.project_id, r.fingerprint)].id for r in rows]
    )
    for key, i in first.items():
        if key in inserted:
            outcomes[i] = Outcome.STORED
    stored = [r for r in rows if (r.project_id, r.event_id) in inserted]
    tallies = tally(stored, [issues[(r.project_id, r.fingerprint)].id for r in stored])
    changes = await _count_events(tx, stored, issues, tallies.partial)
    await _count_aggregates(tx, stored, tallies)
    if stored:
        per_project = Counter(r.project_id for r in stored)
        await tx.add_counts(
            [(p, IngestOutcome.ACCEPTED, n) for p, n in sorted(per_project.items())]
        )
    if changes:
        await tx.notify(changes)
    if rules:
        by_issue: dict[int, list[EventRecord]] = defaultdict(list)
        for r in stored:
            if r.project_id in rules:
                by_issue[issues[(r.project_id, r.fingerprint)].id].append(r)
        await enqueue_alerts(tx, rules, changes, by_issue, base_url, throttled)
    return [Receipt(o, n) for o, n in zip(outcomes, window_counts, strict=True)]


async def _apply_rate_limits(
    tx: Transaction,
    records: Sequence[EventRecord],
    outcomes: list[Outcome],
    window_counts: list[int | None],
) -> list[int]:
    """Indexes of the records within their project's limit; the others become RATE_LIMITED.
    Each limited record's window count is where it stands in its project's minute."""
    limited: dict[tuple[int, int], list[int]] = defaultdict(list)
    allowed: list[int] = []
    for i, record in enumerate(records):
        if outcomes[i] is Outcome.PROJECT_GONE:
            continue
        if record.rate_limit_per_minute is None:
            allowed.append(i)
        else:
            limited[(record.project_id, minute_of(record.received_at))].append(i)
    for (project_id, minute), indexes in sorted(limited.items()):
        limit = records[indexes[0]].rate_limit_per_minute or 0
        total = await tx.count_rate_window(project_id, minute, len(indexes))
        if total == len(indexes):  # the first events of a new minute: forget older minutes
            await tx.prune_rate_windows(project_id, minute)
        room = max(0, limit - (total - len(indexes)))
        for position, i in enumerate(indexes, start=total - len(indexes) + 1):
            window_counts[i] = position
        allowed.extend(indexes[:room])
        for i in indexes[room:]:
            outcomes[i] = Outcome.RATE_LIMITED
    allowed.sort()
    return allowed


async def _issues_for(
    tx: Transaction, records: Sequence[EventRecord]
) -> dict[tuple[int, str], IssueRef]:
    firsts: dict[tuple[int, str], EventRecord] = {}
    for record in records:
        firsts.setdefault((record.project_id, record.fingerprint), record)
    by_project: dict[int, list[str]] = defaultdict(list)
    for project_id, fingerprint in sorted(firsts):
        by_project[project_id].append(fingerprint)
    issues: dict[tuple[int, str], IssueRef] = {}
    for project_id, fingerprints in by_project.items():
        found = await tx.issues(project_id, fingerprints, lock=False)
        if len(found) == len(fingerprints):
            found = await tx.issues(project_id, fingerprints, lock=True)
        # Missing, or deleted (by a person or by retention) while we waited for the lock.
        if len(found) < len(fingerprints):
            found = await _open_missing(tx, project_id, fingerprints, firsts)
        for fingerprint, issue in found.items():
            issues[(project_id, fingerprint)] = issue
    return issues


async def _open_missing(
    tx: Transaction,
    project_id: int,
    fingerprints: Sequence[str],
    firsts: dict[tuple[int, str], EventRecord],
) -> dict[str, IssueRef]:
    counter = await tx.lock_issue_counter(project_id)
    if counter is None:
        raise NotFound(f"project {project_id} does not exist")
    # Another writer may have opened some of them while we waited for the lock.
    issues = await tx.issues(project_id, fingerprints, lock=True)
    for fingerprint in fingerprints:
        if fingerprint not in issues:
            counter += 1
            issue_id = await tx.open_issue(firsts[(project_id, fingerprint)], counter)
            issues[fingerprint] = IssueRef(issue_id, IssueState.OPEN, opened=True)
    await tx.set_issue_counter(project_id, counter)
    return issues


async def _count_events(
    tx: Transaction,
    stored: Sequence[EventRecord],
    issues: dict[tuple[int, str], IssueRef],
    partial: set[int],
) -> list[IssueChange]:
    """Counts, seen times and regressions of the issues; the changes to publish. `partial`:
    the issues of events with a tag their counts leave out."""
    groups: dict[tuple[int, str], list[EventRecord]] = defaultdict(list)
    for record in stored:
        groups[(record.project_id, record.fingerprint)].append(record)
    updates: list[IssueUpdate] = []
    history: list[Transition] = []
    counted: list[IssueChange] = []
    now = datetime.now(UTC)
    for key in sorted(groups):
        group, issue = groups[key], issues[key]
        releases = {r.release for r in group}
        change = regression(issue.id, key[0], issue.state, now, issue.resolved_in_version, releases)
        if change is not None:
            history.append(change)
            issue.state = change.to_state
        elif not issue.opened:
            counted.append(IssueChange(ChangeKind.COUNT, issue.id, key[0]))
        updates.append(
            IssueUpdate(
                id=issue.id,
                new_events=len(group),
                state=issue.state,
                first_seen=min(r.timestamp for r in group),
                last_seen=max(r.timestamp for r in group),
                tags_exact=issue.id not in partial,
            )
        )
    await tx.update_issues(updates)
    if history:
        await tx.add_history(history)
    # Every issue opened, even one whose events all turned out duplicates: it exists now.
    opened = [
        IssueChange(ChangeKind.CREATED, issue_id, project_id, IssueState.OPEN)
        for project_id, issue_id in sorted((p, i.id) for (p, _), i in issues.items() if i.opened)
    ]
    return opened + [IssueChange.of(t) for t in history] + counted


async def _count_aggregates(
    tx: Transaction, stored: Sequence[EventRecord], tallies: Tallies
) -> None:
    """Hourly and tag counts of the stored events: one statement in the common batch, two when
    an issue starts an hour or meets a new tag value."""
    if not stored:
        return
    misses = await tx.add_aggregates(tallies)
    if not misses.started and not misses.tags:
        return
    # A new hour: forget the issue's hours past retention.
    before_hour = hour_of(max(r.received_at for r in stored)) - RETENTION_HOURS
    new = [r for r in tallies.tags if (r.issue_id, r.key, r.value) in misses.tags]
    values, keys = admit(new, misses.keys)
    partial = left_out(new, values)
    await tx.place_aggregates(Placing(sorted(misses.started), before_hour, values, keys, partial))
