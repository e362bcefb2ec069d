"""Structures fed by client input stay bounded: the credentials cache and the log limiter."""

from __future__ import annotations

import uuid

from app.ingest import pipeline
from app.ingest.pipeline import MAX_CACHED_AUTH_CHARS, request_auth
from app.ingest.rejections import LogLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_short_credentials_are_cached_in_at_most_1024_entries() -> None:
    pipeline._cached_auth.cache_clear()
    for _ in range(3000):
        auth = request_auth(f"Sentry sentry_key={uuid.uuid4().hex}, sentry_version=7", None, "")
        assert auth is not None
    assert pipeline._cached_auth.cache_info().currsize == 1024


def test_long_credentials_are_parsed_but_never_cached() -> None:
    pipeline._cached_auth.cache_clear()
    key = uuid.uuid4().hex
    padding = "x" * MAX_CACHED_AUTH_CHARS
    for n in range(2000):
        auth = request_auth(f"Sentry sentry_key={key}, sentry_client={n}{padding}", None, "")
        assert auth is not None
        assert auth.public_key == key
    query = f"sentry_key={key}&pad={padding}"
    assert request_auth(None, None, query) is not None
    assert pipeline._cached_auth.cache_info().currsize == 0


def test_the_log_limiter_admits_one_line_per_key_and_period() -> None:
    clock = Clock()
    limiter = LogLimiter(every_s=60, clock=clock)
    assert [limiter.admit((1, "unauthorized")) for _ in range(5)] == [0, None, None, None, None]
    assert limiter.admit((2, "unauthorized")) == 0
    clock.now += 59.9
    assert limiter.admit((1, "unauthorized")) is None
    clock.now += 0.1
    assert limiter.admit((1, "unauthorized")) == 5  # the line now stands for the 5 silenced
    assert list(limiter.expired()) == []  # (2, …) expired without silencing any: forgotten
    assert len(limiter) == 1
    assert limiter.admit((1, "unauthorized")) is None
    clock.now += 60
    assert list(limiter.expired()) == [((1, "unauthorized"), 1)]
    assert len(limiter) == 0


def test_the_log_limiter_holds_at_most_max_keys() -> None:
    limiter = LogLimiter(every_s=60, max_keys=100, clock=Clock())
    for project_id in range(100_000):
        limiter.admit((project_id, "invalid"))
    assert len(limiter) == 100
    assert limiter.admit((99_999, "invalid")) is None  # the newest are the ones kept
