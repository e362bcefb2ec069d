"""What a process remembers of throttled (rule, issue) pairs: briefly, and bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.alerts.outbox import RULES_TTL_S, ThrottleMemo, forget_rules

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def test_a_pair_is_throttled_until_its_window_ends_but_at_most_a_rules_lifetime():
    memo = ThrottleMemo()
    memo.remember((1, 2), NOW + timedelta(minutes=30), NOW)
    assert memo.throttled((1, 2), NOW + timedelta(seconds=RULES_TTL_S - 0.1))
    assert not memo.throttled((1, 2), NOW + timedelta(seconds=RULES_TTL_S))
    assert not memo.throttled((1, 3), NOW)
    memo.remember((1, 3), NOW + timedelta(seconds=1), NOW)
    assert not memo.throttled((1, 3), NOW + timedelta(seconds=1))


def test_a_full_memo_drops_what_expired_then_everything():
    memo = ThrottleMemo(max_entries=2)
    memo.remember((1, 1), NOW + timedelta(seconds=1), NOW)
    memo.remember((1, 2), NOW + timedelta(minutes=1), NOW)
    later = NOW + timedelta(seconds=2)
    memo.remember((1, 3), later + timedelta(minutes=1), later)  # (1, 1) expired: dropped
    assert memo.throttled((1, 2), later)
    assert memo.throttled((1, 3), later)
    memo.remember((1, 4), later + timedelta(minutes=1), later)  # none expired: all dropped
    assert not memo.throttled((1, 2), later)
    assert memo.throttled((1, 4), later)


def test_a_rule_change_forgets_what_was_remembered():
    memo = ThrottleMemo()
    memo.remember((1, 2), NOW + timedelta(minutes=30), NOW)
    forget_rules(7)
    assert not memo.throttled((1, 2), NOW)
