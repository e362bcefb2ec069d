"""What ingestion hands to digestion: one accepted event, ready to store, and its outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple

import orjson

from app.ingest.jsontext import storable, without_surrogates
from models.issue import IssueState


@dataclass(frozen=True, slots=True)
class EventRecord:
    project_id: int
    event_id: str  # 32 lowercase hex
    timestamp: datetime
    received_at: datetime
    level: str
    platform: str
    environment: str | None
    release: str | None
    user_json: str | None
    tags_json: str
    payload_json: str  # the normalised event, serialised once
    event_message: str | None  # what the event shows (app.events.message), stored beside it
    fingerprint: str
    grouping_version: str
    grouping_json: str
    title: str
    type: str
    message: str
    culprit: str
    # Events per minute in force for the project when the event arrived (None: unlimited).
    rate_limit_per_minute: int | None
    # The event's tags as normalised (what tags_json holds), for the issue's tag counts: the
    # writer reads them here rather than parsing tags_json again.
    tags: Mapping[str, object] = field(default_factory=dict)

    def issue_columns(self, counter: int) -> list[Any]:
        """project_id … last_seen of a new issue opened by this event (event_count is 0)."""
        return [
            self.project_id,
            self.fingerprint,
            self.grouping_version,
            self.grouping_json,
            counter,
            IssueState.OPEN.value,
            self.level,
            self.type[:128],
            self.message,
            self.title[:255],
            self.culprit[:200],
            self.platform[:32],
            self.timestamp,
            self.timestamp,
        ]

    def event_columns(self, issue_id: int) -> list[Any]:
        """project_id, issue_id, event_id, timestamp … payload, message, message_stored of the
        event row."""
        return [
            self.project_id,
            issue_id,
            self.event_id,
            self.timestamp,
            self.received_at,
            self.level,
            self.platform[:32],
            self.environment,
            self.release,
            self.user_json,
            self.tags_json,
            self.payload_json,
            self.event_message,
            True,
        ]


def sanitized(record: EventRecord) -> EventRecord:
    """The record without what databases refuse in text: NUL characters and lone surrogates.

    Cleaned value by value: the JSON columns are parsed and every string in them (keys too) is
    cleaned, so text that merely looks like an escape (a backslash and `u0000`) stays as it is and
    the JSON stays valid. NUL characters are dropped, lone surrogates become U+FFFD. Rare in
    practice, so it is applied only after a record failed to store as it came.
    """
    changes: dict[str, Any] = {}
    for column in fields(record):
        value = getattr(record, column.name)
        if column.name in _JSON_FIELDS and isinstance(value, str):
            changes[column.name] = orjson.dumps(storable(orjson.loads(value), _clean_text)).decode()
        elif isinstance(value, str):
            changes[column.name] = _clean_text(value)
    return replace(record, **changes)


_JSON_FIELDS = frozenset({"user_json", "tags_json", "payload_json", "grouping_json"})


def _clean_text(text: str) -> str:
    return without_surrogates(text.replace("\x00", ""))


class Outcome(Enum):
    STORED = "stored"
    DUPLICATE = "duplicate"  # the project already has this event id: acknowledged, not counted
    RATE_LIMITED = "rate_limited"
    PROJECT_GONE = "project_gone"  # deleted since the request was let in: not stored


class Receipt(NamedTuple):
    outcome: Outcome
    # Events counted in the project's rate window up to this one (None: the project is
    # unlimited), for surfaces that report the room left (Rollbar's X-Rate-Limit-Remaining).
    window_count: int | None = None
