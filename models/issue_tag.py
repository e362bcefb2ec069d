"""Events of an issue per tag value, kept by ingestion (tags, environments, releases).

`environment` and `release` are counted as two reserved keys, so one table serves the issue's
tags, environments and releases. Bounds are in `app.ingest.tallies`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.issue import Issue


class IssueTag(Model):
    id = fields.BigIntField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="tag_values", on_delete=fields.CASCADE, db_index=False
    )
    issue_id: int
    key = fields.CharField(max_length=32)
    value = fields.CharField(max_length=200)
    count = fields.BigIntField(default=0)
    # The events' own timestamps.
    first_seen = fields.DatetimeField()
    last_seen = fields.DatetimeField()

    class Meta:
        table = "issue_tag"
        unique_together = (("issue", "key", "value"),)
