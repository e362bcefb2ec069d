"""Rows written straight through the ORM, for API tests that need data ingestion did not make."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from models import Event, Issue, Project

BASE_TIME = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


async def issue(project: Project, n: int, **fields: Any) -> Issue:
    """Issue number `n` of `project`, last seen `n` minutes after BASE_TIME."""
    await Project.filter(id=project.id).update(issue_counter=n)
    values: dict[str, Any] = {
        "project_id": project.id,
        "fingerprint": f"{n:032x}",
        "counter": n,
        "type": "TypeError",
        "message": f"problem {n}",
        "title": f"TypeError: problem {n}",
        "first_seen": BASE_TIME,
        "last_seen": BASE_TIME + timedelta(minutes=n),
        "event_count": 0,
    }
    values.update(fields)
    return await Issue.create(**values)


async def event(issue: Issue, minute: int, **fields: Any) -> Event:
    values: dict[str, Any] = {
        "project_id": issue.project_id,
        "issue_id": issue.id,
        "event_id": uuid.uuid4().hex,
        "timestamp": BASE_TIME + timedelta(minutes=minute),
        "received_at": BASE_TIME + timedelta(minutes=minute, seconds=1),
        "environment": "production",
        "release": "1.0.0",
        "user": {"id": "123", "email": "user@example.com"},
        "tags": {"browser": "Firefox"},
        "payload": "{}",
    }
    values.update(fields)
    if not isinstance(values["payload"], str):
        values["payload"] = json.dumps(values["payload"])
    if not isinstance(values["payload"], str):
        values["payload"] = json.dumps(values["payload"])
    await Issue.filter(id=issue.id).update(event_count=issue.event_count + 1)
    issue.event_count += 1
    return await Event.create(**values)
