"""What ingestion needs to know of a project (key, rate limit), cached for a second.

One query per project per second and process at most, so a changed key or limit applies
everywhere within a second while events cost no project lookup. Unknown ids are remembered
too (so a flood of them costs one query per id per second), in a cache of MAX_ENTRIES at most:
past that, the oldest entry goes first.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from models import Project

TTL_S = 1.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class ProjectKeys:
    id: int
    sentry_key: str  # 32 lowercase hex
    rate_limit_per_minute: int | None  # the project's own, or the server default


class ProjectCache:
    def __init__(
        self,
        default_rate_limit: int | None,
        ttl_s: float = TTL_S,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._default = default_rate_limit
        self._ttl = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        # Insertion order is expiry order: every entry lives `ttl_s` from its insertion.
        self._entries: dict[int, tuple[float, ProjectKeys | None]] = {}
        self._loading: dict[int, asyncio.Future[ProjectKeys | None]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, project_id: int) -> ProjectKeys | None:
        entry = self._entries.get(project_id)
        if entry is not None and entry[0] > self._clock():
            return entry[1]
        loading = self._loading.get(project_id)
        if loading is not None:  # one query in flight per project, shared by all requests
            return await asyncio.shield(loading)
        future: asyncio.Future[ProjectKeys | None] = asyncio.get_running_loop().create_future()
        self._loading[project_id] = future
        try:
            keys = await self._load(project_id)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved, so an unawaited failure is not logged twice
            raise
        finally:
            del self._loading[project_id]
        self._remember(project_id, keys)
        future.set_result(keys)
        return keys

    def _remember(self, project_id: int, keys: ProjectKeys | None) -> None:
        now = self._clock()
        self._entries.pop(project_id, None)
        # Drop what has expired, and the oldest entries while the cache is full.
        while self._entries:
            oldest = next(iter(self._entries))
            if self._entries[oldest][0] > now and len(self._entries) < self._max_entries:
                break
            del self._entries[oldest]
        self._entries[project_id] = (now + self._ttl, keys)

    async def _load(self, project_id: int) -> ProjectKeys | None:
        row = await Project.filter(id=project_id).values("sentry_key", "rate_limit_per_minute")
        if not row:
            return None
        limit = row[0]["rate_limit_per_minute"]
        return ProjectKeys(
            id=project_id,
            sentry_key=row[0]["sentry_key"],
            rate_limit_per_minute=self._default if limit is None else limit,
        )
