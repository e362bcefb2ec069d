"""A short-lived, bounded cache of database lookups: one query per key and second at most.

Misses (None) are remembered too, so a flood of unknown keys costs one query per key per
TTL; past MAX_ENTRIES the oldest entry goes first. Concurrent requests for one key share one
query in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

TTL_S = 1.0
MAX_ENTRIES = 10_000


class LookupCache(Generic[K, V]):
    def __init__(
        self,
        load: Callable[[K], Awaitable[V | None]],
        ttl_s: float = TTL_S,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        # Insertion order is expiry order: every entry lives `ttl_s` from its insertion.
        self._entries: dict[K, tuple[float, V | None]] = {}
        self._loading: dict[K, asyncio.Future[V | None]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def forget(self, key: K) -> None:
        """The next get of `key` loads it anew."""
        self._entries.pop(key, None)

    async def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] > self._clock():
            return entry[1]
        loading = self._loading.get(key)
        if loading is not None:  # one query in flight per key, shared by all requests
            return await asyncio.shield(loading)
        future: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await self._load(key)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved, so an unawaited failure is not logged twice
            raise
        finally:
            del self._loading[key]
        self._remember(key, value)
        future.set_result(value)
        return value

    def _remember(self, key: K, value: V | None) -> None:
        now = self._clock()
        self._entries.pop(key, None)
        # Drop what has expired, and the oldest entries while the cache is full.
        while self._entries:
            oldest = next(iter(self._entries))
            if self._entries[oldest][0] > now and len(self._entries) < self._max_entries:
                break
            del self._entries[oldest]
        self._entries[key] = (now + self._ttl, value)
