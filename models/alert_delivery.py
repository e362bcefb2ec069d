"""The alert outbox: one row per notification of one channel, written in the transaction that
made the issue, recorded the regression or saw the spike; the delivery loop sends it, retries it
with backoff and records every attempt (AlertAttempt).

`payload` is the notification as it was when it happened (the issue and event summary), so a
later change or deletion of the issue does not change what is sent. `next_attempt_at` orders the
queue; a sender claims a row by moving it forward (a lease), so a process that dies mid-send
leaves the row to be claimed again, and with several processes each row is claimed by one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.alert_channel import AlertChannel
    from models.alert_rule import AlertRule
    from models.issue import Issue
    from models.project import Project


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class AlertDelivery(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="alert_deliveries", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    # Null for a channel test, and once the rule is deleted (the record stays).
    rule: fields.ForeignKeyNullableRelation[AlertRule] = fields.ForeignKeyField(
        "models.AlertRule",
        related_name="deliveries",
        on_delete=fields.SET_NULL,
        null=True,
        db_index=False,
    )
    rule_id: int | None
    channel: fields.ForeignKeyRelation[AlertChannel] = fields.ForeignKeyField(
        "models.AlertChannel", related_name="deliveries", on_delete=fields.CASCADE, db_index=False
    )
    channel_id: int
    # Null for a channel test, and once the issue is deleted (the payload keeps what it was).
    issue: fields.ForeignKeyNullableRelation[Issue] = fields.ForeignKeyField(
        "models.Issue",
        related_name="alert_deliveries",
        on_delete=fields.SET_NULL,
        null=True,
        db_index=False,
    )
    issue_id: int | None
    # An AlertTrigger value, or "test".
    trigger = fields.CharField(max_length=16)
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    payload: fields.JSONField[Any] = fields.JSONField()
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "alert_delivery"
        indexes = (("project", "id"), ("status", "next_attempt_at"))
