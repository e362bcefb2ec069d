"""The message an event shows, from its normalised payload (app.events.message)."""

from __future__ import annotations

from typing import Any

import pytest

from app.events.message import event_message


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            {"logentry": {"formatted": "Payment 7 failed", "message": "Payment %s failed"}},
            "Payment 7 failed",
        ),
        ({"logentry": {"message": "Payment %s failed"}}, "Payment %s failed"),
        ({"logentry": {"formatted": "", "message": ""}}, ""),  # a Rollbar message with body ""
        ({"logentry": {"formatted": None, "message": None}}, None),
        ({"logentry": {"formatted": 42}}, "42"),
        ({"logentry": {"formatted": {"a": 1}, "message": ["x"]}}, None),
        ({"logentry": "not an object"}, None),
        ({"exception": {"values": [{"type": "TypeError"}]}}, None),
        ({}, None),
    ],
)
def test_message_is_the_formatted_text_else_the_template(
    event: dict[str, Any], expected: str | None
) -> None:
    assert event_message(event) == expected
