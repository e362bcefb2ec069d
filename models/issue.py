"""An issue: every event of one fingerprint within a project."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.project import Project


class IssueState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    MUTED = "muted"


class Issue(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="issues", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    # Grouping hash (32 hex) and the algorithm version that produced it.
    fingerprint = fields.CharField(max_length=64)
    grouping_version = fields.CharField(max_length=32, default="")
    grouping: fields.JSONField[Any] = fields.JSONField(default=dict)
    # Per-project number behind short_id (`MY-APP-7`).
    counter = fields.IntField()
    state = fields.CharEnumField(IssueState, max_length=16, default=IssueState.OPEN)
    # The version a resolution names (Rollbar's `resolved_in_version`): events of older
    # versions do not reopen the issue. Set only while resolved.
    resolved_in_version = fields.CharField(max_length=40, null=True)
    level = fields.CharField(max_length=16, default="error")
    type = fields.CharField(max_length=128, default="")
    message = fields.TextField(default="")
    title = fields.CharField(max_length=255, default="")
    culprit = fields.CharField(max_length=200, default="")
    platform = fields.CharField(max_length=32, default="other")
    event_count = fields.BigIntField(default=0)
    # Every tag of every event the issue received is counted in issue_tag, so a tag search
    # may answer from there (app.search.sql); false from the first tag a bound left out.
    tags_exact = fields.BooleanField(default=True, db_default=True)
    first_seen = fields.DatetimeField()
    last_seen = fields.DatetimeField()

    class Meta:
        table = "issue"
        unique_together = (("project", "fingerprint"), ("project", "counter"))
        indexes = (("project", "last_seen", "id"), ("project", "state", "last_seen", "id"))
