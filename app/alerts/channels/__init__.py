"""Channels: `send` dispatches one delivery to its channel's kind; never raises for a failed
send (the outcome is a SendResult the delivery loop records)."""

from __future__ import annotations

from app.alerts.channels.webhook import send_webhook
from app.alerts.outbound import SendResult
from app.config import Settings
from models import AlertChannel, AlertDelivery
from models.alert_channel import ChannelKind


async def send(channel: AlertChannel, delivery: AlertDelivery, settings: Settings) -> SendResult:
    if channel.kind == ChannelKind.WEBHOOK:
        if not channel.url:
            return SendResult(False, False, None, "the webhook channel has no url", 0)
        return await send_webhook(
            channel.url, channel.secret, delivery.payload, delivery.id, settings
        )
    # Slack and email are wired in with their modules.
    return SendResult(False, False, None, f"{channel.kind} channels are not supported yet", 0)
