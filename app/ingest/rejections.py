"""Refused ingestion requests: one WARNING line per project and reason per minute, and counts.

A wrong DSN must be visible on the server side without one log line per request:

    Rejections.refused(project_id, error)
        log   at most one line per (project, reason) per LOG_EVERY_S, carrying the number of
              refusals it stands for; unknown projects (404) share one key, as their ids are
              the client's invention
        count per (project, outcome) in memory, for `take()` to flush to the database; unknown
              projects are not counted (no row to count them in)

Both structures are bounded: keys are existing projects times a handful of reasons, and the log
limiter forgets its oldest key beyond MAX_LOG_KEYS.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable

from app.errors import (
    FaultlineError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RequestTimeout,
    Unauthorized,
)
from app.ingest.untrusted import clip
from models import IngestOutcome

log = logging.getLogger("app.ingest")

LOG_EVERY_S = 60.0
MAX_LOG_KEYS = 10_000

_UNKNOWN_PROJECT = "unknown_project"

Clock = Callable[[], float]
LogKey = tuple[int | None, str]


def outcome_of(error: FaultlineError) -> IngestOutcome | None:
    """The rejection reason a refusal counts under; None for server-side failures (5xx)."""
    if isinstance(error, Unauthorized):
        return IngestOutcome.UNAUTHORIZED
    if isinstance(error, RateLimited):
        return IngestOutcome.RATE_LIMITED
    if isinstance(error, PayloadTooLarge):
        return IngestOutcome.TOO_LARGE
    if isinstance(error, RequestTimeout):
        return IngestOutcome.TIMEOUT
    if 400 <= error.status < 500:
        return IngestOutcome.INVALID
    return None


class LogLimiter:
    """At most one line per key per period; the lines say how many they stand for."""

    def __init__(
        self,
        every_s: float = LOG_EVERY_S,
        max_keys: int = MAX_LOG_KEYS,
        clock: Clock = time.monotonic,
    ) -> None:
        self._every_s = every_s
        self._max_keys = max_keys
        self._clock = clock
        # key → [start of its current period, events in it since the line that started it]
        self._periods: dict[LogKey, list[float]] = {}

    def __len__(self) -> int:
        return len(self._periods)

    def admit(self, key: LogKey) -> int | None:
        """None: stay silent. Otherwise log now, for this event and the returned number of
        events silenced since the key's previous line."""
        now = self._clock()
        period = self._periods.get(key)
        if period is not None and now - period[0] < self._every_s:
            period[1] += 1
            return None
        silenced = int(period[1]) if period is not None else 0
        self._periods.pop(key, None)  # re-inserted last: the dict stays in order of start
        while len(self._periods) >= self._max_keys:
            del self._periods[next(iter(self._periods))]
        self._periods[key] = [now, 0]
        return silenced

    def expired(self) -> Iterable[tuple[LogKey, int]]:
        """Forget the keys whose period is over; yields those that silenced events."""
        now = self._clock()
        while self._periods:
            key, (start, silenced) = next(iter(self._periods.items()))
            if now - start < self._every_s:
                break
            del self._periods[key]
            if silenced:
                yield key, int(silenced)


class Rejections:
    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._limiter = LogLimiter(clock=clock)
        self._counts: Counter[tuple[int, IngestOutcome]] = Counter()

    @property
    def limiter(self) -> LogLimiter:
        return self._limiter

    def refused(self, project_id: int | None, error: FaultlineError) -> None:
        """Log (rate-limited) and count one refused request; `project_id` None: unknown."""
        outcome = None if isinstance(error, NotFound) else outcome_of(error)
        if isinstance(error, NotFound):
            key: LogKey = (None, _UNKNOWN_PROJECT)
        elif outcome is None or project_id is None:
            return
        else:
            key = (project_id, outcome.value)
            self._counts[(project_id, outcome)] += 1
        silenced = self._limiter.admit(key)
        if silenced is not None:
            more = f" (and {silenced} more in the last minute)" if silenced else ""
            where = "unknown project" if project_id is None else f"project {project_id}"
            log.warning("refused %s: %d %s%s", where, error.status, clip(error.message, 200), more)

    def report_silenced(self) -> None:
        """Log the refusals silenced in periods that are over and had no line since."""
        for (project_id, reason), silenced in self._limiter.expired():
            where = "unknown project" if project_id is None else f"project {project_id}"
            log.warning("refused %s: %d more (%s) in the last minute", where, silenced, reason)

    def take(self) -> dict[tuple[int, IngestOutcome], int]:
        """The counts since the last take, to be stored; `restore` them if that fails."""
        counts, self._counts = dict(self._counts), Counter()
        return counts

    def restore(self, counts: dict[tuple[int, IngestOutcome], int]) -> None:
        self._counts.update(counts)

    def __len__(self) -> int:
        return len(self._counts)
