"""A project's alert channels, rules and delivery log (a keyset connection, newest first).

A webhook channel's secret is in CreatedChannel, the answer to createChannel, and nowhere else.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from app.alerts import service as alerts
from app.alerts.service import DeliveryFilter, Rule
from app.errors import InvalidField
from app.ids import parse_id
from app.pagination import Page
from models import AlertChannel, AlertDelivery, AlertRule, AlertTrigger, ChannelKind
from models import DeliveryStatus as Status
from schema.context import Context
from schema.errors import renamed_fields
from schema.types.common import PageInfo, page_request


@strawberry.enum(name="ChannelKind")
class ChannelKindEnum(Enum):
    WEBHOOK = ChannelKind.WEBHOOK
    SLACK = ChannelKind.SLACK
    EMAIL = ChannelKind.EMAIL


@strawberry.enum(name="AlertTrigger")
class AlertTriggerEnum(Enum):
    NEW_ISSUE = AlertTrigger.NEW_ISSUE
    REGRESSION = AlertTrigger.REGRESSION
    SPIKE = AlertTrigger.SPIKE


@strawberry.enum(name="DeliveryStatus")
class DeliveryStatusEnum(Enum):
    PENDING = Status.PENDING
    SENT = Status.SENT
    FAILED = Status.FAILED


def _id(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@strawberry.type(name="AlertChannel")
class AlertChannelType:
    id: strawberry.ID
    kind: ChannelKindEnum
    name: str
    url: str | None = strawberry.field(description="Webhook and Slack; null for email.")
    to: list[str] | None = strawberry.field(description="Email recipients; null otherwise.")
    created_at: datetime

    @classmethod
    def of(cls, channel: AlertChannel) -> AlertChannelType:
        is_email = channel.kind == ChannelKind.EMAIL
        return cls(
            id=strawberry.ID(str(channel.id)),
            kind=ChannelKindEnum(ChannelKind(channel.kind)),
            name=channel.name,
            url=None if is_email else channel.url,
            to=list(channel.recipients) if is_email else None,
            created_at=channel.created_at,
        )


@strawberry.type
class CreatedChannel(AlertChannelType):
    secret: str | None = strawberry.field(
        default=None,
        description="A webhook's signing secret (X-Faultline-Signature); shown this once, "
        "never again. Null for other kinds.",
    )

    @classmethod
    def created(cls, channel: AlertChannel) -> CreatedChannel:
        shown = AlertChannelType.of(channel)
        secret = channel.secret if channel.kind == ChannelKind.WEBHOOK else None
        return cls(**{**shown.__dict__, "secret": secret})


@strawberry.type(name="AlertRule")
class AlertRuleType:
    id: strawberry.ID
    trigger: AlertTriggerEnum
    channel_ids: list[strawberry.ID]
    throttle_minutes: int = strawberry.field(
        description="At most one notification per issue per this many minutes."
    )
    threshold: int | None = strawberry.field(description="Spike: more than this many events…")
    window_minutes: int | None = strawberry.field(description="…within this many minutes.")
    enabled: bool
    created_at: datetime

    @classmethod
    def of(cls, rule: Rule) -> AlertRuleType:
        m = rule.model
        return cls(
            id=strawberry.ID(str(m.id)),
            trigger=AlertTriggerEnum(AlertTrigger(m.trigger)),
            channel_ids=[strawberry.ID(str(c)) for c in rule.channel_ids],
            throttle_minutes=m.throttle_minutes,
            threshold=m.threshold,
            window_minutes=m.window_minutes,
            enabled=m.enabled,
            created_at=m.created_at,
        )

    @strawberry.field(description="The channels it sends to, by id.")
    async def channels(self, info: Info[Context, None]) -> list[AlertChannelType]:
        loader = info.context.loaders.alert_channel
        found = await loader.load_many([int(c) for c in self.channel_ids])
        return [AlertChannelType.of(c) for c in found if c is not None]


@strawberry.type(name="AlertDelivery")
class AlertDeliveryType:
    id: strawberry.ID
    rule_id: strawberry.ID | None = strawberry.field(
        description="Null for a channel test and once the rule is deleted."
    )
    channel_id: strawberry.ID
    issue_id: strawberry.ID | None = strawberry.field(
        description="Null for a channel test and once the issue is deleted."
    )
    trigger: str = strawberry.field(description="new_issue, regression, spike or test.")
    status: DeliveryStatusEnum
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, row: AlertDelivery) -> AlertDeliveryType:
        return cls(
            id=strawberry.ID(str(row.id)),
            rule_id=_id(row.rule_id),
            channel_id=strawberry.ID(str(row.channel_id)),
            issue_id=_id(row.issue_id),
            trigger=row.trigger,
            status=DeliveryStatusEnum(Status(row.status)),
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )


@strawberry.type
class AlertDeliveryEdge:
    cursor: str
    node: AlertDeliveryType


@strawberry.type
class AlertDeliveryConnection:
    edges: list[AlertDeliveryEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[AlertDelivery]) -> AlertDeliveryConnection:
        edges = [
            AlertDeliveryEdge(cursor=page.cursor_of(d), node=AlertDeliveryType.of(d))
            for d in page.items
        ]
        info = PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor)
        return cls(edges=edges, page_info=info)


async def project_channels(info: Info[Context, None], project_id: int) -> list[AlertChannelType]:
    return [
        AlertChannelType.of(c) for c in await info.context.loaders.alert_channels.load(project_id)
    ]


async def project_rules(info: Info[Context, None], project_id: int) -> list[AlertRuleType]:
    return [AlertRuleType.of(r) for r in await info.context.loaders.alert_rules.load(project_id)]


async def project_deliveries(
    project_id: int,
    first: int,
    after: str | None,
    status: DeliveryStatusEnum | None,
    rule_id: strawberry.ID | None,
) -> AlertDeliveryConnection:
    request = page_request(first, after)
    rule = None
    if rule_id is not None:
        rule = parse_id(str(rule_id), AlertRule)
        if rule is None:
            raise InvalidField("ruleId", "must be the id of an alert rule")
    where = DeliveryFilter(None if status is None else status.value, rule)
    with renamed_fields(cursor="after"):
        page = await alerts.list_deliveries(project_id, request, where)
    return AlertDeliveryConnection.of(page)
