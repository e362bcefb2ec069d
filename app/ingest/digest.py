"""The surface-neutral half of ingestion: a normalised event → grouping → group commit.

Every surface (Sentry's envelope and store endpoints, Rollbar's item endpoint) authenticates
and parses in its own terms, builds the canonical event of app.ingest.normalize, and hands it
here. `Digest.submit` groups it, stores it in the writer's next group commit (exactly once per
project and event id), and answers only once that commit is durable. Rate limits are the
project's, whichever surface the event came through; a project over its limit is remembered
until its window ends, so a surface can refuse early (`refuse_if_exhausted`) before it reads a
body. Refusals are counted here too, per project and reason, whatever the surface.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.database import is_unavailable
from app.errors import NotFound, RateLimited
from app.events.message import event_message
from app.grouping import compute_grouping, summarize
from app.ingest.jsontext import dumps
from app.ingest.projects import ProjectKeys
from app.ingest.ratelimit import retry_after_s, window_end_s
from app.ingest.records import EventRecord, Outcome
from app.ingest.rejections import Rejections
from app.ingest.writer import EventWriter

log = logging.getLogger(__name__)

MAX_TITLE_CHARS = 255


@dataclass(frozen=True, slots=True)
class Digested:
    event_id: str
    # Events counted in the project's current minute, this one included (None: unlimited).
    window_count: int | None


class Digest:
    def __init__(self, writer: EventWriter, *, clock: Callable[[], float] = time.time) -> None:
        self._writer = writer
        self._clock = clock  # wall-clock seconds: rate windows and received_at
        # project id → (window end, limit it was reached under): refuse early until then.
        self._exhausted: dict[int, tuple[float, int]] = {}
        self.rejections = Rejections(clock=clock)

    def now(self) -> float:
        return self._clock()

    def refuse_if_exhausted(self, project: ProjectKeys) -> None:
        entry = self._exhausted.get(project.id)
        if entry is None:
            return
        until, limit = entry
        now = self._clock()
        if now < until and limit == project.rate_limit_per_minute:
            raise RateLimited("event rejected due to rate limit", retry_after_s(now))
        del self._exhausted[project.id]

    async def submit(
        self, project: ProjectKeys, event: dict[str, Any], *, title: str | None = None
    ) -> Digested:
        """Store a normalised event; `title` replaces the computed one (a client's own)."""
        record = build_record(project, event, title=title)
        receipt = await self._writer.submit(record)
        if receipt.outcome is Outcome.PROJECT_GONE:  # deleted since: as if it never existed
            raise NotFound(f"project {project.id} does not exist")
        if receipt.outcome is Outcome.RATE_LIMITED:
            now = self._clock()
            limit = project.rate_limit_per_minute
            if limit is not None:
                self._exhausted[project.id] = (window_end_s(now), limit)
            raise RateLimited("event rejected due to rate limit", retry_after_s(now))
        return Digested(record.event_id, receipt.window_count)

    async def flush_rejections(self) -> None:
        """Add the refusals counted in memory to the database (kept for later if it is down)."""
        counts = self.rejections.take()
        if not counts:
            return
        rows = [(p, outcome, n) for (p, outcome), n in sorted(counts.items())]
        try:
            await self._writer.add_counts(rows)
        except Exception as exc:
            if not is_unavailable(exc):
                log.exception("could not store %d refusal counts; dropped", len(rows))
                return
            self.rejections.restore(counts)


def build_record(
    project: ProjectKeys, event: dict[str, Any], *, title: str | None = None
) -> EventRecord:
    """The row-ready form of a normalised event (pure)."""
    tags = event.get("tags") or {}
    grouping = compute_grouping(event)
    summary = summarize(event)
    user = event.get("user")
    return EventRecord(
        project_id=project.id,
        event_id=event["event_id"],
        timestamp=datetime.fromtimestamp(event["timestamp"], UTC),
        received_at=datetime.fromtimestamp(event["received"], UTC),
        level=event["level"],
        platform=event["platform"],
        environment=_column(event.get("environment")),
        release=_column(event.get("release")),
        user_json=dumps(user) if isinstance(user, dict) else None,
        tags_json=dumps(tags),
        payload_json=dumps(event),
        event_message=event_message(event),
        fingerprint=grouping.hash,
        grouping_version=grouping.version,
        grouping_json=dumps({"variant": grouping.variant, **grouping.explanation}),
        title=summary.title if title is None else title[:MAX_TITLE_CHARS],
        type=summary.type,
        message=summary.message,
        culprit=summary.culprit,
        rate_limit_per_minute=project.rate_limit_per_minute,
        tags=tags if isinstance(tags, dict) else {},
    )


def _column(value: object) -> str | None:
    return value[:255] if isinstance(value, str) else None
