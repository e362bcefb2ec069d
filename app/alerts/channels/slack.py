"""Slack-compatible incoming webhooks: Slack, Mattermost, and Discord's `/slack` endpoint.

One message shape all three render: `text` (the notification line and the fallback) and one
legacy attachment (title linking to the issue, culprit, colour by level, short fields). Block
Kit is left out: Mattermost and Discord ignore it. Client-supplied text is escaped for Slack's
markup (&, <, > as entities, so `<!channel>` or `<http://x|y>` stay text), and `@` is followed
by a zero-width space so `@channel`, `@here`, `@all`, `@everyone` ping no one in Mattermost
or Discord.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.alerts.channels.summary import summarize
from app.alerts.outbound import SendResult, post
from app.config import Settings

LEVEL_COLORS = {
    "fatal": "#8B0000",
    "error": "#E01E5A",
    "warning": "#ECB22E",
    "info": "#36C5F0",
    "debug": "#9E9E9E",
}
OTHER_COLOR = "#9E9E9E"
ZERO_WIDTH_SPACE = "\u200b"


async def send_slack(
    url: str, payload: Mapping[str, Any], delivery_id: int, settings: Settings
) -> SendResult:
    body = json.dumps(slack_message(payload), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "X-Faultline-Delivery": str(delivery_id)}
    return await post(url, body, headers, allow_private=settings.alert_allow_private)


def slack_message(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The webhook's JSON body for a notification payload (pure)."""
    s = summarize(payload)
    name = f"<{s.url}|{escape(s.short_id)}>" if s.url else escape(s.short_id)
    attachment: dict[str, Any] = {
        "fallback": escape(f"{s.lead}: {s.short_id} {s.title}"),
        "color": LEVEL_COLORS.get(s.level, OTHER_COLOR),
        "title": escape(f"{s.short_id}: {s.title}"),
        "fields": [{"title": k, "value": escape(v), "short": True} for k, v in s.facts],
        "footer": escape(f"Faultline · {s.project}"),
    }
    if s.url:
        attachment["title_link"] = s.url
    if s.culprit:
        attachment["text"] = escape(s.culprit)
    return {
        "username": "Faultline",
        "text": f"{escape(s.lead)}: {name} {escape(s.title)}",
        "attachments": [attachment],
    }


def escape(text: str) -> str:
    """Client text made inert in Slack markup and in Mattermost's and Discord's mentions."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "@" + ZERO_WIDTH_SPACE)
