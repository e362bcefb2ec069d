"""Brokers: where a process's subscribers hear about issue changes.

`Fanout` holds the subscriptions of one broker and hands each change to those of its
project and to those of every project; the issue a change names is read once per process
(`issue`, snapshots.py), not once per subscriber. Deletions end subscriptions: a deleted token
those it opened (at once) and, through the deletion hooks, the token caches, a deleted
project those scoped to it (after its issues' DELETED changes). When deletions may have been
missed, `recheck` asks the database which tokens and projects of open subscriptions still exist.
A broker is a fanout plus a source:
- `InMemoryBroker` (SQLite, one process): the source is `publish_local`, which writers call
  right after their transaction commits; every InMemoryBroker of the process hears it. A CLI
  command is another process, so the broker rechecks every RECHECK_INTERVAL_S.
- `PostgresBroker` (postgres.py): the source is LISTEN on the database's channels, which every
  process's commits NOTIFY; it rechecks after each reconnection.
Besides ending subscriptions, a deletion heard runs what `on_deletions` registered (caches of
project keys and tokens forget them, the sweep wakes to purge a project); the committing
process runs it at once too (publish.py), without waiting to hear its own notice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from app.ingest.untrusted import clip
from app.notifications.changes import NOTHING_DELETED, Deletions, IssueChange
from app.notifications.snapshots import IssueSnapshots, ReadIssues
from app.notifications.subscription import (
    COUNT_INTERVAL_S,
    DEFAULT_CAPACITY,
    ProjectDeleted,
    Subscription,
    TokenRevoked,
)
from models import Issue

log = logging.getLogger(__name__)

RECHECK_INTERVAL_S = 10.0
Existing = Callable[[set[int]], Awaitable[set[int]]]
OnDeletions = Callable[[Deletions], None]
# What this process does when it hears of a deletion, besides ending subscriptions.
_on_deletions: list[OnDeletions] = []


def on_deletions(callback: OnDeletions) -> Callable[[], None]:
    """Run `callback` on every deletion this process hears or commits (more than once for
    some: it must be idempotent and quick); returns what unregisters it."""
    _on_deletions.append(callback)
    return lambda: _on_deletions.remove(callback)


def deletions_heard(deletions: Deletions) -> None:
    for callback in tuple(_on_deletions):
        try:
            callback(deletions)
        except Exception:  # one failing hook must not keep the others or the broker from running
            log.exception("a deletion hook failed")


@dataclass(frozen=True, slots=True)
class Lookups:
    """The reads a broker makes (the services', handed in: they publish through the broker)."""

    issues: ReadIssues  # issue id → issue, for the ids found
    existing_tokens: Existing  # which of these token ids still exist
    existing_projects: Existing  # which of these project ids still exist


class Broker(Protocol):
    def subscribe(
        self, project_id: int | None, token_id: int | None = None
    ) -> AbstractAsyncContextManager[Subscription]:
        """Changes of one project (None: of all), from now until the context exits; ended
        when token `token_id` is deleted."""
        ...

    async def issue(self, issue_id: int) -> Issue | None:
        """The issue of a change heard (None: deleted), shared by the process's subscribers."""
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
        lookups: Lookups,
        *,
        clock: Callable[[], float] = time.monotonic,
        capacity: int = DEFAULT_CAPACITY,
        count_interval_s: float = COUNT_INTERVAL_S,
    ) -> None:
        self._lookups = lookups
        self._snapshots = IssueSnapshots(lookups.issues)
        self._clock = clock
        self._capacity = capacity
        self._count_interval_s = count_interval_s
        self._by_project: dict[int | None, set[Subscription]] = {}

    @property
    def subscribers(self) -> int:
        return sum(len(subs) for subs in self._by_project.values())

    def subscribe(
        self, project_id: int | None, token_id: int | None = None
    ) -> AbstractAsyncContextManager[Subscription]:
        return self._subscription(project_id, token_id)

    async def issue(self, issue_id: int) -> Issue | None:
        return await self._snapshots.get(issue_id)

    @asynccontextmanager
    async def _subscription(
        self, project_id: int | None, token_id: int | None
    ) -> AsyncIterator[Subscription]:
        subscription = Subscription(
            project_id,
            token_id=token_id,
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
            self._snapshots.forget((change.issue_id,))
            for subscription in (*self._by_project.get(change.project_id, ()), *everyone):
                subscription.offer(change)

    def delete(self, deletions: Deletions) -> None:
        """End the subscriptions of deleted tokens (at once) and projects (once drained);
        the deletion hooks run (the token caches forget the tokens there)."""
        deletions_heard(deletions)
        tokens = set(deletions.tokens)
        for project_id in deletions.projects:
            for subscription in self._by_project.get(project_id, ()):
                subscription.end(ProjectDeleted(f"project {project_id} was deleted"))
        if tokens:
            for subs in self._by_project.values():
                for subscription in subs:
                    if subscription.token_id in tokens:
                        subscription.end(TokenRevoked())

    async def recheck(self) -> None:
        """Deletions this process may not have heard of: ask the database (two queries)."""
        open_subs = [s for subs in self._by_project.values() for s in subs if not s.ended]
        tokens = {s.token_id for s in open_subs if s.token_id is not None}
        projects = {s.project_id for s in open_subs if s.project_id is not None}
        if not (tokens or projects):
            return
        gone_tokens = tokens - await self._lookups.existing_tokens(tokens) if tokens else set()
        gone_projects = (
            projects - await self._lookups.existing_projects(projects) if projects else set()
        )
        self.delete(Deletions(tuple(gone_tokens), tuple(gone_projects)))

    def interrupt(self) -> None:
        for subs in self._by_project.values():
            for subscription in subs:
                subscription.interrupt()

    def close_subscriptions(self) -> None:
        for subs in self._by_project.values():
            for subscription in subs:
                subscription.close()


# The in-memory brokers of this process; a SQLite database has one server process.
_local: set[InMemoryBroker] = set()


def publish_local(changes: Iterable[IssueChange], deletions: Deletions = NOTHING_DELETED) -> None:
    """Hand committed changes, then deletions, to every in-memory broker of this process."""
    changes = list(changes)
    for broker in tuple(_local):
        if changes:
            broker.deliver(changes)
        if deletions:
            broker.delete(deletions)


class InMemoryBroker(Fanout):
    def __init__(
        self,
        lookups: Lookups,
        *,
        clock: Callable[[], float] = time.monotonic,
        recheck_interval_s: float = RECHECK_INTERVAL_S,
    ) -> None:
        super().__init__(lookups, clock=clock)
        self._recheck_interval_s = recheck_interval_s
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        _local.add(self)
        self._task = asyncio.create_task(self._rechecking())

    async def close(self) -> None:
        _local.discard(self)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self.close_subscriptions()

    async def _rechecking(self) -> None:
        # Another process (`faultline token delete`) writes to the file but publishes nothing
        # this process hears.
        while True:
            await asyncio.sleep(self._recheck_interval_s)
            try:
                await self.recheck()
            except Exception as exc:  # the database is away: the next round tries again
                log.warning("rechecking open subscriptions failed: %s", clip(str(exc), 200))
