"""The notification an alert sends: the issue and its latest event as they were (pure).

`{rule, project, issue {id, short_id, title, culprit, level, state, event_count, first_seen,
last_seen, url}, event {id, timestamp, level, platform, environment, release, message}}`: a
snapshot stored with the delivery, so retries send the same body whatever happens to the issue.
The issue's url is the web UI's page of it (`/issues/<id>`, see app/web/static/js/router.js).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.projects.naming import short_id

MAX_MESSAGE_CHARS = 1_000


@dataclass(frozen=True, slots=True)
class IssueSnapshot:
    id: int
    project_id: int
    project_name: str
    project_slug: str
    counter: int
    title: str
    culprit: str
    level: str
    state: str
    event_count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class EventSummary:
    id: str  # 32 hex
    timestamp: datetime
    level: str
    platform: str
    environment: str | None
    release: str | None
    message: str


def issue_url(base_url: str, issue_id: int) -> str:
    return f"{base_url.rstrip('/')}/issues/{issue_id}"


def build_payload(
    *,
    rule_id: int | None,
    trigger: str,
    issue: IssueSnapshot,
    event: EventSummary | None,
    base_url: str,
    **extra: Any,
) -> dict[str, Any]:
    """The JSON-ready payload; `extra` adds trigger details (a spike's count and window)."""
    return {
        "rule": {"id": rule_id, "trigger": trigger, **extra},
        "project": {"id": issue.project_id, "name": issue.project_name, "slug": issue.project_slug},
        "issue": {
            "id": issue.id,
            "short_id": short_id(issue.project_slug, issue.counter),
            "title": issue.title,
            "culprit": issue.culprit,
            "level": issue.level,
            "state": issue.state,
            "event_count": issue.event_count,
            "first_seen": _iso(issue.first_seen),
            "last_seen": _iso(issue.last_seen),
            "url": issue_url(base_url, issue.id),
        },
        "event": None if event is None else _event(event),
    }


def _event(event: EventSummary) -> dict[str, Any]:
    return {
        "id": event.id,
        "timestamp": _iso(event.timestamp),
        "level": event.level,
        "platform": event.platform,
        "environment": event.environment,
        "release": event.release,
        "message": event.message[:MAX_MESSAGE_CHARS],
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_payload(project_id: int, project_name: str, project_slug: str) -> dict[str, Any]:
    """What a channel test sends: the payload's shape, without an issue."""
    return {
        "rule": {"id": None, "trigger": "test"},
        "project": {"id": project_id, "name": project_name, "slug": project_slug},
        "issue": None,
        "event": None,
        "message": "A test notification from Faultline: this channel works.",
    }
