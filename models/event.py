"""A stored event: the SDK's payload, normalised, plus the columns the APIs filter and sort on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.issue import Issue
    from models.project import Project


class Event(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="events", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="events", on_delete=fields.CASCADE, db_index=False
    )
    issue_id: int
    # The SDK's event id, 32 lowercase hex; unique per project so retries are stored once.
    event_id = fields.CharField(max_length=32)
    timestamp = fields.DatetimeField()
    received_at = fields.DatetimeField()
    level = fields.CharField(max_length=16, default="error")
    platform = fields.CharField(max_length=32, default="other")
    environment = fields.CharField(max_length=255, null=True)
    release = fields.CharField(max_length=255, null=True)
    user: fields.JSONField[Any] = fields.JSONField(null=True)
    tags: fields.JSONField[Any] = fields.JSONField(default=dict)
    # The normalised event as JSON text: stored and returned whole, never queried into, so
    # the database neither parses it (jsonb) nor checks it twice.
    payload = fields.TextField()
    # What lists show of an event, stored at ingestion (app.events.message) so that reading
    # them needs no payload. Rows stored before these columns have message_stored false: their
    # message is derived from the payload when read.
    message = fields.TextField(null=True)
    message_stored = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "event"
        # event_id first: the same index serves lookups by event id alone.
        unique_together = (("event_id", "project"),)
        # (issue, environment, release): searches probe each candidate issue's events for an
        # environment (a seek) or a release (an index-only scan of that issue's entries).
        # (project, timestamp, id): retention finds a project's oldest events and counts them.
        indexes = (
            ("issue", "timestamp", "id"),
            ("issue", "environment", "release"),
            ("project", "timestamp", "id"),
        )
