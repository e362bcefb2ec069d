"""API tokens found recently: token hash → its row, per server, bounded and short-lived.

Every API request authenticates; without this each would cost a query. A deletion drops the
token from every cache of the process the moment it commits (`forget`, called by
tokens.delete_token), and from those of every other process when their broker hears the
deletion (app/notifications/broker.py); a broker whose listener was away forgets everything
(`forget_all`), since it may have missed deletions. An entry lives at most TTL_S: that bounds a
deletion nobody publishes to this process (`faultline token delete` on SQLite, a row deleted by
hand).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from aiohttp import web

from models import ApiToken

CAPACITY = 1024
TTL_S = 10.0

# The caches of this process's servers (one in production; tests run several).
_open: set[TokenCache] = set()


class TokenCache:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        capacity: int = CAPACITY,
        ttl_s: float = TTL_S,
    ) -> None:
        self._clock = clock
        self._capacity = capacity
        self._ttl_s = ttl_s
        self._entries: OrderedDict[str, tuple[float, ApiToken]] = OrderedDict()
        # Bumped by every forget: a row read before a deletion is not stored after it.
        self.generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    def open(self) -> None:
        _open.add(self)

    def close(self) -> None:
        _open.discard(self)
        self._entries.clear()

    def get(self, token_hash: str) -> ApiToken | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if self._clock() >= entry[0]:
            del self._entries[token_hash]
            return None
        self._entries.move_to_end(token_hash)
        return entry[1]

    def put(self, token_hash: str, record: ApiToken, generation: int) -> None:
        """Keep `record`, read when `generation` was current, unless a forget came since."""
        if generation != self.generation:
            return
        self._entries[token_hash] = (self._clock() + self._ttl_s, record)
        self._entries.move_to_end(token_hash)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def forget_ids(self, token_ids: set[int]) -> None:
        self.generation += 1
        for key in [k for k, (_, record) in self._entries.items() if record.id in token_ids]:
            del self._entries[key]

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()


def forget(token_ids: Iterable[int]) -> None:
    """Deleted tokens: no cache of this process knows them any more."""
    ids = set(token_ids)
    if ids:
        for cache in _open:
            cache.forget_ids(ids)


def forget_all() -> None:
    for cache in _open:
        cache.clear()


TOKEN_CACHE = web.AppKey("token_cache", TokenCache)
