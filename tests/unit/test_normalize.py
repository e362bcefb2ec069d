"""normalize_event: every accepted Sentry event shape becomes one canonical dict (§A7)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from app.errors import BadRequest
from app.ingest.normalize import normalize_event
from tests.samples import RECEIVED, sample_event

DAY = 86400.0


def normalize(payload: object, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("event_id", None)
    kwargs.setdefault("received_at", RECEIVED)
    return normalize_event(payload, **kwargs)


# --- payload and event_id -------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [[], "event", 42, None, True],
    ids=["list", "string", "number", "null", "bool"],
)
def test_payload_that_is_not_an_object_is_rejected(payload: object) -> None:
    with pytest.raises(BadRequest) as raised:
        normalize(payload)
    assert raised.value.message == "event payload must be a JSON object"


@pytest.mark.parametrize(
    ("header_id", "payload_id", "expected"),
    [
        ("a" * 32, "b" * 32, "a" * 32),
        (None, "b" * 32, "b" * 32),
        ("550e8400-e29b-41d4-a716-446655440000", None, "550e8400e29b41d4a716446655440000"),
        (None, "550E8400-E29B-41D4-A716-446655440000", "550e8400e29b41d4a716446655440000"),
        ("ABCDEF0123456789ABCDEF0123456789", None, "abcdef0123456789abcdef0123456789"),
        ("not-an-id", "b" * 32, "b" * 32),
    ],
    ids=[
        "envelope_header_wins_over_payload",
        "payload_id_used_without_header",
        "dashed_uuid_header_is_compacted",
        "dashed_uppercase_payload_id_is_compacted_and_lowercased",
        "uppercase_hex_is_lowercased",
        "invalid_header_falls_back_to_payload",
    ],
)
def test_event_id_is_32_lowercase_hex(
    header_id: str | None, payload_id: str | None, expected: str
) -> None:
    payload = {} if payload_id is None else {"event_id": payload_id}
    assert normalize(payload, event_id=header_id)["event_id"] == expected


@pytest.mark.parametrize(
    ("header_id", "payload_id"),
    [
        (None, None),
        ("zz" * 16, None),
        ("", "a" * 31),
        (None, 12345),
        ("a" * 33, "a-" * 16),
    ],
    ids=["both_missing", "invalid_header", "empty_header_short_payload", "numeric", "too_long"],
)
def test_event_id_is_generated_when_no_valid_id_is_given(
    header_id: str | None, payload_id: object
) -> None:
    payload = {} if payload_id is None else {"event_id": payload_id}
    first = normalize(payload, event_id=header_id)["event_id"]
    second = normalize(payload, event_id=header_id)["event_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


# --- legacy interface names -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "value", "canonical", "expected"),
    [
        (
            "sentry.interfaces.Exception",
            {"values": [{"type": "E"}]},
            "exception",
            {"values": [{"type": "E"}]},
        ),
        (
            "sentry.interfaces.Stacktrace",
            {"frames": [{"function": "f"}]},
            "stacktrace",
            {"frames": [{"function": "f"}]},
        ),
        ("sentry.interfaces.Http", {"url": "http://x/"}, "request", {"url": "http://x/"}),
        ("sentry.interfaces.User", {"id": "u1"}, "user", {"id": "u1"}),
        (
            "sentry.interfaces.Breadcrumbs",
            {"values": [{"message": "m"}]},
            "breadcrumbs",
            {"values": [{"message": "m"}]},
        ),
        (
            "sentry.interfaces.Threads",
            {"values": [{"id": 1}]},
            "threads",
            {"values": [{"id": 1}]},
        ),
        ("sentry.interfaces.Template", {"filename": "a.html"}, "template", {"filename": "a.html"}),
        ("sentry.interfaces.DebugMeta", {"images": []}, "debug_meta", {"images": []}),
        (
            "sentry.interfaces.Message",
            {"message": "m %s", "params": ["x"], "formatted": "m x"},
            "logentry",
            {"message": "m %s", "formatted": "m x", "params": ["x"]},
        ),
    ],
    ids=[
        "exception",
        "stacktrace",
        "http_becomes_request",
        "user",
        "breadcrumbs",
        "threads",
        "template",
        "debug_meta",
        "message_becomes_logentry",
    ],
)
def test_legacy_interface_name_is_renamed(
    legacy: str, value: object, canonical: str, expected: object
) -> None:
    event = normalize({legacy: value})
    assert legacy not in event
    assert event[canonical] == expected


def test_canonical_name_wins_over_legacy_alias() -> None:
    event = normalize({"sentry.interfaces.User": {"id": "old"}, "user": {"id": "new"}})
    assert event["user"] == {"id": "new"}
    assert "sentry.interfaces.User" not in event


# --- timestamp ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("2026-11-22T04:17:14.714729Z", 1795321034.714729),
        ("2026-11-22T06:17:14.5+02:00", 1795321034.5),
        ("2026-11-22T04:17:14", 1795321034.0),
        ("2026-11-22 04:17:14", 1795321034.0),
        ("2026-11-22T04:17:14.714729123Z", 1795321034.714729),
        (1795321034.5, 1795321034.5),
        (1795321034, 1795321034.0),
        (1795321034.12345678, 1795321034.123457),
    ],
    ids=[
        "iso_with_z",
        "iso_with_offset",
        "naive_iso_is_utc",
        "space_separated_iso",
        "nanoseconds_are_cut_to_microseconds",
        "float_seconds",
        "int_seconds",
        "float_rounded_to_microseconds",
    ],
)
def test_timestamp_becomes_unix_seconds(timestamp: object, expected: float) -> None:
    assert normalize({"timestamp": timestamp})["timestamp"] == expected


@pytest.mark.parametrize(
    "timestamp",
    [None, "yesterday", "", True, {"seconds": 1}, float("inf"), 10**400],
    ids=["missing", "unparseable_string", "empty_string", "bool", "object", "infinite", "huge"],
)
def test_missing_or_unparseable_timestamp_becomes_received_time(timestamp: object) -> None:
    payload = {} if timestamp is None else {"timestamp": timestamp}
    assert normalize(payload)["timestamp"] == RECEIVED


@pytest.mark.parametrize(
    ("offset", "expected_offset"),
    [
        (60.0, 60.0),
        (60.5, 0.0),
        (3600.0, 0.0),
        (-30 * DAY, -30 * DAY),
        (-30 * DAY - 1, 0.0),
        (-365 * DAY, 0.0),
    ],
    ids=[
        "one_minute_ahead_is_kept",
        "more_than_a_minute_ahead_is_clamped",
        "an_hour_ahead_is_clamped",
        "thirty_days_old_is_kept",
        "older_than_thirty_days_is_clamped",
        "a_year_old_is_clamped",
    ],
)
def test_timestamp_outside_drift_window_is_clamped_to_received_time(
    offset: float, expected_offset: float
) -> None:
    assert normalize({"timestamp": RECEIVED + offset})["timestamp"] == RECEIVED + expected_offset


def test_received_time_is_recorded() -> None:
    assert normalize({"received": 1.0})["received"] == RECEIVED


# --- level, platform, plain strings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("fatal", "fatal"),
        ("error", "error"),
        ("warning", "warning"),
        ("info", "info"),
        ("debug", "debug"),
        ("log", "info"),
        ("critical", "fatal"),
        ("warn", "warning"),
        ("WARNING", "warning"),
        (10, "debug"),
        (20, "info"),
        (30, "warning"),
        (40, "error"),
        (50, "fatal"),
        (None, "error"),
        ("verbose", "error"),
        (35, "error"),
        (True, "error"),
        (["error"], "error"),
    ],
    ids=[
        "fatal",
        "error",
        "warning",
        "info",
        "debug",
        "log_is_info",
        "critical_is_fatal",
        "warn_is_warning",
        "upper_case",
        "python_10_is_debug",
        "python_20_is_info",
        "python_30_is_warning",
        "python_40_is_error",
        "python_50_is_fatal",
        "missing_is_error",
        "unknown_name_is_error",
        "unknown_number_is_error",
        "bool_is_error",
        "list_is_error",
    ],
)
def test_level_is_canonical(level: object, expected: str) -> None:
    payload = {} if level is None else {"level": level}
    assert normalize(payload)["level"] == expected


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("python", "python"), (None, "other"), ("", "other"), (7, "other")],
    ids=["kept", "missing_is_other", "empty_is_other", "non_string_is_other"],
)
def test_platform_defaults_to_other(platform: object, expected: str) -> None:
    payload = {} if platform is None else {"platform": platform}
    assert normalize(payload)["platform"] == expected


@pytest.mark.parametrize("field", ["logger", "transaction", "server_name", "release", "dist"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("value", "value"),
        (" padded ", "padded"),
        (123, "123"),
        (1.5, "1.5"),
        (False, "False"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
    ids=[
        "string_kept",
        "string_trimmed",
        "int_stringified",
        "float_stringified",
        "bool_stringified",
        "empty_dropped",
        "blank_dropped",
        "null_dropped",
    ],
)
def test_string_field_is_text_or_absent(field: str, value: object, expected: str | None) -> None:
    event = normalize({field: value})
    assert event.get(field, None) == expected
    assert (field in event) == (expected is not None)


@pytest.mark.parametrize(
    ("field", "value"),
    [("environment", "production"), ("culprit", "app.views in index")],
    ids=["environment", "culprit"],
)
def test_other_string_fields_are_kept(field: str, value: str) -> None:
    assert normalize({field: value})[field] == value


# --- logentry / message ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"message": "Something happened with id 1234"},
            {
                "message": "Something happened with id 1234",
                "formatted": "Something happened with id 1234",
                "params": None,
            },
        ),
        (
            {"logentry": {"message": "log error %s", "formatted": "log error a", "params": ["a"]}},
            {"message": "log error %s", "formatted": "log error a", "params": ["a"]},
        ),
        (
            {"message": {"message": "m %s", "params": {"x": 1}}},
            {"message": "m %s", "formatted": "m %s", "params": {"x": 1}},
        ),
        (
            {"logentry": {"formatted": "only formatted"}},
            {"message": "only formatted", "formatted": "only formatted", "params": None},
        ),
        (
            {"logentry": {"message": "only template"}},
            {"message": "only template", "formatted": "only template", "params": None},
        ),
        (
            {"logentry": {"message": "from logentry"}, "message": "from message"},
            {"message": "from logentry", "formatted": "from message", "params": None},
        ),
        (
            {"logentry": {"message": "t", "formatted": "f"}, "message": "ignored"},
            {"message": "t", "formatted": "f", "params": None},
        ),
        ({"message": 42}, {"message": "42", "formatted": "42", "params": None}),
        ({"message": True}, {"message": "True", "formatted": "True", "params": None}),
        (
            {"logentry": {"message": "m", "params": "not-a-list"}},
            {"message": "m", "formatted": "m", "params": None},
        ),
    ],
    ids=[
        "message_string_is_formatted",
        "logentry_kept",
        "message_object_is_logentry",
        "template_filled_from_formatted",
        "formatted_filled_from_template",
        "message_string_fills_missing_formatted",
        "logentry_wins_over_message",
        "number_stringified",
        "true_stringified",
        "scalar_params_dropped",
    ],
)
def test_logentry_is_folded_from_logentry_and_message(
    payload: dict[str, Any], expected: dict[str, Any]
) -> None:
    event = normalize(payload)
    assert event["logentry"] == expected
    assert "message" not in event


@pytest.mark.parametrize(
    "payload",
    [{"message": False}, {"message": None}, {"message": ""}, {"logentry": {"params": [1]}}],
    ids=["false_ignored", "null_ignored", "empty_ignored", "logentry_without_text_ignored"],
)
def test_logentry_without_text_is_absent(payload: dict[str, Any]) -> None:
    event = normalize(payload)
    assert "logentry" not in event
    assert "message" not in event


def test_logentry_texts_are_truncated_to_8192_chars() -> None:
    event = normalize({"logentry": {"message": "m" * 9000, "formatted": "f" * 9000}})
    assert event["logentry"]["message"] == "m" * 8189 + "..."
    assert event["logentry"]["formatted"] == "f" * 8189 + "..."


# --- values containers ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["exception", "threads", "breadcrumbs"])
@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ({"values": [{"type": "A"}, {"type": "B"}]}, {"values": [{"type": "A"}, {"type": "B"}]}),
        ([{"type": "A"}, {"type": "B"}], {"values": [{"type": "A"}, {"type": "B"}]}),
        ({"type": "A"}, {"values": [{"type": "A"}]}),
        ({"values": [{"type": "A"}, "junk", None]}, {"values": [{"type": "A"}]}),
        ({}, None),
        ([], None),
        ({"values": []}, None),
        ({"values": None}, None),
        ("junk", None),
    ],
    ids=[
        "values_object",
        "bare_list",
        "single_object",
        "non_objects_dropped",
        "empty_object_absent",
        "empty_list_absent",
        "empty_values_absent",
        "null_values_absent",
        "string_absent",
    ],
)
def test_values_container_is_always_values_object(
    field: str, shape: object, expected: object
) -> None:
    event = normalize({field: shape})
    assert event.get(field) == expected
    assert (field in event) == (expected is not None)


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (
            {"type": "ValueError", "value": "bad", "module": None},
            {"type": "ValueError", "value": "bad"},
        ),
        ({"type": "E", "value": 42}, {"type": "E", "value": "42"}),
        ({"type": "E", "value": {"code": 1}}, {"type": "E", "value": '{"code":1}'}),
        ({"value": "only value"}, {"value": "only value"}),
        ({"type": 500}, {"type": "500"}),
        ({"type": "E", "module": "json.decoder"}, {"type": "E", "module": "json.decoder"}),
        (
            {"type": "E", "mechanism": {"type": "generic", "handled": True}},
            {"type": "E", "mechanism": {"type": "generic", "handled": True}},
        ),
        ({"type": "E", "mechanism": "generic"}, {"type": "E"}),
        (
            {"type": "E", "thread_id": 7, "custom": [1]},
            {"type": "E", "thread_id": 7, "custom": [1]},
        ),
        ({"type": "E", "stacktrace": None}, {"type": "E"}),
        ({"type": "E", "stacktrace": {"frames": []}}, {"type": "E"}),
        ({"type": "E", "stacktrace": {"frames": "junk"}}, {"type": "E"}),
        (
            {"type": "E", "stacktrace": [{"function": "f"}]},
            {"type": "E", "stacktrace": {"frames": [{"function": "f"}]}},
        ),
        (
            {"type": "E", "stacktrace": {"frames": [{"function": "f"}, "junk"], "lang": "py"}},
            {"type": "E", "stacktrace": {"frames": [{"function": "f"}], "lang": "py"}},
        ),
    ],
    ids=[
        "null_module_dropped",
        "number_value_stringified",
        "object_value_stringified_as_json",
        "value_without_type_kept",
        "type_stringified",
        "module_kept",
        "mechanism_kept",
        "non_object_mechanism_dropped",
        "other_keys_kept",
        "null_stacktrace_dropped",
        "stacktrace_without_frames_dropped",
        "non_list_frames_dropped",
        "bare_frame_list_is_stacktrace",
        "non_object_frames_dropped_other_keys_kept",
    ],
)
def test_exception_fields_are_normalised(
    exception: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert normalize({"exception": {"values": [exception]}})["exception"] == {"values": [expected]}


@pytest.mark.parametrize(
    "exception",
    [{}, {"module": "x"}, {"type": "", "value": None}, {"stacktrace": {"frames": [{"f": 1}]}}],
    ids=["empty", "module_only", "empty_type_null_value", "stacktrace_only"],
)
def test_exception_without_type_or_value_is_dropped(exception: dict[str, Any]) -> None:
    event = normalize({"exception": {"values": [exception, {"type": "Kept"}]}})
    assert event["exception"] == {"values": [{"type": "Kept"}]}


def test_frames_keep_every_key_and_missing_in_app_stays_missing() -> None:
    frames = [
        {"filename": "a.py", "lineno": 3, "vars": {"x": "1"}, "in_app": True, "custom": "kept"},
        {"filename": "b.py", "lineno": 9, "context_line": "x()", "data": {"k": 1}},
    ]
    event = normalize({"exception": {"values": [{"type": "E", "stacktrace": {"frames": frames}}]}})
    normalised = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert normalised == frames
    assert "in_app" not in normalised[1]


@pytest.mark.parametrize(
    ("stacktrace", "expected"),
    [
        ({"frames": [{"function": "f"}]}, {"frames": [{"function": "f"}]}),
        ([{"function": "f"}], {"frames": [{"function": "f"}]}),
        ({"frames": []}, None),
        ({"registers": {}}, None),
    ],
    ids=["object_kept", "bare_list_becomes_object", "no_frames_absent", "missing_frames_absent"],
)
def test_top_level_stacktrace_is_normalised(stacktrace: object, expected: object) -> None:
    event = normalize({"stacktrace": stacktrace})
    assert event.get("stacktrace") == expected


@pytest.mark.parametrize(
    ("thread", "expected"),
    [
        (
            {"id": 1, "stacktrace": [{"function": "run"}]},
            {"id": 1, "stacktrace": {"frames": [{"function": "run"}]}},
        ),
        ({"id": 1, "crashed": True, "stacktrace": {"frames": []}}, {"id": 1, "crashed": True}),
    ],
    ids=["stacktrace_normalised", "empty_stacktrace_dropped"],
)
def test_thread_stacktrace_is_normalised(thread: dict[str, Any], expected: dict[str, Any]) -> None:
    assert normalize({"threads": [thread]})["threads"] == {"values": [expected]}


# --- tags -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"customer": "acme"}, {"customer": "acme"}),
        ([["customer", "acme"], ["region", "eu"]], {"customer": "acme", "region": "eu"}),
        ({"flag": True, "off": False}, {"flag": "True", "off": "False"}),
        ({"count": 3, "ratio": 0.5}, {"count": "3", "ratio": "0.5"}),
        ({"gone": None, "kept": "x"}, {"kept": "x"}),
        ({"  my key  ": "v"}, {"my-key": "v"}),
        ([["k", "first"], ["k", "second"]], {"k": "first"}),
        ({"a b": "first", "a-b": "second"}, {"a-b": "first"}),
        ({"k" * 250: "v"}, {"k" * 197 + "...": "v"}),
        ({"k": "v" * 250}, {"k": "v" * 197 + "..."}),
        ([["k", "v"], ["only-one"], "junk", ["a", "b", "c"]], {"k": "v"}),
        ([[1, 2]], {"1": "2"}),
        ({"": "v", "   ": "w"}, None),
        ("k=v", None),
    ],
    ids=[
        "object_kept",
        "pair_list_becomes_object",
        "bools_as_python_text",
        "numbers_as_text",
        "null_values_dropped",
        "keys_trimmed_spaces_become_dashes",
        "first_duplicate_wins",
        "first_wins_after_key_cleanup",
        "long_key_truncated_to_200",
        "long_value_truncated_to_200",
        "malformed_pairs_ignored",
        "non_string_pair_stringified",
        "empty_keys_dropped",
        "string_absent",
    ],
)
def test_tags_become_string_dict(tags: object, expected: dict[str, str] | None) -> None:
    event = normalize({"tags": tags})
    assert event.get("tags") == expected
    assert ("tags" in event) == (expected is not None)


# --- fingerprint ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fingerprint", "expected"),
    [
        (["{{ default }}", "db"], ["{{ default }}", "db"]),
        (["a", 1, 2.5, True, False], ["a", "1", "2.5", "True", "False"]),
        (["a", None, "b"], ["a", "b"]),
        (["a", {"x": 1}, ["y"]], ["a"]),
        ([], None),
        ([None], None),
        ("my-key", None),
        ({"0": "a"}, None),
    ],
    ids=[
        "strings_kept",
        "scalars_stringified",
        "nulls_dropped",
        "nested_values_dropped",
        "empty_absent",
        "only_nulls_absent",
        "string_absent",
        "object_absent",
    ],
)
def test_fingerprint_is_list_of_strings(fingerprint: object, expected: list[str] | None) -> None:
    event = normalize({"fingerprint": fingerprint})
    assert event.get("fingerprint") == expected
    assert ("fingerprint" in event) == (expected is not None)


def test_missing_fingerprint_stays_absent() -> None:
    assert "fingerprint" not in normalize({})


# --- user, request, contexts and other objects ----------------------------------------------


@pytest.mark.parametrize(
    ("user", "client_ip", "expected"),
    [
        ({"id": "u1", "email": "a@example.com"}, None, {"id": "u1", "email": "a@example.com"}),
        ({"id": 42}, None, {"id": "42"}),
        ({"id": None, "username": "u"}, None, {"username": "u"}),
        ({"ip_address": "{{auto}}"}, "203.0.113.7", {"ip_address": "203.0.113.7"}),
        ({"id": "u1", "ip_address": "{{auto}}"}, None, {"id": "u1"}),
        ({"ip_address": "198.51.100.1"}, "203.0.113.7", {"ip_address": "198.51.100.1"}),
        ("u1", None, None),
    ],
    ids=[
        "object_kept",
        "numeric_id_stringified",
        "null_id_dropped",
        "auto_ip_becomes_client_ip",
        "auto_ip_removed_without_client_ip",
        "explicit_ip_kept",
        "non_object_absent",
    ],
)
def test_user_is_normalised(
    user: object, client_ip: str | None, expected: dict[str, Any] | None
) -> None:
    event = normalize({"user": user}, client_ip=client_ip)
    assert event.get("user") == expected


@pytest.mark.parametrize(
    ("contexts", "expected"),
    [
        ({"runtime": {"name": "CPython"}}, {"runtime": {"name": "CPython"}}),
        ({"runtime": {"name": "CPython"}, "bad": "x", "n": None}, {"runtime": {"name": "CPython"}}),
        (["runtime"], None),
    ],
    ids=["objects_kept", "non_object_contexts_dropped", "non_object_absent"],
)
def test_contexts_keep_only_objects(contexts: object, expected: object) -> None:
    assert normalize({"contexts": contexts}).get("contexts") == expected


@pytest.mark.parametrize("field", ["request", "sdk", "modules", "extra"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [({"k": "v"}, {"k": "v"}), ("text", None), ([1], None)],
    ids=["object_kept", "string_absent", "list_absent"],
)
def test_object_field_is_kept_only_when_object(field: str, value: object, expected: object) -> None:
    event = normalize({field: value})
    assert event.get(field) == expected
    assert (field in event) == (expected is not None)


def test_unknown_keys_are_preserved() -> None:
    payload = {"type": "error", "checksum": "abc", "x_custom": {"nested": [1, None]}, "spans": []}
    event = normalize(payload)
    assert {key: event[key] for key in payload} == payload


def test_input_payload_is_not_modified() -> None:
    payload = sample_event("exception-chained-in-transaction.envelope")
    payload["message"] = "also a message"
    payload["user"]["ip_address"] = "{{auto}}"
    before = copy.deepcopy(payload)
    normalize(payload, client_ip="203.0.113.7")
    assert payload == before


def test_captured_python_event_normalises_to_canonical_json() -> None:
    payload = sample_event("exception-chained-in-transaction.envelope")
    event = normalize(payload, event_id="f25bf406-f68a-4755-96f3-e2a926eff8f0")
    assert json.loads(json.dumps(event)) == event
    assert event["event_id"] == "f25bf406f68a475596f3e2a926eff8f0"
    assert event["timestamp"] == 1795321034.714729
    assert event["received"] == RECEIVED
    assert event["level"] == "error"
    assert event["platform"] == "python"
    assert event["tags"] == {"customer": "acme"}
    assert [exc["type"] for exc in event["exception"]["values"]] == [
        "ZeroDivisionError",
        "ValueError",
    ]
    # sentry-python sends `"module": null` for builtins: missing, not null, once normalised.
    assert "module" not in event["exception"]["values"][0]
    assert (
        event["exception"]["values"][1]["stacktrace"]
        == payload["exception"]["values"][1]["stacktrace"]
    )


# --- bounds -------------------------------------------------------------------------------------


def test_a_long_exception_chain_keeps_its_newest_hundred() -> None:
    chain = [{"type": f"E{n}", "value": str(n)} for n in range(5000)]
    event = normalize({"exception": {"values": chain}})
    assert [e["type"] for e in event["exception"]["values"]] == [f"E{n}" for n in range(4900, 5000)]


def test_threads_and_breadcrumbs_keep_their_newest() -> None:
    threads = [{"id": n} for n in range(1000)]
    crumbs = [{"message": str(n)} for n in range(1000)]
    event = normalize({"threads": threads, "breadcrumbs": {"values": crumbs}})
    assert [t["id"] for t in event["threads"]["values"]] == list(range(744, 1000))
    assert [c["message"] for c in event["breadcrumbs"]["values"]] == [
        str(n) for n in range(800, 1000)
    ]


def test_a_deep_stack_keeps_where_it_started_and_where_it_failed() -> None:
    frames = [{"function": f"f{n}"} for n in range(1000)]
    event = normalize({"exception": {"values": [{"type": "E", "stacktrace": {"frames": frames}}]}})
    stacktrace = event["exception"]["values"][0]["stacktrace"]
    kept = [frame["function"] for frame in stacktrace["frames"]]
    assert kept == [f"f{n}" for n in [*range(50), *range(800, 1000)]]
    assert stacktrace["frames_omitted"] == [50, 800]


def test_a_stack_of_250_frames_is_kept_whole() -> None:
    frames = [{"function": f"f{n}"} for n in range(250)]
    event = normalize({"stacktrace": {"frames": frames}})
    assert event["stacktrace"] == {"frames": frames}
