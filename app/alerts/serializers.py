"""Channels, rules and deliveries → the JSON shapes of /api (secrets only where created)."""

from __future__ import annotations

from typing import Any

from app.alerts.service import Rule
from app.compat.rustrak.serializers import iso
from models import AlertChannel, AlertDelivery, ChannelKind


def channel_json(channel: AlertChannel, *, created: bool = False) -> dict[str, Any]:
    """`url` is null for email, `to` null for webhook and Slack; a webhook's `secret` appears
    only in the answer that created it (`created`)."""
    is_email = channel.kind == ChannelKind.EMAIL
    body: dict[str, Any] = {
        "id": channel.id,
        "kind": str(channel.kind),
        "name": channel.name,
        "url": None if is_email else channel.url,
        "to": list(channel.recipients) if is_email else None,
        "created_at": iso(channel.created_at),
    }
    if created and channel.kind == ChannelKind.WEBHOOK:
        body["secret"] = channel.secret
    return body


def rule_json(rule: Rule) -> dict[str, Any]:
    model = rule.model
    return {
        "id": model.id,
        "trigger": str(model.trigger),
        "channel_ids": list(rule.channel_ids),
        "throttle_minutes": model.throttle_minutes,
        "threshold": model.threshold,
        "window_minutes": model.window_minutes,
        "enabled": model.enabled,
        "created_at": iso(model.created_at),
    }


def delivery_json(delivery: AlertDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "rule_id": delivery.rule_id,
        "channel_id": delivery.channel_id,
        "issue_id": delivery.issue_id,
        "trigger": delivery.trigger,
        "status": str(delivery.status),
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
        "created_at": iso(delivery.created_at),
        "sent_at": iso(delivery.sent_at),
    }
