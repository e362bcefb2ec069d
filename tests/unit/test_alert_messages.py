"""What Slack and email alerts say, built from the engine's payload (pure)."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from typing import Any

from app.alerts.channels.email import email_message
from app.alerts.channels.slack import slack_message
from app.alerts.channels.summary import summarize

ZWSP = "\u200b"
NOW = datetime(2026, 11, 30, 14, 5, 9, tzinfo=UTC)
SENDER = ("Faultline", "alerts@faultline.example")


def payload(**issue: Any) -> dict[str, Any]:
    return {
        "rule": {"id": 3, "trigger": "new_issue", "throttle_minutes": 30},
        "project": {"id": 1, "name": "My App", "slug": "my-app"},
        "issue": {
            "id": 7,
            "short_id": "MY-APP-7",
            "title": "ZeroDivisionError: division by zero",
            "culprit": "app.views in divide",
            "level": "error",
            "state": "unresolved",
            "event_count": 12,
            "first_seen": "2026-11-30T13:02:03.123456+00:00",
            "last_seen": "2026-11-30T15:04:05+01:00",
            "url": "https://errors.example.com/issues/7",
            **issue,
        },
        "event": {"id": "ab12", "message": "boom", "environment": "production", "release": "1.2.3"},
    }


def test_a_slack_message_carries_the_issue_as_text_and_one_attachment() -> None:
    assert slack_message(payload()) == {
        "username": "Faultline",
        "text": "New issue in My App: <https://errors.example.com/issues/7|MY-APP-7> "
        "ZeroDivisionError: division by zero",
        "attachments": [
            {
                "fallback": "New issue in My App: MY-APP-7 ZeroDivisionError: division by zero",
                "color": "#E01E5A",
                "title": "MY-APP-7: ZeroDivisionError: division by zero",
                "title_link": "https://errors.example.com/issues/7",
                "text": "app.views in divide",
                "fields": [
                    {"title": "Level", "value": "error", "short": True},
                    {"title": "Events", "value": "12", "short": True},
                    {"title": "First seen", "value": "2026-11-30 13:02 UTC", "short": True},
                    {"title": "Last seen", "value": "2026-11-30 14:04 UTC", "short": True},
                    {"title": "Environment", "value": "production", "short": True},
                    {"title": "Release", "value": "1.2.3", "short": True},
                ],
                "footer": "Faultline · My App",
            }
        ],
    }


def test_client_text_cannot_mention_everyone_link_or_break_lines_in_slack() -> None:
    hostile = payload(title="<!channel> @here <https://evil.example|click> & @everyone\n\u202eevil")
    message = slack_message(hostile)
    assert message["text"] == (
        "New issue in My App: <https://errors.example.com/issues/7|MY-APP-7> "
        f"&lt;!channel&gt; @{ZWSP}here &lt;https://evil.example|click&gt; &amp; @{ZWSP}everyone "
        "evil"
    )
    assert message["attachments"][0]["title"] == (
        f"MY-APP-7: &lt;!channel&gt; @{ZWSP}here &lt;https://evil.example|click&gt; &amp; "
        f"@{ZWSP}everyone evil"
    )


def test_a_spike_says_its_threshold_and_a_test_says_it_is_one() -> None:
    spike = payload(level="warning")
    spike["rule"] = {"id": 4, "trigger": "spike", "threshold": 100, "window_minutes": 5}
    message = slack_message(spike)
    assert message["text"].startswith("Spike (more than 100 events in 5 minutes) in My App: ")
    assert message["attachments"][0]["color"] == "#ECB22E"
    test = payload()
    test["rule"] = {"id": None, "trigger": "test"}
    assert (
        summarize(test).subject
        == "[MY-APP-7] Test notification: ZeroDivisionError: division by zero"
    )


def test_missing_or_odd_values_are_tolerated() -> None:
    summary = summarize(
        {"rule": {"trigger": "regression"}, "issue": {"title": ["x"], "url": "javascript:alert(1)"}}
    )
    assert summary.subject == "[issue] Regression: (no title)"
    assert summary.lead == "Regression in unknown project"
    assert summary.url is None
    assert summary.facts == (("Level", "error"), ("Events", "?"))
    assert slack_message({})["text"] == "Alert in unknown project: issue (no title)"
    assert slack_message(None)["text"] == "Alert in unknown project: issue (no title)"  # type: ignore[arg-type]
    odd = {"issue": {"event_count": {"x": 1}, "level": None, "first_seen": 17}, "event": "e"}
    assert summarize(odd).facts == (("Level", "error"), ("Events", "?"), ("First seen", "17"))
    assert summarize({"issue": {"title": "x" * 5000}}).title == "x" * 199 + "…"


def test_an_email_has_a_one_line_subject_a_stable_message_id_and_both_parts() -> None:
    message = email_message(["dev@example.com", "ops@example.com"], payload(), 42, SENDER, NOW)
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "[MY-APP-7] New issue: ZeroDivisionError: division by zero"
    assert parsed["From"] == "Faultline <alerts@faultline.example>"
    assert parsed["To"] == "dev@example.com, ops@example.com"
    assert parsed["Message-ID"] == "<alert-delivery-42@faultline.example>"
    assert parsed["Date"] == "Mon, 30 Nov 2026 14:05:09 +0000"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["X-Faultline-Delivery"] == "42"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    plain = parsed.get_body(("plain",))
    assert plain is not None
    assert plain.get_content() == (
        "New issue in My App\n"
        "\n"
        "MY-APP-7: ZeroDivisionError: division by zero\n"
        "app.views in divide\n"
        "\n"
        "Level: error\n"
        "Events: 12\n"
        "First seen: 2026-11-30 13:02 UTC\n"
        "Last seen: 2026-11-30 14:04 UTC\n"
        "Environment: production\n"
        "Release: 1.2.3\n"
        "\n"
        "https://errors.example.com/issues/7\n"
    )
    html = parsed.get_body(("html",))
    assert html is not None
    assert html.get_content() == (
        "<!doctype html><html><body><p>New issue in My App</p>"
        '<h2><a href="https://errors.example.com/issues/7">MY-APP-7: ZeroDivisionError: '
        "division by zero</a></h2><p><code>app.views in divide</code></p><table>"
        '<tr><th align="left">Level</th><td>error</td></tr>'
        '<tr><th align="left">Events</th><td>12</td></tr>'
        '<tr><th align="left">First seen</th><td>2026-11-30 13:02 UTC</td></tr>'
        '<tr><th align="left">Last seen</th><td>2026-11-30 14:04 UTC</td></tr>'
        '<tr><th align="left">Environment</th><td>production</td></tr>'
        '<tr><th align="left">Release</th><td>1.2.3</td></tr>'
        "</table></body></html>\n"
    )


def test_a_hostile_title_adds_no_header_and_no_markup_to_an_email() -> None:
    title = 'Boom\r\nBcc: victim@example.com\r\n\r\n<script>alert("x")</script>'
    message = email_message(
        ["dev@example.com"], payload(title=title, culprit="<b>x</b>"), 9, ("", "a@example.com"), NOW
    )
    raw = message.as_bytes()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == (
        '[MY-APP-7] New issue: Boom Bcc: victim@example.com <script>alert("x")</script>'
    )
    assert parsed["Bcc"] is None
    assert b"\nBcc:" not in raw
    html = parsed.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert "<script>" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "<code>&lt;b&gt;x&lt;/b&gt;</code>" in content
    assert parsed["From"] == "a@example.com"
