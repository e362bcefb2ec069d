"""Event values to JSON text any database and reader accepts; sanitising a refused record."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.ingest.jsontext import MAX_DEPTH, TRIMMED, dumps
from app.ingest.records import EventRecord, sanitized


def nested(levels: int, leaf: object = "leaf") -> object:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def list_levels(value: object) -> tuple[int, object]:
    """How many lists nest, and what the innermost holds."""
    levels = 0
    while isinstance(value, list):
        (value,) = value
        levels += 1
    return levels, value


def test_nesting_up_to_the_limit_is_kept_exactly() -> None:
    assert json.loads(dumps(nested(MAX_DEPTH))) == nested(MAX_DEPTH)


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 1000, 100_000])
def test_deeper_nesting_is_trimmed_at_the_limit(levels: int) -> None:
    assert list_levels(json.loads(dumps(nested(levels)))) == (MAX_DEPTH, TRIMMED)


def test_trimming_keeps_the_rest_of_the_value() -> None:
    value = {"shallow": {"a": 1}, "deep": nested(1000), "text": "x"}
    assert json.loads(dumps(value)) == {
        "shallow": {"a": 1},
        "deep": nested(MAX_DEPTH - 1, TRIMMED),  # lists at levels 2 to 254, under the dict
        "text": "x",
    }


def test_lone_surrogates_become_replacement_characters_keys_too() -> None:
    value = {"k\ud800": ["a\udc00b", "\U0001f600"], "n": 1}
    assert json.loads(dumps(value)) == {"k\ufffd": ["a\ufffdb", "\U0001f600"], "n": 1}


def test_integers_beyond_64_bits_become_floats_or_digits() -> None:
    assert json.loads(dumps([2**64 - 1, -(2**63), 2**64, -(2**63) - 1, 10**400])) == [
        2**64 - 1,
        -(2**63),
        float(2**64),
        float(-(2**63) - 1),
        "1" + "0" * 400,
    ]


def test_nul_and_escape_lookalikes_are_kept_in_json() -> None:
    value = {"nul": "a\x00b", "literal": "\\u0000", "both": "\\\x00u0000"}
    assert json.loads(dumps(value)) == value


RECORD = EventRecord(
    project_id=1,
    event_id="0" * 32,
    timestamp=datetime(2026, 1, 1, tzinfo=UTC),
    received_at=datetime(2026, 1, 1, tzinfo=UTC),
    level="error",
    platform="python",
    environment="prod\x00",
    release=None,
    user_json=None,
    tags_json="{}",
    payload_json="{}",
    event_message=None,
    fingerprint="f" * 32,
    grouping_version="v",
    grouping_json="{}",
    title="t",
    type="E",
    message="m",
    culprit="",
    rate_limit_per_minute=None,
)


def test_sanitized_cleans_json_columns_value_by_value() -> None:
    payload = {
        "literal": "\\u0000",  # a backslash and "u0000": text, not a NUL
        "nul": "a\x00b",
        "escaped_backslash_then_nul": "\\\x00",
        "k\x00ey": ["x\x00", {"deep\x00": "\\\\u0000"}],
    }
    record = replace(
        RECORD,
        payload_json=dumps(payload),
        tags_json=dumps({"t": "\\u0000\x00"}),
        user_json=dumps({"id": "\\u0000"}),
        grouping_json=dumps({"values": ["a\x00"]}),
    )
    clean = sanitized(record)
    assert json.loads(clean.payload_json) == {
        "literal": "\\u0000",
        "nul": "ab",
        "escaped_backslash_then_nul": "\\",
        "key": ["x", {"deep": "\\\\u0000"}],
    }
    assert json.loads(clean.tags_json) == {"t": "\\u0000"}
    assert clean.user_json is not None
    assert json.loads(clean.user_json) == {"id": "\\u0000"}
    assert json.loads(clean.grouping_json) == {"values": ["a"]}


def test_sanitized_cleans_text_columns_and_keeps_escape_lookalikes() -> None:
    record = replace(
        RECORD,
        title="E: a\x00b \\u0000 \ud800",
        message="\\u0000",
        culprit="x\udfff",
        event_message="m\x00 \ud800",
    )
    clean = sanitized(record)
    assert clean.event_message == "m \ufffd"
    assert (clean.title, clean.message, clean.culprit, clean.environment) == (
        "E: ab \\u0000 \ufffd",
        "\\u0000",
        "x\ufffd",
        "prod",
    )
    assert clean.release is None
    assert clean.user_json is None
