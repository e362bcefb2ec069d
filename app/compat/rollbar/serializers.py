"""Issues and events in Rollbar's words: items and occurrences ("instances"), unix seconds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.compat.rollbar.occurrences import occurrence_data
from app.events.service import payload_of
from models import Deploy, DeployStatus, Event, Issue, IssueState, Project

# Issue states ↔ Rollbar item statuses.
STATUS_OF = {IssueState.OPEN: "active", IssueState.RESOLVED: "resolved", IssueState.MUTED: "muted"}
STATE_OF = {status: state for state, status in STATUS_OF.items()}
# Canonical levels ↔ Rollbar's (fatal is Rollbar's critical).
ROLLBAR_LEVEL = {"fatal": "critical"}


def unix(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def item_json(issue: Issue, environment: str | None) -> dict[str, Any]:
    return {
        "id": issue.id,
        "counter": issue.counter,
        "project_id": issue.project_id,
        "title": issue.title,
        "level": ROLLBAR_LEVEL.get(issue.level, issue.level),
        "status": STATUS_OF[IssueState(issue.state)],
        "environment": environment,
        "platform": issue.platform,
        "hash": issue.fingerprint,
        "total_occurrences": issue.event_count,
        "first_occurrence_timestamp": unix(issue.first_seen),
        "last_occurrence_timestamp": unix(issue.last_seen),
        "resolved_in_version": issue.resolved_in_version,
    }


def instance_json(event: Event) -> dict[str, Any]:
    """An occurrence: its stored (canonical) event rendered as Rollbar's item `data`
    (occurrences.py), with Rollbar's own keys on top."""
    payload = payload_of(event)
    data = occurrence_data(payload)
    data.update(
        environment=event.environment,
        level=ROLLBAR_LEVEL.get(event.level, event.level),
        timestamp=unix(event.timestamp),
        uuid=(payload.get("contexts") or {}).get("rollbar", {}).get("uuid") or event.event_id,
    )
    return {
        "id": event.id,
        "project_id": event.project_id,
        "item_id": event.issue_id,
        "timestamp": unix(event.timestamp),
        "version": 2,
        "data": data,
        "billable": 1,
    }


def project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "status": "enabled",
        "date_created": unix(project.created_at),
    }


def deploy_json(deploy: Deploy) -> dict[str, Any]:
    return {
        "id": deploy.id,
        "project_id": deploy.project_id,
        "environment": deploy.environment,
        "revision": deploy.revision,
        "rollbar_username": deploy.rollbar_username,
        "local_username": deploy.local_username,
        "user_id": None,
        "comment": deploy.comment,
        "status": deploy.status.value if isinstance(deploy.status, DeployStatus) else deploy.status,
        "start_time": unix(deploy.start_time),
        "finish_time": unix(deploy.finish_time),
    }
