"""One try at sending an alert delivery: when, how long, and what came back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.alert_delivery import AlertDelivery


class AlertAttempt(Model):
    id = fields.BigIntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[AlertDelivery] = fields.ForeignKeyField(
        "models.AlertDelivery",
        related_name="attempts_made",
        on_delete=fields.CASCADE,
        db_index=False,
    )
    delivery_id: int
    at = fields.DatetimeField()
    duration_ms = fields.IntField()
    # The HTTP status, or null (email, or no answer).
    status_code = fields.IntField(null=True)
    # Null when it was sent.
    error = fields.TextField(null=True)

    class Meta:
        table = "alert_attempt"
        indexes = (("delivery", "id"),)
