"""One subscriber's queue: bounded, never blocking the publisher, COUNT changes coalesced.

The policy (what a GraphQL subscription sees):
- Every change is offered without waiting; a subscriber that reads slowly or not at all
  never holds up ingestion, the broker or other subscribers.
- COUNT changes are coalesced per issue: at most one is queued per issue (a reader fetches
  the issue when it reads the change, so one entry shows every count before it), and at most
  one per issue is queued per `count_interval_s` (1 s). A COUNT arriving sooner is deferred to
  the end of the interval, not dropped, so the last count of a burst is always delivered.
  This happens here, per subscriber, not at the publishers: several processes publish, and
  only the subscriber sees all of them (ingestion publishes at most one COUNT per issue per
  batch anyway).
- COUNTs of all issues together are admitted at most `count_rate` (10) a second, in bursts of
  as many: with more busy issues than that, the others' COUNTs wait their turn (the longest
  waiting first, still one per issue and never dropped while they fit). So a subscriber costs
  the server a bounded number of messages a second however fast events arrive; every other
  kind of change is never held back.
- The queue holds at most `capacity` changes (1,000). When it is full the OLDEST change is
  dropped and `lost` counts it; deferred COUNTs beyond `capacity` issues are dropped and
  counted the same way. A reader that sees `lost` grow should refetch what it shows.
- `interrupted` counts the times the broker lost its source (PostgreSQL's LISTEN connection)
  while this subscription was open: changes committed in such a gap are not delivered.
- A DELETED change cancels the deferred COUNT of its issue.
- A subscription can be ended by the broker (`end`): at once when the token that opened it is
  deleted (TokenRevoked), after the changes it holds when its project is deleted
  (ProjectDeleted). `get` raises the reason.

The decisions take the time from `clock`, so tests step it; `poll` and `next_due` are the
synchronous core, `get` and async iteration wait on top of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections import OrderedDict, deque
from collections.abc import Callable

from app.notifications.changes import ChangeKind, IssueChange

DEFAULT_CAPACITY = 1_000
COUNT_INTERVAL_S = 1.0
COUNT_RATE = 10.0
# Issues whose last COUNT time is kept; past this, the oldest may see its next COUNT sooner.
_MAX_REMEMBERED = 10_000


class SubscriptionEnded(Exception):
    """Why the broker ended a subscription."""

    # Whether the changes still queued are delivered before the end.
    drain = False


class TokenRevoked(SubscriptionEnded):
    """The API token that opened the subscription was deleted."""


class ProjectDeleted(SubscriptionEnded):
    """The subscription's project was deleted (after its issues' DELETED changes)."""

    drain = True


class Subscription:
    def __init__(
        self,
        project_id: int | None,
        *,
        token_id: int | None = None,
        capacity: int = DEFAULT_CAPACITY,
        count_interval_s: float = COUNT_INTERVAL_S,
        count_rate: float = COUNT_RATE,
        clock: Callable[[], float],
    ) -> None:
        self.project_id = project_id  # None: every project
        self.token_id = token_id  # the API token it was opened with, if any
        self.lost = 0
        self.interrupted = 0
        self._capacity = capacity
        self._interval = count_interval_s
        self._rate = count_rate
        self._clock = clock
        # COUNT admissions left (a token bucket of `count_rate` tokens, refilled continuously).
        self._tokens = count_rate
        self._tokens_at = clock()
        self._ready: deque[IssueChange] = deque()
        self._queued_counts: set[int] = set()  # issues with a COUNT in _ready
        self._deferred: dict[int, tuple[float, IssueChange]] = {}  # issue → (due, change)
        self._due: list[tuple[float, int]] = []  # heap over _deferred; stale entries skipped
        self._last_count: OrderedDict[int, float] = OrderedDict()  # issue → last admitted
        self._closed = False
        self._ended: SubscriptionEnded | None = None
        self._wake = asyncio.Event()

    def offer(self, change: IssueChange) -> None:
        """Take a change; never waits."""
        if self._closed or self._ended is not None:
            return
        if change.kind == ChangeKind.COUNT and (
            change.issue_id in self._queued_counts or change.issue_id in self._deferred
        ):
            return  # the entry already waiting will show this count too
        now = self._clock()
        ready, due = len(self._ready), self.next_due()
        self._release_due(now)
        if change.kind == ChangeKind.COUNT:
            self._offer_count(change, now)
        else:
            if change.kind == ChangeKind.DELETED:
                self._deferred.pop(change.issue_id, None)
            self._push(change)
        # The reader is woken only when there is news for it: a change to read, or a deferred
        # COUNT due sooner than it waits for. A COUNT absorbed by one already waiting (most of
        # them, on busy issues) wakes nobody.
        sooner = self.next_due()
        news = len(self._ready) != ready or (bool(self._ready) and self._ready[-1] is change)
        if news or (sooner is not None and (due is None or sooner < due)):
            self._wake.set()

    def poll(self) -> IssueChange | None:
        """The next change that is due, or None."""
        self._release_due(self._clock())
        if not self._ready:
            return None
        change = self._ready.popleft()
        if change.kind == ChangeKind.COUNT:
            self._queued_counts.discard(change.issue_id)
        return change

    def next_due(self) -> float | None:
        """When the earliest deferred COUNT becomes due (clock time), if any."""
        while self._due:
            due, issue_id = self._due[0]
            entry = self._deferred.get(issue_id)
            if entry is not None and entry[0] == due:
                return due
            heapq.heappop(self._due)
        return None

    async def get(self) -> IssueChange:
        """The next change; raises StopAsyncIteration once the subscription is closed, and
        the SubscriptionEnded given to `end` once it is ended."""
        while True:
            if self._closed:
                raise StopAsyncIteration
            ended = self._ended
            if ended is not None and not ended.drain:
                raise ended
            change = self.poll()
            if change is not None:
                return change
            if ended is not None:
                raise ended
            self._wake.clear()
            due = self.next_due()
            if due is None:
                await self._wake.wait()
                continue
            due = max(due, self._token_due())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, due - self._clock())):
                    await self._wake.wait()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> IssueChange:
        return await self.get()

    def interrupt(self) -> None:
        self.interrupted += 1

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    def end(self, reason: SubscriptionEnded) -> None:
        """Stop taking changes; the reader is told `reason` (the first one given wins)."""
        if self._ended is None:
            self._ended = reason
            self._wake.set()

    @property
    def ended(self) -> bool:
        return self._ended is not None

    def _offer_count(self, change: IssueChange, now: float) -> None:
        issue_id = change.issue_id
        last = self._last_count.get(issue_id)
        due = now if last is None else max(now, last + self._interval)
        waiting = self.next_due()
        # Deferred COUNTs already due go first: they wait for the rate, not for their issue.
        if due <= now and (waiting is None or waiting > now) and self._take(now):
            self._admit_count(change, now)
        elif len(self._deferred) >= self._capacity:
            self.lost += 1
        else:
            self._deferred[issue_id] = (due, change)
            heapq.heappush(self._due, (due, issue_id))

    def _take(self, now: float) -> bool:
        """One COUNT admission, if the rate allows one now."""
        tokens = min(self._rate, self._tokens + (now - self._tokens_at) * self._rate)
        if tokens < 1:
            return False
        self._tokens, self._tokens_at = tokens - 1, now
        return True

    def _token_due(self) -> float:
        """When the rate allows the next COUNT admission (clock time)."""
        missing = 1 - (self._tokens + (self._clock() - self._tokens_at) * self._rate)
        return self._clock() + max(0.0, missing) / self._rate

    def _admit_count(self, change: IssueChange, now: float) -> None:
        # Admissions older than one interval cannot defer anything any more.
        while self._last_count:
            issue_id, at = next(iter(self._last_count.items()))
            if now - at < self._interval and len(self._last_count) < _MAX_REMEMBERED:
                break
            del self._last_count[issue_id]
        self._last_count[change.issue_id] = now
        self._last_count.move_to_end(change.issue_id)
        self._queued_counts.add(change.issue_id)
        self._push(change)

    def _release_due(self, now: float) -> None:
        while (due := self.next_due()) is not None and due <= now and self._take(now):
            _, issue_id = heapq.heappop(self._due)
            _, change = self._deferred.pop(issue_id)
            self._admit_count(change, now)

    def _push(self, change: IssueChange) -> None:
        if len(self._ready) >= self._capacity:
            dropped = self._ready.popleft()
            if dropped.kind == ChangeKind.COUNT:
                self._queued_counts.discard(dropped.issue_id)
            self.lost += 1
        self._ready.append(change)
