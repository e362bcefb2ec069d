"""Rate-limit arithmetic and the Sentry headers that tell an SDK to back off (pure)."""

from __future__ import annotations

import math

WINDOW_S = 60
# Data categories an event can count under in an SDK (sentry-python counts events as "error").
CATEGORIES = "error;default;security"


def retry_after_s(now_s: float) -> int:
    """Whole seconds until the current one-minute window ends (at least 1)."""
    return max(1, math.ceil(WINDOW_S - (now_s % WINDOW_S)))


def window_end_s(now_s: float) -> float:
    return (now_s // WINDOW_S + 1) * WINDOW_S


def sentry_headers(retry_after: int) -> dict[str, str]:
    """Integer seconds in both headers: sentry-python ignores `60.0`."""
    return {
        "Retry-After": str(retry_after),
        "X-Sentry-Rate-Limits": f"{retry_after}:{CATEGORIES}:project:rate_limit",
    }
