"""IssueSnapshots: one read per issue for every subscriber, forgotten when a change is heard."""

from __future__ import annotations

import asyncio

import pytest

from app.notifications.snapshots import IssueSnapshots
from models import Issue


class Reads:
    """A stand-in for the issue service's read: records each query's ids."""

    def __init__(self) -> None:
        self.queries: list[list[int]] = []
        self.fail = False
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, issue_ids: list[int]) -> dict[int, Issue]:
        self.queries.append(sorted(issue_ids))
        await self.gate.wait()
        if self.fail:
            raise ConnectionError("database away")
        return {i: Issue(id=i, title=f"v{len(self.queries)}") for i in issue_ids if i != 404}


async def test_readers_share_one_read_until_a_change_is_heard():
    reads = Reads()
    snapshots = IssueSnapshots(reads)
    found = await asyncio.gather(*(snapshots.get(i) for i in (1, 1, 1, 2, 404)))
    assert reads.queries == [[1, 2, 404]]  # one query for the turn, each id once
    assert [None if f is None else (f.id, f.title) for f in found] == [
        (1, "v1"),
        (1, "v1"),
        (1, "v1"),
        (2, "v1"),
        None,
    ]
    assert (await snapshots.get(1)).title == "v1"  # kept
    snapshots.forget([1])
    assert (await snapshots.get(1)).title == "v2"
    assert (await snapshots.get(2)).title == "v1"
    assert reads.queries == [[1, 2, 404], [1]]


async def test_snapshots_are_bounded_and_a_failed_read_is_not_kept():
    reads = Reads()
    snapshots = IssueSnapshots(reads, capacity=3)
    for issue_id in range(1, 6):
        await snapshots.get(issue_id)
    assert len(snapshots) == 3
    await snapshots.get(1)  # the oldest were dropped: read again
    assert reads.queries[-1] == [1]
    reads.fail = True
    with pytest.raises(ConnectionError):
        await snapshots.get(9)
    reads.fail = False
    assert (await snapshots.get(9)).id == 9


async def test_a_reader_that_goes_away_does_not_cancel_the_others_read():
    reads = Reads()
    reads.gate.clear()
    snapshots = IssueSnapshots(reads)
    leaving = asyncio.create_task(snapshots.get(1))
    staying = asyncio.create_task(snapshots.get(1))
    await asyncio.sleep(0.01)
    leaving.cancel()
    reads.gate.set()
    assert (await asyncio.wait_for(staying, 5)).id == 1
    assert reads.queries == [[1]]
