"""The delivery loop: sends the outbox's due deliveries, retries them, records every try.

Claiming: one UPDATE moves the `next_attempt_at` of up to the free send slots' worth of due
pending rows LEASE_S ahead and returns them (on PostgreSQL through `FOR UPDATE SKIP LOCKED`, so
several processes never claim one row; SQLite has one writer). A process that dies mid-send
leaves its rows to be claimed again once the lease ends. After each try an AlertAttempt is
written and the row updated, only if it is still the try this sender claimed (`attempts`
unchanged): sent; failed (a 4xx other than 429, no such channel, or 24 h over); or pending
again at the next backoff time (app.alerts.retry).

The loop wakes when this process commits new deliveries (outbox.WAKE), when a retry it
scheduled is due, and every `alert_poll_interval_s` for other processes' rows. At most
`alert_max_sends` sends are in flight. A receiver may see a delivery twice only when a sender
dies between the send and its record: the X-Faultline-Delivery header lets it drop the repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from app.alerts import channels
from app.alerts.outbound import SendResult
from app.alerts.outbox import WAKE
from app.alerts.payload import test_payload
from app.alerts.retry import next_attempt_at
from app.config import Settings
from models import AlertAttempt, AlertChannel, AlertDelivery, DeliveryStatus, Project

log = logging.getLogger(__name__)

LEASE_S = 300.0
# On shutdown, sends in flight get this long to finish (the others keep their lease).
DRAIN_S = 5.0
MAX_ERROR_CHARS = 500
MAX_TRACKED_RETRIES = 10_000
TEST_TRIGGER = "test"

_CLAIM_PG = (
    "UPDATE alert_delivery SET next_attempt_at = $1 WHERE id IN (SELECT id FROM alert_delivery "
    "WHERE status = 'pending' AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3 "
    "FOR UPDATE SKIP LOCKED) RETURNING id"
)
_CLAIM_SQLITE = (
    "UPDATE alert_delivery SET next_attempt_at = ? WHERE id IN (SELECT id FROM alert_delivery "
    "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?) "
    "RETURNING id"
)

_CLAIM_ONE_PG = (
    "UPDATE alert_delivery SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' "
    "RETURNING id"
)
_CLAIM_ONE_SQLITE = _CLAIM_ONE_PG.replace("$1", "?").replace("$2", "?")


def _now() -> datetime:
    return datetime.now(UTC)


async def _claim(limit: int, now: datetime, only_id: int | None = None) -> list[int]:
    client = connections.get("default")
    lease = now + timedelta(seconds=LEASE_S)
    postgres = client.capabilities.dialect == "postgres"
    if only_id is not None:
        sql = _CLAIM_ONE_PG if postgres else _CLAIM_ONE_SQLITE
        rows = await client.execute_query_dict(sql, [lease, only_id])
    else:
        sql = _CLAIM_PG if postgres else _CLAIM_SQLITE
        rows = await client.execute_query_dict(sql, [lease, now, limit])
    return sorted(int(r["id"]) for r in rows)


async def _attempt(
    delivery_id: int, settings: Settings, rand: Callable[[], float]
) -> AlertDelivery | None:
    """Send one claimed delivery and record the try; the row as it ends up."""
    delivery = await AlertDelivery.get_or_none(id=delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return delivery
    channel = await AlertChannel.get_or_none(id=delivery.channel_id)
    started = _now()
    if channel is None:
        result = SendResult(False, False, None, "the channel no longer exists", 0)
    else:
        try:
            result = await channels.send(channel, delivery, settings)
        except Exception as exc:  # a channel bug must not stop the loop; retried like a 5xx
            log.exception("alert channel %s failed", delivery.channel_id)
            result = SendResult(False, True, None, f"internal error: {type(exc).__name__}", 0)
    return await _record(delivery, result, started, settings.alert_retry_base_s, rand)


async def _record(
    delivery: AlertDelivery,
    result: SendResult,
    started: datetime,
    base_s: float,
    rand: Callable[[], float],
) -> AlertDelivery:
    now = _now()
    attempts = delivery.attempts + 1
    error = None if result.ok else (result.error or "failed")[:MAX_ERROR_CHARS]
    changes: dict[str, Any] = {"attempts": attempts, "last_error": error}
    if result.ok:
        changes.update(status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=now)
    else:
        # A channel test answers with its one try: it is not retried.
        retry_at = (
            next_attempt_at(attempts, delivery.created_at, now, base_s, rand)
            if result.retry and delivery.trigger != TEST_TRIGGER
            else None
        )
        if retry_at is None:
            changes.update(status=DeliveryStatus.FAILED, next_attempt_at=now)
        else:
            changes.update(next_attempt_at=retry_at)
    async with in_transaction():
        await AlertAttempt.create(
            delivery_id=delivery.id,
            at=started,
            duration_ms=max(0, result.duration_ms),
            status_code=result.status_code,
            error=error,
        )
        updated = await AlertDelivery.filter(
            id=delivery.id, attempts=delivery.attempts, status=DeliveryStatus.PENDING
        ).update(**changes)
    if updated:  # the row is what this try made it: no need to read it back
        for name, value in changes.items():
            setattr(delivery, name, value)
        return delivery
    log.warning("alert delivery %d was recorded by another sender meanwhile", delivery.id)
    refreshed = await AlertDelivery.get_or_none(id=delivery.id)
    return refreshed or delivery


async def deliver(
    delivery_id: int, settings: Settings, *, rand: Callable[[], float] = random.random
) -> AlertDelivery:
    """Send one pending delivery now, whatever its schedule, and return it as it ends up (a
    delivery already sent or failed is returned as it is)."""
    await _claim(1, _now(), only_id=delivery_id)
    delivery = await _attempt(delivery_id, settings, rand)
    if delivery is None:
        return await AlertDelivery.get(id=delivery_id)  # raises DoesNotExist
    return delivery


async def send_test(channel: AlertChannel, settings: Settings) -> AlertDelivery:
    """A test notification to `channel`, sent now and recorded like any delivery (trigger
    "test"); its row is out of the loop's reach until deliver() has tried it."""
    project = await Project.get(id=channel.project_id)
    now = _now()
    row = await AlertDelivery.create(
        project_id=channel.project_id,
        channel_id=channel.id,
        trigger=TEST_TRIGGER,
        payload=test_payload(project.id, project.name, project.slug),
        created_at=now,
        next_attempt_at=now + timedelta(seconds=LEASE_S),
    )
    return await deliver(row.id, settings)


class DeliveryLoop:
    def __init__(self, settings: Settings, *, rand: Callable[[], float] = random.random) -> None:
        self._settings = settings
        self._rand = rand
        self._wake = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        # When the retries this process scheduled fall due (earliest first, bounded: past
        # that, the poll finds them).
        self._retries: list[datetime] = []

    async def run(self) -> None:
        """Until cancelled; then sends in flight get DRAIN_S to finish."""
        WAKE.register(self._wake)
        try:
            while True:
                self._wake.clear()
                free = self._settings.alert_max_sends - len(self._sending)
                claimed: list[int] = []
                looked_at = None  # retries due by then were claimed, if still pending
                if free > 0:
                    try:
                        now = _now()
                        claimed = await _claim(free, now)
                        looked_at = now
                    except Exception:
                        log.exception("could not claim alert deliveries; trying again later")
                for delivery_id in claimed:
                    task = asyncio.create_task(self._send(delivery_id))
                    self._sending.add(task)
                    task.add_done_callback(self._done)
                if claimed and len(claimed) == free:
                    continue  # maybe more are due
                await self._sleep(looked_at)
        finally:
            WAKE.unregister(self._wake)
            await self._drain()

    async def _sleep(self, looked_at: datetime | None) -> None:
        timeout = self._settings.alert_poll_interval_s
        # Only retries due by the last claim are done with: one that fell due since (the
        # claim may come a moment before it) is claimed next.
        # No claim (every slot busy, or the database failed): a freed slot wakes the loop,
        # else the poll.
        while looked_at is not None and self._retries and self._retries[0] <= looked_at:
            heapq.heappop(self._retries)
        if looked_at is not None and self._retries:
            timeout = min(timeout, max((self._retries[0] - _now()).total_seconds(), 0.0))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _send(self, delivery_id: int) -> None:
        try:
            delivery = await _attempt(delivery_id, self._settings, self._rand)
        except Exception:
            log.exception("alert delivery %d: the try could not be recorded", delivery_id)
            return
        pending = delivery is not None and delivery.status == DeliveryStatus.PENDING
        if pending and delivery is not None and len(self._retries) < MAX_TRACKED_RETRIES:
            heapq.heappush(self._retries, delivery.next_attempt_at)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._wake.set()  # a slot is free

    async def _drain(self) -> None:
        if not self._sending:
            return
        _, pending = await asyncio.wait(set(self._sending), timeout=DRAIN_S)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
