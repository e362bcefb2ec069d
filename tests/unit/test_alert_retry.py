"""Backoff of failed alert deliveries (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.alerts.retry import GIVE_UP_AFTER, MAX_DELAY_S, next_attempt_at, retry_delay_s

T0 = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "rand", "delay"),
    [
        (1, 0.0, 15.0),  # base 30 s, the lowest jitter halves it
        (1, 1.0, 30.0),
        (2, 1.0, 60.0),
        (5, 1.0, 480.0),
        (20, 1.0, MAX_DELAY_S),  # capped
        (10_000, 0.0, MAX_DELAY_S / 2),  # no overflow however many tries
    ],
)
def test_the_delay_doubles_with_each_failed_try_within_the_cap(attempts, rand, delay):
    assert retry_delay_s(attempts, 30.0, lambda: rand) == delay


def test_a_retry_within_24_hours_is_scheduled():
    now = T0 + timedelta(hours=1)
    assert next_attempt_at(3, T0, now, 30.0, lambda: 1.0) == now + timedelta(seconds=120)


def test_a_retry_past_24_hours_is_not_made():
    now = T0 + GIVE_UP_AFTER - timedelta(seconds=60)
    assert next_attempt_at(3, T0, now, 30.0, lambda: 1.0) is None
    assert next_attempt_at(1, T0, now, 30.0, lambda: 1.0) == now + timedelta(seconds=30)


def test_retries_of_a_dead_receiver_span_a_day_and_stop():
    now, attempts = T0, 0
    while True:
        attempts += 1
        at = next_attempt_at(attempts, T0, now, 30.0, lambda: 1.0)
        if at is None:
            break
        now = at
    assert attempts == 13  # 12 waits: 30 s doubling up to the 6 h cap, 20.5 h in all
    assert now == T0 + timedelta(seconds=73_890)
