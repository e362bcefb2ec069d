"""The pure parts of signing in: failure counting and origins."""

from __future__ import annotations

import pytest

from app.auth.origins import origin_of
from app.auth.signin_limits import FailureCounter, SignInLimiter
from app.auth.users import normalize_email
from app.errors import InvalidField


def test_an_email_is_locked_after_five_failures_until_the_oldest_ages_out():
    limiter = SignInLimiter(per_email=5, per_address=100, window_s=900)
    for t in range(5):
        assert limiter.begin("10.0.0.1", "Ada@Example.com", 1000 + t) == 0
    assert limiter.begin("10.0.0.2", "ada@example.com ", 1010) == 890  # any address
    assert limiter.begin("10.0.0.1", "bob@example.com", 1010) == 0
    assert limiter.begin("10.0.0.1", "ada@example.com", 1900) == 0  # the first aged out
    assert limiter.begin("10.0.0.1", "ada@example.com", 1900) == 1  # the second has not


def test_a_success_forgives_its_own_attempt_and_resets_the_email():
    limiter = SignInLimiter(per_email=2, per_address=2, window_s=60)
    assert limiter.begin("a", "x@example.com", 1.0) == 0
    limiter.succeeded("a", "x@example.com", 1.0)
    assert limiter.begin("a", "x@example.com", 2.0) == 0
    assert limiter.begin("a", "y@example.com", 3.0) == 0
    assert limiter.begin("a", "z@example.com", 4.0) == 58  # the address: failed at 2 and 3


def test_parallel_attempts_count_before_any_is_verified():
    limiter = SignInLimiter(per_email=3, per_address=100, window_s=60)
    started = [limiter.begin(f"10.0.0.{n}", "ada@example.com", 5.0) for n in range(10)]
    assert started == [0, 0, 0, 60, 60, 60, 60, 60, 60, 60]


def test_the_counter_keeps_at_most_max_keys_dropping_the_least_recent():
    counter = FailureCounter(failures=1, window_s=60, max_keys=3)
    for n in range(1000):
        counter.fail(f"k{n}", 1.0)
    assert len(counter) == 3
    assert [counter.wait_s(f"k{n}", 2.0) for n in (996, 997, 998, 999)] == [0, 59, 59, 59]


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Errors.Example.com/sub/", "https://errors.example.com"),
        ("https://errors.example.com:443", "https://errors.example.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:80", "http://[::1]"),
        ("null", None),
        ("ftp://example.com", None),
        ("http://example.com:99999", None),
        ("", None),
    ],
)
def test_origin_of(url, origin):
    assert origin_of(url) == origin


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ada", "email: must be an email address such as you@example.com"),
        ("ada@", "email: must be an email address such as you@example.com"),
        ("a b@example.com", "email: must be an email address such as you@example.com"),
        ("a@b@example.com", "email: must be an email address such as you@example.com"),
        ("a\x00@example.com", "email: must not contain control characters"),
        ("a" * 250 + "@example.com", "email: must be at most 254 characters"),
        (7, "email: must be a string"),
    ],
)
def test_bad_emails_are_refused_naming_the_field(value, problem):
    with pytest.raises(InvalidField) as refused:
        normalize_email(value)
    assert refused.value.message == problem


def test_emails_are_trimmed_and_lowercased():
    assert normalize_email("  Ada.Lovelace+x@Example.COM ") == "ada.lovelace+x@example.com"
