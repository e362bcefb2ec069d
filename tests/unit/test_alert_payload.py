"""The alert payload and the webhook's signed request (pure)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import orjson

from app.alerts.channels.webhook import signature, signed_request
from app.alerts.payload import EventSummary, IssueSnapshot, build_payload

AT = datetime(2026, 11, 30, 2, 0, 0, 123000, tzinfo=UTC)
ISSUE = IssueSnapshot(
    id=7,
    project_id=3,
    project_name="Shop",
    project_slug="shop",
    counter=12,
    title="ValueError: bad",
    culprit="app.views in handler",
    level="error",
    state="open",
    event_count=42,
    first_seen=AT,
    last_seen=AT,
)
EVENT = EventSummary("ab" * 16, AT, "error", "python", "prod", "1.2", "x" * 5000)


def test_the_payload_snapshots_the_issue_and_its_event():
    payload = build_payload(
        rule_id=5, trigger="spike", issue=ISSUE, event=EVENT, base_url="https://f.example/", count=9
    )
    assert payload["rule"] == {"id": 5, "trigger": "spike", "count": 9}
    assert payload["project"] == {"id": 3, "name": "Shop", "slug": "shop"}
    assert payload["issue"] == {
        "id": 7,
        "short_id": "SHOP-12",
        "title": "ValueError: bad",
        "culprit": "app.views in handler",
        "level": "error",
        "state": "open",
        "event_count": 42,
        "first_seen": "2026-11-30T02:00:00.123000Z",
        "last_seen": "2026-11-30T02:00:00.123000Z",
        "url": "https://f.example/issues/7",
    }
    assert payload["event"]["id"] == "ab" * 16
    assert payload["event"]["environment"] == "prod"
    assert len(payload["event"]["message"]) == 1000


def test_the_signature_is_the_hmac_of_timestamp_dot_body():
    body, headers = signed_request("s3cret", {"a": 1}, 99, 1_764_468_000.7)
    assert body == orjson.dumps({"a": 1})
    assert headers["X-Faultline-Timestamp"] == "1764468000"
    assert headers["X-Faultline-Delivery"] == "99"
    expected = hmac.new(b"s3cret", b"1764468000." + body, hashlib.sha256).hexdigest()
    assert headers["X-Faultline-Signature"] == f"sha256={expected}"
    assert signature("other", 1_764_468_000, body) != headers["X-Faultline-Signature"]


def test_a_channel_without_a_secret_sends_no_signature():
    _, headers = signed_request(None, {}, 1, 0)
    assert "X-Faultline-Signature" not in headers
