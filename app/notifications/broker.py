"""Brokers: where a process's subscribers hear about issue changes.

`Fanout` holds the subscriptions of one broker and hands each change to those of its
project and to those of every project. A broker is a fanout plus a source:
- `InMemoryBroker` (SQLite, one process): the source is `publish_local`, which writers call
  right after their transaction commits; every InMemoryBroker of the process hears it.
- `PostgresBroker` (postgres.py): the source is LISTEN on the database's channel, which every
  process's commits NOTIFY.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from app.notifications.changes import IssueChange
from app.notifications.subscription import COUNT_INTERVAL_S, DEFAULT_CAPACITY, Subscription


class Broker(Protocol):
    def subscribe(self, project_id: int | None) -> AbstractAsyncContextManager[Subscription]:
        """Changes of one project (None: of all), from now until the context exits."""
        ...

    @property
    def subscribers(self) -> int:
        """Open subscriptions (a test waits for its own before it makes a change)."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None:
        """Ends every subscription: their iterators stop."""
        ...


class Fanout:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        capacity: int = DEFAULT_CAPACITY,
        count_interval_s: float = COUNT_INTERVAL_S,
    ) -> None:
        self._clock = clock
        self._capacity = capacity
        self._count_interval_s = count_interval_s
        self._by_project: dict[int | None, set[Subscription]] = {}

    @property
    def subscribers(self) -> int:
        return sum(len(subs) for subs in self._by_project.values())

    def subscribe(self, project_id: int | None) -> AbstractAsyncContextManager[Subscription]:
        return self._subscription(project_id)

    @asynccontextmanager
    async def _subscription(self, project_id: int | None) -> AsyncIterator[Subscription]:
        subscription = Subscription(
            project_id,
            capacity=self._capacity,
            count_interval_s=self._count_interval_s,
            clock=self._clock,
        )
        self._opened(subscription)
        self._by_project.setdefault(project_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscription.close()
            subs = self._by_project.get(project_id)
            if subs is not None:
                subs.discard(subscription)
                if not subs:
                    del self._by_project[project_id]

    def _opened(self, subscription: Subscription) -> None:
        """Hook: a broker whose source is down marks a new subscription interrupted."""

    def deliver(self, changes: Iterable[IssueChange]) -> None:
        everyone = self._by_project.get(None, ())
        for change in changes:
            for subscription in (*self._by_project.get(change.project_id, ()), *everyone):
                subscription.offer(change)

    def interrupt(self) -> None:
        for subs in self._by_project.values():
            for subscription in subs:
                subscription.interrupt()

    def close_subscriptions(self) -> None:
        for subs in self._by_project.values():
            for subscription in subs:
                subscription.close()


# The in-memory brokers of this process; a SQLite database has one process writing to it.
_local: set[InMemoryBroker] = set()


def publish_local(changes: Iterable[IssueChange]) -> None:
    """Hand committed changes to every in-memory broker of this process."""
    changes = list(changes)
    if changes:
        for broker in tuple(_local):
            broker.deliver(changes)


class InMemoryBroker(Fanout):
    async def start(self) -> None:
        _local.add(self)

    async def close(self) -> None:
        _local.discard(self)
        self.close_subscriptions()
