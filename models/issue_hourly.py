"""Events of an issue per hour, kept by ingestion for the issue's frequency (sparklines)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.issue import Issue


class IssueHourly(Model):
    id = fields.BigIntField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="hourly_counts", on_delete=fields.CASCADE, db_index=False
    )
    issue_id: int
    # Unix time of the events' own timestamps divided by 3600: the UTC hour this row counts.
    hour = fields.BigIntField()
    count = fields.BigIntField(default=0)

    class Meta:
        table = "issue_hourly"
        unique_together = (("issue", "hour"),)
