"""Pure parts of digestion: rate-limit arithmetic and the headers SDKs back off by."""

from __future__ import annotations

import pytest

from app.ingest.ratelimit import retry_after_s, sentry_headers, window_end_s


@pytest.mark.parametrize(
    ("now", "retry"), [(0.0, 60), (59.2, 1), (59.99, 1), (61.5, 59), (120.0, 60)]
)
def test_retry_after_is_whole_seconds_to_the_end_of_the_minute(now, retry):
    assert retry_after_s(now) == retry


def test_window_end():
    assert window_end_s(125.0) == 180.0


def test_sentry_headers_use_integer_seconds():
    assert sentry_headers(17) == {
        "Retry-After": "17",
        "X-Sentry-Rate-Limits": "17:error;default;security:project:rate_limit",
    }
