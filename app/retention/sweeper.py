"""The retention sweeper: every interval, the events a project no longer keeps are deleted.

Per project (ascending id): first the events older than its cut-off (policy.cutoff, by their
own timestamps), then those beyond its `max_events`, oldest first. Each batch of at most
`retention_batch_size` rows is one short transaction, read and deleted through the event
index (project, timestamp, id), so no lock is held long; between two batches the sweep pauses
nine times as long as the last one took, so ingestion goes on between them.
Issues that lose their last event are then deleted one by one through the issue service
(with their history and counts, DELETED published); the issue counts, first and last seen of
the others are not touched: they count every event received.

One process sweeps at a time: on PostgreSQL a session advisory lock taken with
pg_try_advisory_lock on a connection of the sweep's own (a process that dies frees it), and in
one process an asyncio lock. A sweep that finds the lock taken does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.config import Settings
from app.database import asyncpg_dsn, dialect
from app.issues import service as issues
from app.retention.policy import cutoff
from models import Event, Project

log = logging.getLogger(__name__)

RETENTION_LOCK_KEY = 0x6661756C7472  # "faultr"
# After each batch the sweep pauses this many times as long as the batch took: with a backlog
# it holds the database (SQLite's one writer) at most a tenth of the time.
PAUSE_FACTOR = 9
_IN_PROCESS = asyncio.Lock()


@dataclass(slots=True)
class SweepReport:
    expired: int = 0  # events deleted for their age
    evicted: int = 0  # events deleted over a project's max_events
    issues_removed: int = 0
    transactions: int = 0  # batches that deleted events


class Sweeper:
    def __init__(self, settings: Settings) -> None:
        self._database_url = settings.database_url
        self._default_days = settings.retention_days
        self._batch_size = settings.retention_batch_size
        self._interval_s = settings.retention_sweep_interval_s

    async def run(self, clock: Callable[[], float]) -> None:
        """Sweep every interval until cancelled; a failed sweep is logged and retried later."""
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                report = await self.sweep_once(datetime.fromtimestamp(clock(), UTC))
            except Exception:
                log.exception("retention sweep failed; the next one retries")
                continue
            if report is not None and (report.expired or report.evicted):
                log.info(
                    "retention: %d expired and %d evicted events deleted, %d issues removed",
                    report.expired,
                    report.evicted,
                    report.issues_removed,
                )

    async def sweep_once(self, now: datetime) -> SweepReport | None:
        """One sweep as of `now`; None when another sweep holds the lock."""
        async with self._exclusive() as held:
            if not held:
                return None
            report = SweepReport()
            projects = (
                await Project.all().order_by("id").values_list("id", "retention_days", "max_events")
            )
            for project_id, days, max_events in projects:
                await self._sweep_project(report, project_id, days, max_events, now)
            return report

    async def _sweep_project(
        self,
        report: SweepReport,
        project_id: int,
        days: int | None,
        max_events: int | None,
        now: datetime,
    ) -> None:
        touched: set[int] = set()
        expired = Q(project_id=project_id, timestamp__lt=cutoff(now, days, self._default_days))
        report.expired += await self._delete_all(expired, touched, report)
        if max_events is not None:
            newest_evicted = (
                await Event.filter(project_id=project_id)
                .order_by("-timestamp", "-id")
                .offset(max_events)
                .limit(1)
                .values_list("timestamp", "id")
            )
            if newest_evicted:
                (at, event_id), *_ = newest_evicted
                over = Q(project_id=project_id) & (
                    Q(timestamp__lt=at) | Q(timestamp=at, id__lte=event_id)
                )
                report.evicted += await self._delete_all(over, touched, report)
        for issue_id in sorted(touched):
            if await issues.delete_if_without_events(issue_id):
                report.issues_removed += 1

    async def _delete_all(self, condition: Q, touched: set[int], report: SweepReport) -> int:
        """Delete the events matching `condition`, oldest first, a batch per transaction."""
        deleted = 0
        while True:
            started = time.monotonic()
            async with in_transaction():
                rows = (
                    await Event.filter(condition)
                    .order_by("timestamp", "id")
                    .limit(self._batch_size)
                    .values_list("id", "issue_id")
                )
                if rows:
                    await Event.filter(id__in=[event_id for event_id, _ in rows]).delete()
            if not rows:
                return deleted
            deleted += len(rows)
            report.transactions += 1
            touched.update(issue_id for _, issue_id in rows)
            if len(rows) < self._batch_size:
                return deleted
            # Ingestion's transactions go in between.
            await asyncio.sleep((time.monotonic() - started) * PAUSE_FACTOR)

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[bool]:
        if _IN_PROCESS.locked():
            yield False
            return
        async with _IN_PROCESS:
            if dialect(self._database_url) != "postgres":
                yield True
                return
            connection = await asyncpg.connect(asyncpg_dsn(self._database_url))
            try:
                if not await connection.fetchval(
                    "SELECT pg_try_advisory_lock($1)", RETENTION_LOCK_KEY
                ):
                    yield False
                    return
                try:
                    yield True
                finally:
                    await connection.execute("SELECT pg_advisory_unlock($1)", RETENTION_LOCK_KEY)
            finally:
                await connection.close()
