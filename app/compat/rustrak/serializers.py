"""Model → JSON shapes of the Rustrak reference (plus the fields Faultline adds)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from app.auth.tokens import masked
from app.events.service import payload_of
from app.issues.service import grouping_explanation
from app.projects.naming import dashed_key, dsn, short_id
from models import REJECTION_REASONS, ApiToken, Event, IngestOutcome, Issue, IssueHistory, Project


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with `Z`; fractional seconds only when there are any."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def project_json(project: Project, base_url: str) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "slug": project.slug,
        "sentry_key": dashed_key(project.sentry_key),
        "dsn": dsn(base_url, project.sentry_key, project.id),
        "rate_limit_per_minute": project.rate_limit_per_minute,
        "retention_days": project.retention_days,
        "max_events": project.max_events,
        "created_at": iso(project.created_at),
    }


def stats_json(counts: dict[IngestOutcome, int]) -> dict[str, Any]:
    """Faultline's addition to a project: events accepted, requests refused by reason."""
    return {
        "accepted": counts[IngestOutcome.ACCEPTED],
        "rejected": {reason.value: counts[reason] for reason in REJECTION_REASONS},
    }


def issue_json(issue: Issue, slug: str, *, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": issue.id,
        "project_id": issue.project_id,
        "short_id": short_id(slug, issue.counter),
        "type": issue.type,
        "message": issue.message,
        "title": issue.title,
        "culprit": issue.culprit,
        "level": issue.level,
        "platform": issue.platform,
        "state": str(issue.state),
        "event_count": issue.event_count,
        "first_seen": iso(issue.first_seen),
        "last_seen": iso(issue.last_seen),
    }
    if detail:
        body["grouping"] = grouping_explanation(issue)
    return body


def history_json(row: IssueHistory) -> dict[str, Any]:
    return {
        "from": row.from_state,
        "to": row.to_state,
        "cause": row.cause,
        "actor": row.actor,
        "at": iso(row.at),
    }


def event_id_json(event: Event) -> str:
    return str(uuid.UUID(hex=event.event_id))


def event_summary_json(event: Event) -> dict[str, Any]:
    return {
        "id": event_id_json(event),
        "timestamp": iso(event.timestamp),
        "environment": event.environment,
        "release": event.release,
        "user": event.user,
    }


# Payload keys that the full event renders under its own names.
_RENAMED = frozenset({"event_id", "timestamp", "received", "environment", "release", "user"})


def event_json(event: Event) -> dict[str, Any]:
    """The full event: the normalised payload with ids and times in API form."""
    payload = payload_of(event)
    logentry = payload.get("logentry") or {}
    body: dict[str, Any] = {
        **event_summary_json(event),
        "issue_id": event.issue_id,
        "project_id": event.project_id,
        "received_at": iso(event.received_at),
        "level": event.level,
        "platform": event.platform,
        "message": logentry.get("formatted") or logentry.get("message"),
        "tags": event.tags or {},
    }
    for key, value in payload.items():
        if key not in _RENAMED and key not in body:
            body[key] = value
    return body


def token_json(token: ApiToken, full_token: str | None = None) -> dict[str, Any]:
    return {
        "id": token.id,
        "token": full_token or masked(token.prefix),
        "description": token.description,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
    }
