"""Events accepted per project per minute, shared by every server process for rate limiting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.project import Project


class RateWindow(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="rate_windows", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    # Unix time divided by 60: the minute this row counts.
    minute = fields.BigIntField()
    count = fields.IntField(default=0)

    class Meta:
        table = "rate_window"
        unique_together = (("project", "minute"),)
