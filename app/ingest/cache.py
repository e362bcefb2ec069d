"""A short-lived, bounded cache of database lookups: one query per key and second at most.

Misses (None) are remembered too, so a flood of unknown keys costs one query per key per
TTL; past MAX_ENTRIES the oldest entry goes first. Concurrent requests for one key share one
query in flight. `forget` drops entries at once (a deletion heard through the broker); a
lookup in flight then is not remembered, as it may have read the row before the change.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
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
        self._forgotten = 0  # how many times `forget` ran: a lookup that spans one is stale

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] > self._clock():
            return entry[1]
        loading = self._loading.get(key)
        if loading is not None:  # one query in flight per key, shared by all requests
            return await asyncio.shield(loading)
        future: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        forgotten = self._forgotten
        try:
            value = await self._load(key)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved, so an unawaited failure is not logged twice
            raise
        finally:
            del self._loading[key]
        if forgotten == self._forgotten:
            self._remember(key, value)
        future.set_result(value)
        return value

    def forget(self, keys: Iterable[K] = (), *, where: Callable[[V], bool] | None = None) -> None:
        """Drop the entries of `keys`, and those whose value matches `where`."""
        for key in keys:
            self._entries.pop(key, None)
        if where is not None:
            for key in [k for k, (_, v) in self._entries.items() if v is not None and where(v)]:
                del self._entries[key]
        self._forgotten += 1

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
