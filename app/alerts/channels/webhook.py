"""The webhook channel: the payload as JSON, signed with the channel's secret.

Headers: `X-Faultline-Timestamp: <unix seconds>`, `X-Faultline-Signature: sha256=<hex
HMAC-SHA256 of "<timestamp>.<body>">` and `X-Faultline-Delivery: <delivery id>` (the same on
every retry, so a receiver can drop repeats). A receiver recomputes the HMAC over the raw body
and refuses stale timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import orjson

from app.alerts import outbound
from app.alerts.outbound import SendResult
from app.config import Settings


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signed_request(
    secret: str | None, payload: Any, delivery_id: int, now: float
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one try (pure)."""
    body = orjson.dumps(payload)
    timestamp = int(now)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Faultline-Alerts",
        "X-Faultline-Delivery": str(delivery_id),
        "X-Faultline-Timestamp": str(timestamp),
    }
    if secret:
        headers["X-Faultline-Signature"] = signature(secret, timestamp, body)
    return body, headers


async def send_webhook(
    url: str, secret: str | None, payload: Any, delivery_id: int, settings: Settings
) -> SendResult:
    body, headers = signed_request(secret, payload, delivery_id, time.time())
    return await outbound.post(url, body, headers, allow_private=settings.alert_allow_private)
