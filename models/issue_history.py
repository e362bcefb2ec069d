"""One row per state change of an issue, by a person or by a regression."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.issue import Issue


class IssueHistory(Model):
    id = fields.BigIntField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="history", on_delete=fields.CASCADE, db_index=False
    )
    issue_id: int
    from_state = fields.CharField(max_length=16)
    to_state = fields.CharField(max_length=16)
    cause = fields.CharField(max_length=32)
    at = fields.DatetimeField()
    # Who asked for it (app.auth.actors): null for regressions and for rows written before
    # actors were recorded.
    actor = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "issue_history"
        indexes = (("issue", "at", "id"),)
