"""The bounded lookup cache forgets on demand: by key, by value, and a lookup in flight while
it forgets is answered but not remembered (it may have read the row before the change)."""

from __future__ import annotations

import asyncio

from app.ingest.cache import LookupCache


class Rows:
    """A stand-in for the database: values by key, lookups counted, one lookup held open."""

    def __init__(self) -> None:
        self.values = {1: "one", 2: "two", 3: "three"}
        self.lookups: list[int] = []
        self.hold: asyncio.Event | None = None
        self.reading = asyncio.Event()

    async def load(self, key: int) -> str | None:
        self.lookups.append(key)
        value = self.values.get(key)
        self.reading.set()
        if self.hold is not None:
            await self.hold.wait()
        return value


async def test_forgotten_keys_and_values_are_looked_up_again() -> None:
    rows = Rows()
    cache = LookupCache(rows.load, clock=lambda: 0.0)  # nothing expires by itself
    assert [await cache.get(k) for k in (1, 2, 3, 1, 2, 3)] == ["one", "two", "three"] * 2
    assert rows.lookups == [1, 2, 3]
    rows.values = {1: "uno", 2: "dos", 3: "tres"}
    cache.forget([1], where=lambda value: value == "three")
    assert [await cache.get(k) for k in (1, 2, 3)] == ["uno", "two", "tres"]
    assert rows.lookups == [1, 2, 3, 1, 3]


async def test_a_lookup_in_flight_while_the_cache_forgets_is_not_remembered() -> None:
    rows = Rows()
    cache = LookupCache(rows.load, clock=lambda: 0.0)
    rows.hold = asyncio.Event()
    early = asyncio.create_task(cache.get(1))
    await asyncio.wait_for(rows.reading.wait(), 5)
    del rows.values[1]  # deleted after the lookup read it
    cache.forget([1])
    rows.hold.set()
    assert await asyncio.wait_for(early, 5) == "one"
    rows.hold = None
    assert await cache.get(1) is None
    assert rows.lookups == [1, 1]
    assert await cache.get(1) is None  # the miss is remembered
    assert rows.lookups == [1, 1]
