"""Where a project's alerts go: a signed webhook, a Slack-compatible incoming webhook or email.

`secret` (webhook signing) is returned once, in the answer that creates the channel, and never
again; SMTP credentials live in `FAULTLINE_SMTP_URL`, not here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.project import Project


class ChannelKind(StrEnum):
    WEBHOOK = "webhook"
    SLACK = "slack"
    EMAIL = "email"


class AlertChannel(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="alert_channels", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    kind = fields.CharEnumField(ChannelKind, max_length=16)
    name = fields.CharField(max_length=200)
    # webhook and slack: the URL posted to.
    url = fields.TextField(null=True)
    # webhook: the HMAC-SHA256 key of X-Faultline-Signature.
    secret = fields.CharField(max_length=128, null=True)
    # email: the addresses it goes to (a JSON list of strings; "to" in the APIs).
    recipients: fields.JSONField[Any] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "alert_channel"
        indexes = (("project", "id"),)
