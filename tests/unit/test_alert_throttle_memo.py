"""What a process remembers of throttled (rule, issue) pairs: until the throttle window ends,
keyed by the window, and bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.alerts.outbox import RuleSpec, ThrottleMemo, forget_rules, memo_key
from models.alert_rule import AlertTrigger

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def _rule(throttle_minutes: int = 30) -> RuleSpec:
    return RuleSpec(
        1, 7, AlertTrigger.SPIKE, (4,), throttle_minutes, threshold=100, window_minutes=1
    )


def test_a_pair_is_throttled_until_its_window_ends():
    memo = ThrottleMemo()
    memo.remember(memo_key(_rule(), 2), NOW + timedelta(minutes=30), NOW)
    assert memo.throttled(memo_key(_rule(), 2), NOW + timedelta(minutes=29, seconds=59))
    assert not memo.throttled(memo_key(_rule(), 2), NOW + timedelta(minutes=30))
    assert not memo.throttled(memo_key(_rule(), 3), NOW)
    memo.remember(memo_key(_rule(), 3), NOW + timedelta(seconds=1), NOW)
    assert not memo.throttled(memo_key(_rule(), 3), NOW + timedelta(seconds=1))


def test_a_changed_throttle_window_is_not_taken_for_the_remembered_one():
    memo = ThrottleMemo()
    memo.remember(memo_key(_rule(30), 2), NOW + timedelta(minutes=30), NOW)
    assert memo_key(_rule(30), 2) == (1, 30, 2)
    assert not memo.throttled(memo_key(_rule(5), 2), NOW + timedelta(minutes=1))


def test_a_full_memo_drops_what_expired_then_everything():
    memo = ThrottleMemo(max_entries=2)
    memo.remember((1, 30, 1), NOW + timedelta(seconds=1), NOW)
    memo.remember((1, 30, 2), NOW + timedelta(minutes=1), NOW)
    later = NOW + timedelta(seconds=2)
    memo.remember((1, 30, 3), later + timedelta(minutes=1), later)  # (1, 30, 1) expired: dropped
    assert memo.throttled((1, 30, 2), later)
    assert memo.throttled((1, 30, 3), later)
    memo.remember((1, 30, 4), later + timedelta(minutes=1), later)  # none expired: all dropped
    assert not memo.throttled((1, 30, 2), later)
    assert memo.throttled((1, 30, 4), later)


def test_a_rule_change_forgets_what_was_remembered():
    memo = ThrottleMemo()
    memo.remember((1, 30, 2), NOW + timedelta(minutes=30), NOW)
    forget_rules(7)
    assert not memo.throttled((1, 30, 2), NOW)
