"""The retention sweeper: every interval, the events a project no longer keeps are deleted;
and, at start, when woken by a project's deletion and every interval, the projects marked
deleted are purged (purge.py: their rows in batches, then the project).

Per project (ascending id): first the events older than its cut-off (policy.cutoff, by their
own timestamps), then those beyond its `max_events`, oldest first. Each batch of at most
`retention_batch_size` rows is one short transaction, read and deleted through the event
index (project, timestamp, id), so no lock is held long; between two batches the sweep pauses
nine times as long as the last one took, so ingestion goes on between them (batches.py).
Issues that lose their last event are then deleted one by one through the issue service
(with their history and counts, DELETED published); the issue counts, first and last seen of
the others are not touched: they count every event received.

One process sweeps at a time, and one purges at a time (batches.exclusive: an advisory lock
on PostgreSQL, an asyncio lock within a process); the two locks are apart, as a sweep touches
only live projects and a purge only deleted ones. A sweep or purge that finds its lock taken
does nothing; a purge goes on until no project is marked, so a deletion heard during another
process's purge is purged by that one. A project marked but not purged when every process
stopped is purged when one starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q

from app.config import Settings
from app.issues import service as issues
from app.retention.batches import Batches, exclusive
from app.retention.policy import cutoff
from app.retention.purge import purge_deleted
from models import Event, Project

log = logging.getLogger(__name__)

RETENTION_LOCK_KEY = 0x6661756C7472  # "faultr"
PURGE_LOCK_KEY = 0x6661756C7470  # "faultp"
_SWEEPING = asyncio.Lock()
_PURGING = asyncio.Lock()


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
        self._batches = Batches(settings.retention_batch_size)
        self._interval_s = settings.retention_sweep_interval_s
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """Purge now rather than at the end of the interval (a project was deleted)."""
        self._woken.set()

    async def run(self, clock: Callable[[], float]) -> None:
        """Purge at once, then sweep and purge every interval, and purge when woken, until
        cancelled; a failure is logged and retried later."""
        await self._purge_logged()
        while True:
            try:
                await asyncio.wait_for(self._woken.wait(), self._interval_s)
            except TimeoutError:
                await self._sweep_logged(clock)
            self._woken.clear()
            await self._purge_logged()

    async def _sweep_logged(self, clock: Callable[[], float]) -> None:
        try:
            report = await self.sweep_once(datetime.fromtimestamp(clock(), UTC))
        except Exception:
            log.exception("retention sweep failed; the next one retries")
            return
        if report is not None and (report.expired or report.evicted):
            log.info(
                "retention: %d expired and %d evicted events deleted, %d issues removed",
                report.expired,
                report.evicted,
                report.issues_removed,
            )

    async def _purge_logged(self) -> None:
        try:
            purged = await self.purge_once()
        except Exception:
            log.exception("purging deleted projects failed; the next sweep retries")
            return
        if purged:
            log.info("purged %d deleted projects", purged)

    async def sweep_once(self, now: datetime) -> SweepReport | None:
        """One sweep as of `now`; None when another sweep holds the lock."""
        async with exclusive(self._database_url, RETENTION_LOCK_KEY, _SWEEPING) as held:
            if not held:
                return None
            report = SweepReport()
            projects = (
                await Project.filter(deleted_at__isnull=True)
                .order_by("id")
                .values_list("id", "retention_days", "max_events")
            )
            for project_id, days, max_events in projects:
                await self._sweep_project(report, project_id, days, max_events, now)
            return report

    async def purge_once(self) -> int | None:
        """Purge the projects marked deleted, how many; None when another purge is under way."""
        async with exclusive(self._database_url, PURGE_LOCK_KEY, _PURGING) as held:
            return await purge_deleted(self._batches) if held else None

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
        async for rows in self._batches.delete(Event, condition, ("timestamp", "id"), ["issue_id"]):
            deleted += len(rows)
            report.transactions += 1
            touched.update(issue_id for _, issue_id in rows)
        return deleted
