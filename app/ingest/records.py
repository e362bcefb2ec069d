"""What ingestion hands to digestion: one accepted event, ready to store, and its outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import Enum
from typing import Any


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
    user: dict[str, Any] | None
    tags: dict[str, str]
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


def sanitized(record: EventRecord) -> EventRecord:
    """The record without what databases refuse in text: NUL characters and lone surrogates.

    Rare in practice, so it is applied only after a record failed to store as it came.
    """
    changes: dict[str, Any] = {}
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            changes[field.name] = _clean_text(value)
        elif isinstance(value, dict):
            changes[field.name] = json.loads(_clean_text(json.dumps(value, ensure_ascii=False)))
    return replace(record, **changes)


def _clean_text(text: str) -> str:
    text = text.replace("\\u0000", "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


class Outcome(Enum):
    STORED = "stored"
    DUPLICATE = "duplicate"  # the project already has this event id: acknowledged, not counted
    RATE_LIMITED = "rate_limited"
