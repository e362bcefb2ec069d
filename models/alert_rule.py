"""When a project alerts: on a new issue, a regression, or a spike (more than `threshold`
events of one issue within `window_minutes`), sent to the rule's channels at most once per issue
per `throttle_minutes`."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.alert_channel import AlertChannel
    from models.project import Project


class AlertTrigger(StrEnum):
    NEW_ISSUE = "new_issue"
    REGRESSION = "regression"
    SPIKE = "spike"


class AlertRule(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="alert_rules", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    trigger = fields.CharEnumField(AlertTrigger, max_length=16)
    channels: fields.ManyToManyRelation[AlertChannel] = fields.ManyToManyField(
        "models.AlertChannel",
        related_name="rules",
        through="alert_rule_channel",
        forward_key="channel_id",
        backward_key="rule_id",
        on_delete=fields.CASCADE,
    )
    throttle_minutes = fields.IntField(default=30)
    # spike only: more than `threshold` events within `window_minutes`.
    threshold = fields.IntField(null=True)
    window_minutes = fields.IntField(null=True)
    enabled = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "alert_rule"
        indexes = (("project", "id"),)
