"""What ingestion hands to digestion: one accepted event, ready to store, and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import Enum
from typing import Any

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
    fingerprint: str
    grouping_version: str
    grouping_json: str
    title: str
    type: str
    message: str
    culprit: str
    # Events per minute in force for the project when the event arrived (None: unlimited).
    rate_limit_per_minute: int | None

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
        """project_id, issue_id, event_id, timestamp … payload of the event row."""
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
        ]


def sanitized(record: EventRecord) -> EventRecord:
    """The record without what databases refuse in text: NUL characters and lone surrogates.

    Rare in practice, so it is applied only after a record failed to store as it came.
    """
    changes: dict[str, Any] = {
        field.name: _clean_text(value)
        for field in fields(record)
        if isinstance(value := getattr(record, field.name), str)
    }
    return replace(record, **changes)


def _clean_text(text: str) -> str:
    text = text.replace("\\u0000", "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


class Outcome(Enum):
    STORED = "stored"
    DUPLICATE = "duplicate"  # the project already has this event id: acknowledged, not counted
    RATE_LIMITED = "rate_limited"
