"""A subscriber's queue: bounded, COUNT coalesced per issue per second (stepped clock)."""

from __future__ import annotations

import asyncio

import pytest

from app.notifications.changes import ChangeKind, IssueChange
from app.notifications.subscription import ProjectDeleted, Subscription, TokenRevoked
from models.issue import IssueState

CREATED, COUNT, STATE, DELETED = (
    ChangeKind.CREATED,
    ChangeKind.COUNT,
    ChangeKind.STATE,
    ChangeKind.DELETED,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def change(kind: ChangeKind, issue_id: int, project_id: int = 1) -> IssueChange:
    state = IssueState.OPEN if kind in (CREATED, STATE) else None
    return IssueChange(kind, issue_id, project_id, state)


def drain(subscription: Subscription) -> list[tuple[ChangeKind, int]]:
    found = []
    while (c := subscription.poll()) is not None:
        found.append((c.kind, c.issue_id))
    return found


def subscription(clock: Clock, capacity: int = 1000) -> Subscription:
    return Subscription(None, capacity=capacity, count_interval_s=1.0, clock=clock)


def test_changes_come_out_in_order():
    sub = subscription(Clock())
    for c in (change(CREATED, 1), change(COUNT, 2), change(STATE, 1), change(DELETED, 3)):
        sub.offer(c)
    assert drain(sub) == [(CREATED, 1), (COUNT, 2), (STATE, 1), (DELETED, 3)]
    assert sub.lost == 0


def test_a_queued_count_absorbs_later_counts_of_its_issue():
    sub = subscription(Clock())
    for issue_id in (1, 2, 1, 1, 2):
        sub.offer(change(COUNT, issue_id))
    assert drain(sub) == [(COUNT, 1), (COUNT, 2)]
    assert sub.lost == 0


def test_counts_of_one_issue_are_at_most_one_per_second_and_the_last_is_delivered():
    clock = Clock()
    sub = subscription(clock)
    sub.offer(change(COUNT, 1))
    assert drain(sub) == [(COUNT, 1)]
    clock.now += 0.3
    sub.offer(change(COUNT, 1))  # too soon: deferred to 1 s after the first
    sub.offer(change(COUNT, 1))  # absorbed by the deferred one
    sub.offer(change(COUNT, 2))  # another issue is not held back
    assert drain(sub) == [(COUNT, 2)]
    assert sub.next_due() == 101.0
    clock.now = 100.999
    assert drain(sub) == []
    clock.now = 101.0
    assert drain(sub) == [(COUNT, 1)]
    assert sub.next_due() is None
    clock.now = 102.5  # a full interval later: straight through
    sub.offer(change(COUNT, 1))
    assert drain(sub) == [(COUNT, 1)]


def test_other_kinds_are_never_coalesced_or_delayed():
    sub = subscription(Clock())
    for kind in (CREATED, STATE, STATE, STATE):
        sub.offer(change(kind, 1))
    assert drain(sub) == [(CREATED, 1), (STATE, 1), (STATE, 1), (STATE, 1)]


def test_deleted_cancels_the_deferred_count_of_its_issue():
    clock = Clock()
    sub = subscription(clock)
    sub.offer(change(COUNT, 1))
    drain(sub)
    sub.offer(change(COUNT, 1))
    sub.offer(change(DELETED, 1))
    clock.now += 5
    assert drain(sub) == [(DELETED, 1)]


def test_a_full_queue_drops_the_oldest_and_counts_it():
    sub = subscription(Clock(), capacity=3)
    for issue_id in range(1, 6):
        sub.offer(change(CREATED, issue_id))
    assert drain(sub) == [(CREATED, 3), (CREATED, 4), (CREATED, 5)]
    assert sub.lost == 2


def test_a_dropped_count_lets_the_next_count_of_its_issue_in():
    sub = subscription(Clock(), capacity=2)
    sub.offer(change(COUNT, 1))
    sub.offer(change(CREATED, 2))
    sub.offer(change(CREATED, 3))  # drops COUNT 1
    assert sub.lost == 1
    assert drain(sub) == [(CREATED, 2), (CREATED, 3)]
    sub.offer(change(COUNT, 1))  # within the interval of the dropped one: deferred, not lost
    assert (sub.next_due(), sub.lost) == (101.0, 1)


def test_deferred_counts_are_bounded_too():
    clock = Clock()
    sub = subscription(clock, capacity=2)
    for issue_id in (1, 2, 3):
        sub.offer(change(COUNT, issue_id))
        drain(sub)
    for issue_id in (1, 2, 3):
        sub.offer(change(COUNT, issue_id))
    assert sub.lost == 1  # the third deferred count did not fit
    clock.now += 1
    assert drain(sub) == [(COUNT, 1), (COUNT, 2)]


def test_a_subscriber_that_never_reads_costs_bounded_memory():
    clock = Clock()
    sub = subscription(clock, capacity=100)
    for i in range(50_000):
        clock.now += 0.001
        sub.offer(change(COUNT if i % 2 else CREATED, i % 7_000 + 1))
    assert len(sub._ready) == 100
    assert len(sub._deferred) <= 100
    assert len(sub._last_count) <= 1_000  # admissions within the last second only
    assert sub.lost > 0


async def test_get_waits_for_a_change_and_for_a_deferred_count():
    clock = Clock()
    sub = Subscription(None, count_interval_s=0.05, clock=clock)
    getter = asyncio.create_task(sub.get())
    await asyncio.sleep(0)
    sub.offer(change(CREATED, 1))
    assert (await getter).issue_id == 1
    sub.offer(change(COUNT, 1))
    assert (await asyncio.wait_for(sub.get(), 5)).kind == COUNT
    sub.offer(change(COUNT, 1))  # deferred by 0.05 s of the stepped clock
    getter = asyncio.create_task(sub.get())
    await asyncio.sleep(0.01)
    assert not getter.done()
    clock.now += 0.05
    assert (await asyncio.wait_for(getter, 5)).kind == COUNT


async def test_closing_ends_iteration():
    sub = subscription(Clock())
    sub.offer(change(CREATED, 1))

    async def read() -> list[int]:
        return [c.issue_id async for c in sub]

    reader = asyncio.create_task(read())
    await asyncio.sleep(0)
    sub.close()
    assert await asyncio.wait_for(reader, 5) == [1]
    sub.offer(change(CREATED, 2))  # after close: ignored, no error


async def test_a_revoked_token_ends_at_once_a_deleted_project_after_what_is_queued():
    revoked, deleted = subscription(Clock()), subscription(Clock())
    for sub in (revoked, deleted):
        sub.offer(change(DELETED, 1))
        sub.offer(change(DELETED, 2))
    revoked.end(TokenRevoked())
    deleted.end(ProjectDeleted("project 1 was deleted"))
    for sub in (revoked, deleted):
        sub.offer(change(CREATED, 3))  # after the end: not taken
    with pytest.raises(TokenRevoked):
        await asyncio.wait_for(revoked.get(), 5)
    assert [(await asyncio.wait_for(deleted.get(), 5)).issue_id for _ in range(2)] == [1, 2]
    with pytest.raises(ProjectDeleted, match="project 1 was deleted"):
        await asyncio.wait_for(deleted.get(), 5)
    # A reader waiting when the end comes is woken.
    waiting = subscription(Clock())
    reader = asyncio.create_task(waiting.get())
    await asyncio.sleep(0)
    waiting.end(TokenRevoked())
    waiting.end(ProjectDeleted("later"))  # the first reason wins
    with pytest.raises(TokenRevoked):
        await asyncio.wait_for(reader, 5)


def test_only_news_wakes_the_reader():
    clock = Clock()
    sub = subscription(clock)
    sub.offer(change(COUNT, 1))
    assert sub._wake.is_set()  # a COUNT to read
    assert drain(sub) == [(COUNT, 1)]
    sub._wake.clear()
    sub.offer(change(COUNT, 1))  # deferred to the end of the second: the reader must time it
    assert sub._wake.is_set()
    sub._wake.clear()
    for _ in range(3):
        sub.offer(change(COUNT, 1))  # absorbed by the deferred one: nothing new
    assert not sub._wake.is_set()
    clock.now += 1.0
    sub.offer(change(COUNT, 2))  # news, and the deferred one is released on the way
    assert sub._wake.is_set()
    assert drain(sub) == [(COUNT, 1), (COUNT, 2)]


def test_counts_of_many_issues_are_admitted_at_most_count_rate_a_second():
    clock = Clock()
    sub = Subscription(None, count_interval_s=1.0, count_rate=5, clock=clock)
    for issue_id in range(1, 13):
        sub.offer(change(COUNT, issue_id))
    sub.offer(change(STATE, 99))  # other kinds never wait for the rate
    # A burst of 5, then one every 1/5 s, the longest waiting first; none dropped.
    assert drain(sub) == [(COUNT, i) for i in range(1, 6)] + [(STATE, 99)]
    assert sub.next_due() == 100.0
    clock.now += 0.2
    assert drain(sub) == [(COUNT, 6)]
    clock.now += 0.3
    assert drain(sub) == [(COUNT, 7)]  # 0.5 s of rate: 2.5 admissions, 1 used before
    clock.now += 1.0
    assert drain(sub) == [(COUNT, i) for i in range(8, 13)]
    sub.offer(change(COUNT, 1))  # issue 1's second has passed, but the bucket is empty
    assert drain(sub) == []
    clock.now += 0.2
    assert drain(sub) == [(COUNT, 1)]
    assert sub.lost == 0


async def test_a_reader_waits_for_the_rate():
    clock = Clock()
    sub = Subscription(None, count_interval_s=1.0, count_rate=1, clock=clock)
    sub.offer(change(COUNT, 1))
    sub.offer(change(COUNT, 2))
    assert (await asyncio.wait_for(sub.get(), 5)).issue_id == 1
    getter = asyncio.create_task(sub.get())
    await asyncio.sleep(0.01)
    assert not getter.done()  # issue 2 is due, the rate is not
    clock.now += 1.0
    assert (await asyncio.wait_for(getter, 5)).issue_id == 2
