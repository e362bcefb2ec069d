"""Mutations of a project's alert channels and rules, over the service REST uses too.

Arguments carry the REST fields' names in camel case; a service error naming a REST field is
renamed to the argument (BAD_USER_INPUT with `extensions.field`).
"""

from __future__ import annotations

from typing import Any

import strawberry

from app.alerts import service as alerts
from app.errors import InvalidField
from models import AlertChannel, AlertRule, Project
from schema.context import Context
from schema.errors import renamed_fields
from schema.permissions import AUTHENTICATED
from schema.types.alerts import (
    AlertDeliveryType,
    AlertRuleType,
    AlertTriggerEnum,
    ChannelKindEnum,
    CreatedChannel,
)
from schema.types.common import model_id

_ARGUMENTS = {
    "channel_ids": "channelIds",
    "throttle_minutes": "throttleMinutes",
    "window_minutes": "windowMinutes",
}


def _channel_ids(ids: list[strawberry.ID] | None) -> list[int] | None:
    """IDs as the integers the REST body carries (checked there for range and project)."""
    if ids is None:
        return None
    values: list[int] = []
    for raw in ids:
        text = str(raw)
        if not (text.isascii() and text.isdigit()):
            raise InvalidField("channel_ids", "each channel id must be an integer")
        if len(text) > 20:
            raise InvalidField(
                "channel_ids", f"channel {text[:20]}... is not a channel of this project"
            )
        values.append(int(text))
    return values


def _given(**arguments: Any) -> dict[str, Any]:
    """The arguments a client passed (UNSET: left out), under their REST names."""
    return {k: v for k, v in arguments.items() if v is not strawberry.UNSET}


@strawberry.type
class AlertMutations:
    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="`url` for webhook and Slack, `to` for email; a webhook without `secret` "
        "gets one generated, shown in the answer only.",
    )
    async def create_channel(
        self,
        project_id: strawberry.ID,
        kind: ChannelKindEnum,
        name: str,
        url: str | None = None,
        secret: str | None = None,
        to: list[str] | None = None,
    ) -> CreatedChannel:
        project = model_id(project_id, Project, "projectId", "project")
        body = {"kind": kind.value.value, "name": name, "url": url, "secret": secret, "to": to}
        given = {k: v for k, v in body.items() if v is not None}
        return CreatedChannel.created(await alerts.create_channel(project, given))

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Send a test notification to the channel now; the delivery as it ended "
        "(SENT, or FAILED with `lastError`; a test is tried once).",
    )
    async def test_channel(
        self, info: strawberry.Info[Context, None], project_id: strawberry.ID, id: strawberry.ID
    ) -> AlertDeliveryType:
        project = model_id(project_id, Project, "projectId", "project")
        channel = model_id(id, AlertChannel, "id", "channel")
        return AlertDeliveryType.of(
            await alerts.test_channel(project, channel, info.context.settings)
        )

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Refused (BAD_USER_INPUT) while an alert rule sends to it.",
    )
    async def delete_channel(self, project_id: strawberry.ID, id: strawberry.ID) -> bool:
        project = model_id(project_id, Project, "projectId", "project")
        await alerts.delete_channel(project, model_id(id, AlertChannel, "id", "channel"))
        return True

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def create_alert_rule(
        self,
        project_id: strawberry.ID,
        trigger: AlertTriggerEnum,
        channel_ids: list[strawberry.ID],
        throttle_minutes: int = 30,
        threshold: int | None = None,
        window_minutes: int | None = None,
        enabled: bool = True,
    ) -> AlertRuleType:
        project = model_id(project_id, Project, "projectId", "project")
        with renamed_fields(**_ARGUMENTS):
            body = {
                "trigger": trigger.value.value,
                "channel_ids": _channel_ids(channel_ids),
                "throttle_minutes": throttle_minutes,
                "threshold": threshold,
                "window_minutes": window_minutes,
                "enabled": enabled,
            }
            return AlertRuleType.of(await alerts.create_rule(project, body))

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Changes the arguments given; `channelIds` replaces the whole set.",
    )
    async def update_alert_rule(
        self,
        project_id: strawberry.ID,
        id: strawberry.ID,
        trigger: AlertTriggerEnum | None = strawberry.UNSET,
        channel_ids: list[strawberry.ID] | None = strawberry.UNSET,
        throttle_minutes: int | None = strawberry.UNSET,
        threshold: int | None = strawberry.UNSET,
        window_minutes: int | None = strawberry.UNSET,
        enabled: bool | None = strawberry.UNSET,
    ) -> AlertRuleType:
        project = model_id(project_id, Project, "projectId", "project")
        rule = model_id(id, AlertRule, "id", "alert rule")
        with renamed_fields(**_ARGUMENTS):
            changes = _given(
                trigger=trigger.value.value if isinstance(trigger, AlertTriggerEnum) else trigger,
                channel_ids=channel_ids
                if channel_ids in (None, strawberry.UNSET)
                else _channel_ids(channel_ids),
                throttle_minutes=throttle_minutes,
                threshold=threshold,
                window_minutes=window_minutes,
                enabled=enabled,
            )
            return AlertRuleType.of(await alerts.update_rule(project, rule, changes))

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def delete_alert_rule(self, project_id: strawberry.ID, id: strawberry.ID) -> bool:
        project = model_id(project_id, Project, "projectId", "project")
        await alerts.delete_rule(project, model_id(id, AlertRule, "id", "alert rule"))
        return True
