"""When a failed delivery is tried again (pure): exponential backoff with jitter, within 24 h.

The n-th failed try waits base * 2^(n-1) seconds (at most MAX_DELAY_S), scaled by a random
factor in [0.5, 1) so that senders retrying together spread out; a try that would come later
than GIVE_UP_AFTER after the delivery was created is not made: the delivery fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

GIVE_UP_AFTER = timedelta(hours=24)
MAX_DELAY_S = 6 * 3600.0


def retry_delay_s(attempts: int, base_s: float, rand: Callable[[], float]) -> float:
    """The wait after the `attempts`-th failed try (attempts >= 1)."""
    exponent = min(max(attempts - 1, 0), 32)
    delay: float = min(base_s * 2.0**exponent, MAX_DELAY_S)
    return delay * (0.5 + rand() / 2)


def next_attempt_at(
    attempts: int,
    created_at: datetime,
    now: datetime,
    base_s: float,
    rand: Callable[[], float],
) -> datetime | None:
    """When to try again after the `attempts`-th failed try; None: give up."""
    at = now + timedelta(seconds=retry_delay_s(attempts, base_s, rand))
    return None if at > created_at + GIVE_UP_AFTER else at
