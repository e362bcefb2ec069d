"""Group commit: concurrent requests hand their events to a writer that stores them in batches.

A request awaits its event's outcome, which is known only after the batch's transaction has
committed, so every 200 is for an event that is durable. While one batch commits, the next
one gathers; under load a single commit carries dozens of events. Ingest counts of refused
requests (`add_counts`) take their turn between batches, on the same connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from app.database import is_unavailable
from app.ingest.records import EventRecord, Receipt, sanitized
from app.ingest.store import Store
from app.ingest.store.batch import CountRow
from app.ingest.untrusted import clip

log = logging.getLogger(__name__)

MAX_BATCH = 200
DEADLOCK_RETRIES = 3

_Pending = tuple[EventRecord, "asyncio.Future[Receipt]"]


class EventWriter:
    def __init__(self, store: Store, *, max_batch: int = MAX_BATCH) -> None:
        self._backend = store
        self._max_batch = max_batch
        self._pending: list[_Pending] = []
        self._counts: list[tuple[list[CountRow], asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        # One flusher: while its transaction commits, the next batch gathers.
        self._task = asyncio.create_task(self._run())
        self._closing = False

    async def submit(self, record: EventRecord) -> Receipt:
        if self._closing:
            raise RuntimeError("the event writer is shut down")
        future: asyncio.Future[Receipt] = asyncio.get_running_loop().create_future()
        self._pending.append((record, future))
        self._wake.set()
        # A client that hangs up cancels only this wait: the record stays in the batch and is
        # stored all the same (a retry of it is then a duplicate).
        return await future

    async def add_counts(self, rows: list[CountRow]) -> None:
        """Add to the ingest counts, between two batches; raises what the database raised."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._counts.append((rows, future))
        self._wake.set()
        await future

    async def close(self) -> None:
        """Store what is pending, then stop."""
        self._closing = True
        while self._pending or self._counts:
            self._wake.set()
            await asyncio.sleep(0.01)
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._backend.close()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            if self._counts:
                rows, done = self._counts.pop(0)
                try:
                    await self._backend.add_counts(rows)
                except Exception as exc:
                    _fail(done, exc)
                else:
                    if not done.done():
                        done.set_result(None)
                continue
            if not self._pending:
                self._wake.clear()
                continue
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            await self._flush(batch)

    async def _flush(self, batch: Sequence[_Pending]) -> None:
        try:
            outcomes = await self._store([record for record, _ in batch])
        except Exception as exc:
            if is_unavailable(exc):
                # Nothing of the batch is stored; each request answers 503 and may be retried.
                for _, future in batch:
                    _fail(future, exc)
                return
            if len(batch) == 1:
                await self._store_sanitized(batch[0], exc)
                return
            # One bad event must not take its batch down: store them one by one.
            log.warning(
                "batch of %d failed (%s); storing events one by one",
                len(batch),
                clip(str(exc), 200),
            )
            for item in batch:
                await self._flush([item])
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():
                future.set_result(outcome)

    async def _store_sanitized(self, item: _Pending, error: Exception) -> None:
        record, future = item
        try:
            (outcome,) = await self._store([sanitized(record)])
        except Exception as exc:
            # The database's message may quote the client's payload.
            log.error("could not store event %s: %s", record.event_id, clip(str(error), 200))
            _fail(future, exc)
            return
        if not future.done():
            future.set_result(outcome)

    async def _store(self, records: list[EventRecord]) -> list[Receipt]:
        for attempt in range(DEADLOCK_RETRIES):
            try:
                return await self._backend.store_batch(records)
            except Exception as exc:
                if "deadlock" not in str(exc).lower() or attempt == DEADLOCK_RETRIES - 1:
                    raise
                log.info("deadlock storing a batch, retrying")
        raise AssertionError("unreachable")


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
