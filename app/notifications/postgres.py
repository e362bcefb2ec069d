"""PostgresBroker: LISTEN on one dedicated connection per process, which mends itself.

Not a pool connection: a pool resets connections on release, which drops their LISTENs. The
connection is watched two ways: asyncpg's termination listener (the server ended the
session: restart, pg_terminate_backend, idle timeout) and a ping every `ping_interval_s`
(a peer that vanished without closing). Either way the broker reconnects with a growing delay
(0.1 s to 5 s) and counts the gap on every open subscription (`Subscription.interrupted`):
NOTIFYs committed while nobody listened are not delivered again. A deletion missed in the gap
would leave a subscription open, so after reconnecting the broker rechecks the tokens and
projects of the open subscriptions once (until a recheck succeeds), and the process's token
caches forget everything, once when the connection is lost and again when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import asyncpg

from app.auth import token_cache
from app.database import CONNECT_TIMEOUT_S, asyncpg_dsn
from app.ingest.untrusted import clip
from app.notifications.broker import Fanout, Lookups
from app.notifications.changes import CHANNEL, DELETIONS_CHANNEL, decode, decode_deletions
from app.notifications.subscription import Subscription

log = logging.getLogger(__name__)

FIRST_RETRY_DELAY_S = 0.1
MAX_RETRY_DELAY_S = 5.0
PING_INTERVAL_S = 10.0
PING_TIMEOUT_S = 5.0


class PostgresBroker(Fanout):
    def __init__(
        self,
        database_url: str,
        lookups: Lookups,
        *,
        clock: Callable[[], float] = time.monotonic,
        ping_interval_s: float = PING_INTERVAL_S,
    ) -> None:
        super().__init__(lookups, clock=clock)
        self._dsn = asyncpg_dsn(database_url)
        self._ping_interval_s = ping_interval_s
        self._connection: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._recheck_due = False

    @property
    def listener_pid(self) -> int | None:
        """The server process of the LISTEN session, while there is one."""
        connection = self._connection
        return None if connection is None else connection.get_server_pid()

    async def start(self) -> None:
        try:
            await self._listen()
        except Exception as exc:  # a database that is away now: the watch loop keeps trying
            log.warning("not listening for issue changes yet: %s", clip(str(exc), 200))
        self._task = asyncio.create_task(self._watch())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._drop()
        self.close_subscriptions()

    def _opened(self, subscription: Subscription) -> None:
        if self._connection is None:
            subscription.interrupt()

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT_S)
        try:
            await connection.add_listener(CHANNEL, self._on_notification)
            await connection.add_listener(DELETIONS_CHANNEL, self._on_deletions)
        except BaseException:
            connection.terminate()
            raise
        connection.add_termination_listener(self._on_termination)
        self._lost.clear()
        self._connection = connection

    def _on_termination(self, connection: object) -> None:
        if connection is self._connection:
            self._lost.set()

    def _on_notification(self, connection: object, pid: int, channel: str, payload: str) -> None:
        try:
            changes = decode(payload)
        except ValueError as exc:
            log.warning("ignoring a notification on %s (%s): %s", channel, exc, clip(payload, 200))
            return
        self.deliver(changes)

    def _on_deletions(self, connection: object, pid: int, channel: str, payload: str) -> None:
        try:
            deletions = decode_deletions(payload)
        except ValueError as exc:
            log.warning("ignoring a notification on %s (%s): %s", channel, exc, clip(payload, 200))
            return
        self.delete(deletions)

    async def _watch(self) -> None:
        delay = FIRST_RETRY_DELAY_S
        while True:
            if self._connection is None:
                try:
                    await self._listen()
                except Exception as exc:  # whatever the cause, the remedy is to try again
                    log.warning(
                        "listening for issue changes failed (retrying in %g s): %s",
                        delay,
                        clip(str(exc), 200),
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_RETRY_DELAY_S)
                    continue
                log.info("listening for issue changes again")
                token_cache.forget_all()  # tokens cached while nobody listened
                delay = FIRST_RETRY_DELAY_S
            if self._recheck_due:
                await self._recheck()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self._ping_interval_s)
            if not self._lost.is_set() and await self._answers():
                continue
            log.warning("the connection listening for issue changes was lost; reconnecting")
            self._drop()
            self.interrupt()
            token_cache.forget_all()  # deletions may go unheard until it listens again
            self._recheck_due = True

    async def _recheck(self) -> None:
        try:
            await self.recheck()
        except Exception as exc:  # the database is away: the next round tries again
            log.warning("rechecking open subscriptions failed: %s", clip(str(exc), 200))
        else:
            self._recheck_due = False

    async def _answers(self) -> bool:
        connection = self._connection
        if connection is None or connection.is_closed():
            return False
        try:
            await asyncio.wait_for(connection.fetchval("SELECT 1"), PING_TIMEOUT_S)
        except Exception:  # any failure to answer means the session is no good
            return False
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            connection.terminate()
