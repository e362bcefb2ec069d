"""IssueSnapshots: the issue a change names, read once per process for all its subscribers.

Every subscriber showing a change reads the issue "as it is now". Rather than one read per
subscriber, the process keeps the latest read of each issue and shares it: an entry is made by
the first subscriber that asks (reads asked for in the same turn of the event loop are one
query) and forgotten as soon as the broker hears another change of that issue, so a reader
never gets a read older than the change it shows, nor older than any change the process has
heard of that issue since (a queued COUNT shows the counts it absorbed).

At most `capacity` issues are kept, the least recently made dropped first (a dropped entry only
costs a read again); the keys are issue ids the broker heard, never client input.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from models import Issue

if TYPE_CHECKING:
    from strawberry.dataloader import DataLoader

DEFAULT_CAPACITY = 1_000

ReadIssues = Callable[[list[int]], Awaitable[Mapping[int, Issue]]]


class IssueSnapshots:
    def __init__(self, read: ReadIssues, *, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[int, asyncio.Future[Issue | None]] = OrderedDict()

        async def load(issue_ids: list[int]) -> list[Issue | None]:
            found = await read(issue_ids)
            return [found.get(issue_id) for issue_id in issue_ids]

        # Imported here, by the servers that make one: the CLI's commands publish changes
        # through this package without waiting for strawberry to load.
        from strawberry.dataloader import DataLoader

        # No cache of its own: the entries above are the cache; it only batches.
        self._loader: DataLoader[int, Issue | None] = DataLoader(load, cache=False)

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, issue_id: int) -> Issue | None:
        """The issue (None: deleted), read after the last change of it this process heard."""
        entry = self._entries.get(issue_id)
        if entry is None:
            entry = asyncio.ensure_future(self._loader.load(issue_id))
            entry.add_done_callback(lambda done: self._settled(issue_id, done))
            self._entries[issue_id] = entry
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        # Shielded: a reader that goes away does not cancel the read the others wait for.
        return await asyncio.shield(entry)

    def forget(self, issue_ids: Iterable[int]) -> None:
        """Changes of these issues were heard: their next readers read them again."""
        for issue_id in issue_ids:
            self._entries.pop(issue_id, None)

    def _settled(self, issue_id: int, done: asyncio.Future[Issue | None]) -> None:
        # A failed read is not kept (the next reader tries again).
        failed = done.cancelled() or done.exception() is not None
        if failed and self._entries.get(issue_id) is done:
            del self._entries[issue_id]
