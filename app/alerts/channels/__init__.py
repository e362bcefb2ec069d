"""Channels: `send` dispatches one delivery to its channel's kind; never raises for a failed
send (the outcome is a SendResult the delivery loop records)."""

from __future__ import annotations

from app.alerts.channels.email import send_email
from app.alerts.channels.slack import send_slack
from app.alerts.channels.webhook import send_webhook
from app.alerts.outbound import SendResult
from app.config import Settings
from models import AlertChannel, AlertDelivery
from models.alert_channel import ChannelKind


async def send(channel: AlertChannel, delivery: AlertDelivery, settings: Settings) -> SendResult:
    if channel.kind == ChannelKind.EMAIL:
        return await send_email(channel.recipients, delivery.payload, delivery.id, settings)
    if not channel.url:
        return SendResult(False, False, None, f"the {channel.kind} channel has no url", 0)
    if channel.kind == ChannelKind.SLACK:
        return await send_slack(channel.url, delivery.payload, delivery.id, settings)
    return await send_webhook(channel.url, channel.secret, delivery.payload, delivery.id, settings)
