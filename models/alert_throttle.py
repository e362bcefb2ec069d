"""When a rule last notified about an issue: at most one notification per issue per rule per
throttle window, decided by one conditional upsert so that concurrent batches and processes
agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.alert_rule import AlertRule
    from models.issue import Issue


class AlertThrottle(Model):
    id = fields.BigIntField(primary_key=True)
    rule: fields.ForeignKeyRelation[AlertRule] = fields.ForeignKeyField(
        "models.AlertRule", related_name="throttles", on_delete=fields.CASCADE, db_index=False
    )
    rule_id: int
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="alert_throttles", on_delete=fields.CASCADE
    )
    issue_id: int
    last_at = fields.DatetimeField()

    class Meta:
        table = "alert_throttle"
        unique_together = (("rule", "issue"),)
