"""Pure rules behind the REST API: states, slugs, DSNs, tokens, cursors, configuration."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import pytest
from multidict import MultiDict

from app.auth.tokens import bearer_token, hash_token, masked
from app.config import ConfigError, Settings
from app.database import asyncpg_dsn, tortoise_url
from app.errors import InvalidField, InvalidTransition, Unauthorized
from app.issues.states import next_state, parse_state, state_after_event
from app.pagination import Cursor, decode_cursor, encode_cursor, order_of, parse_page
from app.projects.naming import dashed_key, dsn, short_id, slugify
from app.serving import GC_YOUNG_THRESHOLD, tune_collector
from models import Issue, IssueState

OPEN, RESOLVED, MUTED = IssueState.OPEN, IssueState.RESOLVED, IssueState.MUTED


@pytest.mark.parametrize(
    ("current", "requested", "expected"),
    [
        (OPEN, RESOLVED, RESOLVED),
        (OPEN, MUTED, MUTED),
        (RESOLVED, OPEN, OPEN),
        (RESOLVED, MUTED, MUTED),
        (MUTED, OPEN, OPEN),
        (MUTED, RESOLVED, RESOLVED),
        (OPEN, OPEN, None),
        (MUTED, MUTED, None),
    ],
)
def test_next_state(current, requested, expected):
    assert next_state(current, requested) == expected


def test_a_transition_missing_from_the_table_is_refused(monkeypatch):
    from app.issues import states

    monkeypatch.setitem(states.ALLOWED, OPEN, frozenset())
    with pytest.raises(InvalidTransition, match="an issue cannot go from open to resolved"):
        next_state(OPEN, RESOLVED)


@pytest.mark.parametrize(
    ("state", "after"),
    [(RESOLVED, OPEN), (OPEN, None), (MUTED, None)],
    ids=["regression", "open-stays", "muted-stays"],
)
def test_state_after_an_event(state, after):
    assert state_after_event(state) == after


@pytest.mark.parametrize("value", ["closed", "", None, 1, "OPEN"])
def test_parse_state_rejects_unknown_values(value):
    with pytest.raises(InvalidField, match="state: must be one of open, resolved, muted"):
        parse_state(value)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("My App", "my-app"),
        ("  a  b  ", "a-b"),
        ("API_v2.0", "api-v2-0"),
        ("***", "project"),
        ("x" * 150, "x" * 92),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://127.0.0.1:8080", "http://abc@127.0.0.1:8080/7"),
        ("https://errors.example.com/", "https://abc@errors.example.com/7"),
        ("https://errors.example.com/sentry", "https://abc@errors.example.com/sentry/7"),
    ],
)
def test_dsn(base, expected):
    assert dsn(base, "abc", 7) == expected


def test_keys_short_ids_and_masks():
    assert dashed_key("a1b2c3d4e5f67890abcdef1234567890") == "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
    assert short_id("my-app", 12) == "MY-APP-12"
    assert masked("a1b2") == "a1b2...****"
    assert hash_token("x") == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"


@pytest.mark.parametrize(
    ("header", "result"),
    [
        ("Bearer abc", "abc"),
        ("bearer   abc ", "abc"),
        (None, Unauthorized),
        ("Token abc", Unauthorized),
        ("Bearer ", Unauthorized),
    ],
)
def test_bearer_token(header, result):
    if result is Unauthorized:
        with pytest.raises(Unauthorized):
            bearer_token(header)
    else:
        assert bearer_token(header) == result


def test_cursors_round_trip_their_order_datetimes_and_ids():
    moment = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    order = order_of(Issue, ("last_seen", "id"), descending=True)
    assert order == "issue:last_seen,id:desc"
    assert decode_cursor(encode_cursor(order, [moment, 42])) == Cursor(
        order, (moment.isoformat(), 42)
    )
    cursor = encode_cursor("project:id:asc", [1])
    assert parse_page(MultiDict(limit="7", cursor=cursor)).after == Cursor("project:id:asc", (1,))
    assert parse_page(MultiDict()).limit == 50


@pytest.mark.parametrize(
    ("env", "field", "value"),
    [
        ({}, "database_url", "sqlite://./data/faultline.sqlite3"),
        ({"FAULTLINE_PORT": "9000"}, "port", 9000),
        ({"FAULTLINE_RATE_LIMIT_PER_MINUTE": "60"}, "rate_limit_per_minute", 60),
        ({}, "rate_limit_per_minute", None),
        ({"FAULTLINE_LOG_LEVEL": "debug"}, "log_level", "DEBUG"),
        ({"FAULTLINE_WORKERS": "4"}, "workers", 4),
        ({}, "ws_keepalive_s", 20.0),
        ({"FAULTLINE_WS_KEEPALIVE_S": "45"}, "ws_keepalive_s", 45),
        ({}, "retention_days", 90),
        ({"FAULTLINE_RETENTION_DAYS": "7"}, "retention_days", 7),
        ({}, "retention_sweep_interval_s", 300),
        ({"FAULTLINE_RETENTION_SWEEP_INTERVAL_S": "60"}, "retention_sweep_interval_s", 60),
        ({}, "retention_batch_size", 1000),
        ({"FAULTLINE_RETENTION_BATCH_SIZE": "50"}, "retention_batch_size", 50),
    ],
)
def test_settings_from_env(env, field, value):
    assert getattr(Settings.from_env(env), field) == value


def test_flags_override_env_and_base_url_follows_host():
    settings = Settings.from_env({"FAULTLINE_PORT": "9000"}, port=9100, host="0.0.0.0")
    assert settings.base_url == "http://127.0.0.1:9100"
    assert (
        Settings.from_env({"FAULTLINE_PUBLIC_URL": "https://e.example/"}).base_url
        == "https://e.example"
    )


def test_bad_env_is_a_config_error():
    with pytest.raises(ConfigError, match="FAULTLINE_PORT must be an integer, got 'x'"):
        Settings.from_env({"FAULTLINE_PORT": "x"})
    with pytest.raises(
        ConfigError, match="FAULTLINE_WS_KEEPALIVE_S must be between 1 and 3600, got 3601"
    ):
        Settings.from_env({"FAULTLINE_WS_KEEPALIVE_S": "3601"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"FAULTLINE_RETENTION_DAYS": "0"},
            "FAULTLINE_RETENTION_DAYS must be between 1 and 3650, got 0",
        ),
        (
            {"FAULTLINE_RETENTION_DAYS": "3651"},
            "FAULTLINE_RETENTION_DAYS must be between 1 and 3650, got 3651",
        ),
        (
            {"FAULTLINE_RETENTION_SWEEP_INTERVAL_S": "0"},
            "FAULTLINE_RETENTION_SWEEP_INTERVAL_S must be at least 1, got 0",
        ),
        (
            {"FAULTLINE_RETENTION_BATCH_SIZE": "0"},
            "FAULTLINE_RETENTION_BATCH_SIZE must be between 1 and 100000, got 0",
        ),
    ],
)
def test_bad_retention_settings_are_config_errors(env, message):
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("url", "tortoise", "asyncpg"),
    [
        (
            "postgresql://u@h:5432/db",
            "postgres://u@h:5432/db?maxsize=20&minsize=1",
            "postgresql://u@h:5432/db",
        ),
        (
            "postgres://u@h/db?maxsize=3",
            "postgres://u@h/db?maxsize=3&minsize=1",
            "postgresql://u@h/db",
        ),
        (
            "postgres://u@h/db?sslmode=require",
            "postgres://u@h/db?sslmode=require&maxsize=20&minsize=1",
            "postgresql://u@h/db?sslmode=require",
        ),
    ],
)
def test_database_urls(url, tortoise, asyncpg):
    assert tortoise_url(url) == tortoise
    assert asyncpg_dsn(url) == asyncpg


def test_a_serving_process_freezes_what_it_loaded_and_collects_young_objects_less_often():
    threshold = gc.get_threshold()
    try:
        tune_collector()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *threshold[1:])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
