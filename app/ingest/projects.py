"""What ingestion needs to know of a project (key, rate limit), cached for a second.

One query per project per second and process at most, so a changed key or limit applies
everywhere within a second while events cost no project lookup (app.ingest.cache: unknown ids
are remembered too, and the cache is bounded).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.ingest.cache import MAX_ENTRIES, TTL_S, LookupCache
from models import Project


@dataclass(frozen=True, slots=True)
class ProjectKeys:
    id: int
    sentry_key: str  # 32 lowercase hex
    rate_limit_per_minute: int | None  # the project's own, or the server default


class ProjectCache(LookupCache[int, ProjectKeys]):
    def __init__(
        self,
        default_rate_limit: int | None,
        ttl_s: float = TTL_S,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(self._load_project, ttl_s, max_entries=max_entries, clock=clock)
        self._default = default_rate_limit

    async def _load_project(self, project_id: int) -> ProjectKeys | None:
        live = Project.filter(id=project_id, deleted_at__isnull=True)
        row = await live.values("sentry_key", "rate_limit_per_minute")
        if not row:
            return None
        limit = row[0]["rate_limit_per_minute"]
        return ProjectKeys(
            id=project_id,
            sentry_key=row[0]["sentry_key"],
            rate_limit_per_minute=self._default if limit is None else limit,
        )
