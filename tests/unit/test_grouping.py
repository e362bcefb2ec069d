"""compute_grouping and parameterize_message: which events share an issue, and why (§A8)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from app.grouping import GROUPING_VERSION, Grouping, compute_grouping, parameterize_message
from app.grouping.fingerprint import MAX_FINGERPRINT_ENTRIES
from app.grouping.parameterize import MAX_CHARS
from app.ingest.normalize import normalize_event
from tests.samples import RECEIVED, sample_event

MD5_OF_NOTHING = "d41d8cd98f00b204e9800998ecf8427e"


def group(payload: dict[str, Any]) -> Grouping:
    return compute_grouping(normalize_event(payload, event_id=None, received_at=RECEIVED))


def hashed(payload: dict[str, Any]) -> str:
    return group(payload).hash


def values(payload: dict[str, Any]) -> list[str]:
    result: list[str] = group(payload).explanation["values"]
    return result


def md5(*parts: str) -> str:
    return hashlib.md5("\x00".join(parts).encode()).hexdigest()


def frame(
    module: str | None = None,
    function: str | None = None,
    context_line: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    result: dict[str, Any] = dict(fields)
    for key, value in (("module", module), ("function", function), ("context_line", context_line)):
        if value is not None:
            result[key] = value
    return result


def error(
    *frames: dict[str, Any],
    type: str = "ValueError",
    value: str = "boom",
    platform: str = "python",
    **fields: Any,
) -> dict[str, Any]:
    """A one-exception event; without frames the exception has no stack trace."""
    exception: dict[str, Any] = {"type": type, "value": value}
    if frames:
        exception["stacktrace"] = {"frames": list(frames)}
    return {"platform": platform, "exception": {"values": [exception]}, **fields}


def chain(*exceptions: dict[str, Any], platform: str = "python") -> dict[str, Any]:
    return {"platform": platform, "exception": {"values": list(exceptions)}}


APP = frame("app.views", "index", "load(user_id)", in_app=True)
LIB = frame("lib.db", "query", "cursor.execute(sql)", in_app=False)
STDLIB = frame("json.decoder", "decode", "obj = self.raw_decode(s)")


# --- SDK fingerprint ------------------------------------------------------------------------


def test_custom_fingerprint_replaces_default_grouping() -> None:
    first = group(error(APP, type="KeyError", fingerprint=["payment-failed"]))
    second = group(error(LIB, type="TypeError", fingerprint=["payment-failed"]))
    assert first.variant == second.variant == "custom-fingerprint"
    assert first.hash == second.hash == hashlib.md5(b"payment-failed").hexdigest()
    assert first.explanation["values"] == ["payment-failed"]


def test_custom_fingerprint_values_are_hashed_with_a_separator() -> None:
    assert hashed({"fingerprint": ["a", "b"]}) == md5("a", "b")
    assert hashed({"fingerprint": ["ab", "c"]}) != hashed({"fingerprint": ["a", "bc"]})


@pytest.mark.parametrize(
    "fingerprint",
    [["{{ default }}"], ["{{default}}"], ["{{  default  }}"]],
    ids=["spaced", "unspaced", "extra_spaces"],
)
def test_default_only_fingerprint_is_default_grouping(fingerprint: list[str]) -> None:
    with_fingerprint = group(error(APP, fingerprint=fingerprint))
    without = group(error(APP))
    assert (with_fingerprint.hash, with_fingerprint.variant) == (without.hash, "app")


@pytest.mark.parametrize(
    ("fingerprint", "expected"),
    [
        (
            ["{{ default }}", "db"],
            ["app.views", "index", "load(user_id)", "ValueError", "db"],
        ),
        (
            ["db", "{{ default }}"],
            ["db", "app.views", "index", "load(user_id)", "ValueError"],
        ),
        (
            ["{{ default }}", "{{ type }}"],
            ["app.views", "index", "load(user_id)", "ValueError", "ValueError"],
        ),
    ],
    ids=["default_then_literal", "literal_then_default", "variables_resolved"],
)
def test_hybrid_fingerprint_splices_default_values(
    fingerprint: list[str], expected: list[str]
) -> None:
    grouping = group(error(APP, fingerprint=fingerprint))
    assert grouping.variant == "hybrid-fingerprint"
    assert grouping.explanation["values"] == expected
    assert grouping.explanation["default"]["variant"] == "app"
    assert grouping.hash == md5(*expected)
    assert grouping.hash != hashed(error(APP))


VARIABLE_EVENT: dict[str, Any] = {
    "platform": "python",
    "transaction": "GET /things",
    "level": "warning",
    "logger": "app.db",
    "tags": {"region": "eu"},
    "exception": {
        "values": [
            {"type": "OSError", "value": "earlier"},
            {
                "type": "KeyError",
                "value": "user 42",
                "stacktrace": {
                    "frames": [
                        {
                            "module": "app.views",
                            "function": "index",
                            "abs_path": "/srv/app/views.py",
                            "filename": "app/views.py",
                            "package": "/usr/lib/libapp.so",
                            "in_app": True,
                        },
                        {
                            "module": "lib.x",
                            "function": "helper",
                            "abs_path": "/venv/lib/x.py",
                            "filename": "lib/x.py",
                            "in_app": False,
                        },
                    ]
                },
            },
        ]
    },
}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{{ transaction }}", "GET /things"),
        ("{{ type }}", "KeyError"),
        ("{{ error.type }}", "KeyError"),
        ("{{ value }}", "user <int>"),
        ("{{ error.value }}", "user <int>"),
        ("{{ raw_value }}", "user 42"),
        ("{{ error.raw_value }}", "user 42"),
        ("{{ message }}", "user <int>"),
        ("{{ raw_message }}", "user 42"),
        ("{{ function }}", "index"),
        ("{{ stack.function }}", "index"),
        ("{{ module }}", "app.views"),
        ("{{ stack.module }}", "app.views"),
        ("{{ path }}", "/srv/app/views.py"),
        ("{{ stack.abs_path }}", "/srv/app/views.py"),
        ("{{ stack.filename }}", "app/views.py"),
        ("{{ package }}", "libapp.so"),
        ("{{ stack.package }}", "libapp.so"),
        ("{{ level }}", "warning"),
        ("{{ logger }}", "app.db"),
        ("{{ tags.region }}", "eu"),
        ("{{type}}", "KeyError"),
        ("{{   type   }}", "KeyError"),
        ("{{ tags.missing }}", "<no-value-for-tag-missing>"),
        ("{{ nonsense }}", "<unrecognized-variable-nonsense>"),
        ("checkout", "checkout"),
        ("prefix {{ type }}", "prefix {{ type }}"),
    ],
    ids=[
        "transaction",
        "type_of_last_exception",
        "error_type",
        "value_parameterised",
        "error_value_parameterised",
        "raw_value_verbatim",
        "error_raw_value_verbatim",
        "message_falls_back_to_exception_value",
        "raw_message_verbatim",
        "function_of_last_in_app_frame",
        "stack_function",
        "module",
        "stack_module",
        "path_is_abs_path",
        "stack_abs_path",
        "stack_filename",
        "package_last_path_segment",
        "stack_package",
        "level",
        "logger",
        "tag",
        "no_spaces_inside_braces",
        "many_spaces_inside_braces",
        "missing_tag_fallback",
        "unknown_variable",
        "literal",
        "partial_variable_is_literal",
    ],
)
def test_fingerprint_variable_resolves_against_event(entry: str, expected: str) -> None:
    grouping = group({**VARIABLE_EVENT, "fingerprint": [entry]})
    assert grouping.variant == "custom-fingerprint"
    assert grouping.explanation["values"] == [expected]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{{ transaction }}", "<no-transaction>"),
        ("{{ message }}", "<no-message>"),
        ("{{ type }}", "<no-type>"),
        ("{{ value }}", "<no-value>"),
        ("{{ function }}", "<no-function>"),
        ("{{ path }}", "<no-abs-path>"),
        ("{{ stack.filename }}", "<no-filename>"),
        ("{{ module }}", "<no-module>"),
        ("{{ package }}", "<no-package>"),
        ("{{ logger }}", "<no-logger>"),
        ("{{ tags.region }}", "<no-value-for-tag-region>"),
    ],
    ids=[
        "transaction",
        "message",
        "type",
        "value",
        "function",
        "path",
        "filename",
        "module",
        "package",
        "logger",
        "tag",
    ],
)
def test_fingerprint_variable_without_data_uses_fallback_text(entry: str, expected: str) -> None:
    assert values({"fingerprint": [entry]}) == [expected]


def test_level_variable_falls_back_when_level_is_missing() -> None:
    # normalize_event always sets a level, so only a hand-made event can lack one.
    grouping = compute_grouping({"fingerprint": ["{{ level }}"]})
    assert grouping.explanation["values"] == ["<no-level>"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"logentry": {"message": "user %s", "formatted": "user 7"}}, "user <int>"),
        ({"stacktrace": {"frames": [frame(function="top", in_app=True)]}}, "top"),
        (
            {"threads": {"values": [{"stacktrace": {"frames": [frame(function="run")]}}]}},
            "run",
        ),
        (error(frame(function="first"), frame(function="last")), "last"),
    ],
    ids=[
        "message_from_formatted",
        "function_from_top_level_stacktrace",
        "function_from_single_thread",
        "function_of_last_frame_without_in_app",
    ],
)
def test_fingerprint_variable_source(payload: dict[str, Any], expected: str) -> None:
    entry = "{{ message }}" if "logentry" in payload else "{{ function }}"
    assert values({**payload, "fingerprint": [entry]}) == [expected]


# --- legacy checksum ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checksum", "expected_hash"),
    [
        ("0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef"),
        ("my-checksum", hashlib.md5(b"my-checksum").hexdigest()),
    ],
    ids=["hex_checksum_is_the_hash", "other_checksum_is_hashed"],
)
def test_checksum_decides_the_hash(checksum: str, expected_hash: str) -> None:
    grouping = group(error(APP, checksum=checksum))
    assert (grouping.variant, grouping.hash) == ("checksum", expected_hash)
    assert grouping.explanation["values"] == [checksum]


def test_fingerprint_wins_over_checksum() -> None:
    assert group(error(APP, checksum="c", fingerprint=["f"])).variant == "custom-fingerprint"


def test_default_only_fingerprint_leaves_checksum_in_charge() -> None:
    assert group(error(APP, checksum="c", fingerprint=["{{ default }}"])).variant == "checksum"


# --- app and system variants ----------------------------------------------------------------


def test_app_variant_uses_only_in_app_frames() -> None:
    grouping = group(error(STDLIB, APP, LIB))
    assert grouping.variant == "app"
    assert grouping.explanation["values"] == ["app.views", "index", "load(user_id)", "ValueError"]


def test_system_variant_uses_all_frames_when_none_is_in_app() -> None:
    grouping = group(error(STDLIB, LIB))
    assert grouping.variant == "system"
    assert grouping.explanation["values"] == [
        "json.decoder",
        "decode",
        "obj = self.raw_decode(s)",
        "lib.db",
        "query",
        "cursor.execute(sql)",
        "ValueError",
    ]


def test_library_frames_do_not_split_app_groups() -> None:
    assert hashed(error(APP, LIB)) == hashed(error(STDLIB, APP, frame("other", "call")))


def test_exception_without_in_app_frames_contributes_its_value_in_app_variant() -> None:
    payload = chain(
        {"type": "OSError", "value": "disk 3 full", "stacktrace": {"frames": [LIB]}},
        {"type": "ValueError", "value": "boom", "stacktrace": {"frames": [APP]}},
    )
    grouping = group(payload)
    assert grouping.variant == "app"
    assert grouping.explanation["values"] == [
        "OSError",
        "disk <int> full",
        "app.views",
        "index",
        "load(user_id)",
        "ValueError",
    ]


# --- frame components -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame_fields", "expected"),
    [
        (
            {"module": "app.models", "filename": "app/models.py", "function": "save"},
            ["app.models", "save"],
        ),
        ({"filename": "src/Utils/Helper.PY", "function": "f"}, ["helper.py", "f"]),
        ({"filename": "C:\\App\\Main.cs", "function": "f"}, ["main.cs", "f"]),
        ({"abs_path": "/srv/app/Tasks.py", "function": "f"}, ["f"]),
        (
            {
                "filename": "app.js",
                "abs_path": "https://cdn.example.com/v2/app.js",
                "function": "f",
            },
            ["f"],
        ),
        ({"filename": "app.js", "abs_path": "http://localhost/app.js", "function": "f"}, ["f"]),
        ({"filename": "<anonymous>", "function": "f"}, ["f"]),
        ({"filename": "[native code]", "function": "f"}, ["f"]),
        ({"module": "m", "function": "f", "lineno": 10, "colno": 3}, ["m", "f"]),
        ({"module": "m", "raw_function": "raw"}, ["m", "raw"]),
    ],
    ids=[
        "module_takes_precedence_over_filename",
        "filename_basename_lower_cased",
        "windows_filename_basename",
        "abs_path_alone_does_not_contribute",
        "url_abs_path_drops_filename",
        "http_abs_path_drops_filename",
        "anonymous_filename_ignored",
        "native_code_filename_ignored",
        "line_and_column_never_contribute",
        "raw_function_when_no_function",
    ],
)
def test_frame_contributes_module_or_filename_and_function(
    frame_fields: dict[str, Any], expected: list[str]
) -> None:
    assert values(error(frame_fields, platform="other")) == [*expected, "ValueError"]


@pytest.mark.parametrize(
    ("platform", "frame_fields", "expected"),
    [
        ("python", {"module": "m", "context_line": "    return 1 / x"}, ["m", "return 1 / x"]),
        ("javascript", {"module": "m", "context_line": "a()"}, ["m", "a()"]),
        ("node", {"module": "m", "context_line": "a()"}, ["m", "a()"]),
        ("php", {"module": "m", "context_line": "a();"}, ["m", "a();"]),
        ("ruby", {"module": "m", "context_line": "a"}, ["m", "a"]),
        ("java", {"module": "m", "context_line": "a();"}, ["m"]),
        ("cocoa", {"module": "m", "context_line": "a();"}, ["m"]),
        ("java", {"module": "m", "context_line": "a()", "platform": "python"}, ["m", "a()"]),
        ("python", {"module": "m", "context_line": "a()", "platform": "java"}, ["m"]),
        ("python", {"module": "m", "context_line": "\tif  x :\t y( 1 )  "}, ["m", "if x : y( 1 )"]),
        ("python", {"module": "m", "context_line": "x" * 120}, ["m", "x" * 120]),
        ("python", {"module": "m", "context_line": "x" * 121}, ["m"]),
        ("python", {"module": "m", "context_line": "   "}, ["m"]),
    ],
    ids=[
        "python_uses_context_line",
        "javascript_uses_context_line",
        "node_uses_context_line",
        "php_uses_context_line",
        "ruby_uses_context_line",
        "java_ignores_context_line",
        "cocoa_ignores_context_line",
        "frame_platform_overrides_event_platform",
        "frame_platform_can_disable_context_line",
        "whitespace_collapsed_and_trimmed",
        "line_of_120_chars_used",
        "line_over_120_chars_ignored",
        "blank_line_ignored",
    ],
)
def test_context_line_contributes_only_for_trusted_platforms(
    platform: str, frame_fields: dict[str, Any], expected: list[str]
) -> None:
    assert values(error(frame_fields, platform=platform)) == [*expected, "ValueError"]


def test_line_numbers_do_not_split_groups() -> None:
    before = frame("app", "f", "x()", lineno=10, colno=1, in_app=True)
    after = frame("app", "f", "x()", lineno=42, colno=7, in_app=True)
    assert hashed(error(before)) == hashed(error(after))


def test_source_changes_split_groups_where_context_lines_count() -> None:
    assert hashed(error(frame("app", "f", "x()"))) != hashed(error(frame("app", "f", "y()")))


@pytest.mark.parametrize(
    ("frames", "expected"),
    [
        ([frame("m", "f", lineno=1)] * 3, ["m", "f"]),
        ([frame("m", "f", lineno=1), frame("m", "f", lineno=2)], ["m", "f", "m", "f"]),
        (
            [frame("m", "f", lineno=1), frame("m", "g", lineno=5), frame("m", "f", lineno=1)],
            ["m", "f", "m", "g", "m", "f"],
        ),
    ],
    ids=["recursion_counts_once", "different_lines_are_not_recursion", "non_consecutive_repeat"],
)
def test_recursion_counts_once(frames: list[dict[str, Any]], expected: list[str]) -> None:
    assert values(error(*frames, platform="other")) == [*expected, "ValueError"]


@pytest.mark.parametrize(
    ("platform", "frame_fields", "expected"),
    [
        ("javascript", {"function": "Object.render"}, ["render"]),
        ("javascript", {"function": "<anonymous>"}, []),
        ("javascript", {"function": "?"}, []),
        ("javascript", {"function": "Anonymous function"}, []),
        ("javascript", {"function": "Foo/<"}, []),
        (
            "javascript",
            {"module": "app/main", "abs_path": "webpack:///app/main", "function": "f"},
            ["f"],
        ),
        (
            "javascript",
            {"module": "vendor", "abs_path": "webpack:///app/main", "function": "f"},
            ["vendor", "f"],
        ),
        (
            "javascript",
            {"function": "minified", "context_line": "render()", "data": {"sourcemap": "x.map"}},
            ["render()"],
        ),
        ("javascript", {"function": "kept", "context_line": "render()"}, ["kept", "render()"]),
        ("java", {"module": "com.A", "function": "lambda$run$0"}, ["com.A"]),
        ("java", {"module": "com.A$$Lambda$12/0x1", "function": "run"}, ["run"]),
        (
            "java",
            {"module": "sun.reflect.GeneratedMethodAccessor123", "function": "invoke"},
            ["sun.reflect.GeneratedMethodAccessor", "invoke"],
        ),
        (
            "java",
            {"module": "com.A$$EnhancerBySpringCGLIB$$5c2b1a", "function": "f"},
            ["com.A$$EnhancerBySpringCGLIB$$<auto>", "f"],
        ),
        (
            "java",
            {"module": "com.EntriesResource_$$_javassist_74", "function": "f"},
            ["com.EntriesResource_$$_javassist<auto>", "f"],
        ),
        (
            "java",
            {"module": "my.core$fn__1234", "function": "invoke"},
            ["my.core$fn__<auto>", "invoke"],
        ),
        ("ruby", {"function": "block in process"}, ["block"]),
        (
            "ruby",
            {"function": "_app_views_show_html_erb__1234567_89012"},
            ["_app_views_show_html_erb"],
        ),
        ("php", {"function": "[Anonymous function]"}, []),
        ("php", {"function": "handle"}, ["handle"]),
        ("native", {"function": "<unknown>"}, []),
        ("cocoa", {"function": "<redacted>"}, []),
        ("native", {"function": "main"}, ["main"]),
        (
            "csharp",
            {"function": "Run", "raw_function": "Program.Run(string[] args)"},
            ["Program.Run(string[] args)"],
        ),
    ],
    ids=[
        "javascript_keeps_last_name_segment",
        "javascript_anonymous_ignored",
        "javascript_question_mark_ignored",
        "javascript_ie_anonymous_ignored",
        "javascript_firefox_anonymous_ignored",
        "javascript_path_module_ignored",
        "javascript_real_module_kept",
        "javascript_sourcemapped_function_yields_to_context_line",
        "javascript_function_kept_without_sourcemap",
        "java_lambda_function_ignored",
        "java_lambda_class_ignored",
        "java_reflection_counter_removed",
        "java_cglib_counter_replaced",
        "java_javassist_counter_replaced",
        "clojure_counter_replaced",
        "ruby_block_collapsed",
        "ruby_erb_suffix_removed",
        "php_anonymous_function_ignored",
        "php_named_function_kept",
        "native_unknown_function_ignored",
        "cocoa_redacted_function_ignored",
        "native_function_kept",
        "csharp_prefers_raw_function",
    ],
)
def test_platform_specific_function_and_module_rules(
    platform: str, frame_fields: dict[str, Any], expected: list[str]
) -> None:
    other = frame("stable", "anchor")
    assert values(error(other, frame_fields, platform=platform)) == [
        "stable",
        "anchor",
        *expected,
        "ValueError",
    ]


@pytest.mark.parametrize(
    "frame_fields",
    [
        {"function": "eval", "module": "m"},
        {"function": "window.eval", "module": "m"},
        {"function": "f", "abs_path": "[native code]"},
        {"function": "f", "abs_path": "eval code"},
        {"function": "f", "abs_path": "<anonymous>"},
    ],
    ids=["eval", "qualified_eval", "native_code", "eval_code", "anonymous_path"],
)
def test_low_quality_javascript_frames_are_dropped(frame_fields: dict[str, Any]) -> None:
    payload = error(frame("stable", "anchor"), frame_fields, platform="javascript")
    assert values(payload) == ["stable", "anchor", "ValueError"]


def test_lone_javascript_url_frame_without_function_is_ignored() -> None:
    lone = {"filename": "app.js", "abs_path": "https://example.com/app.js", "context_line": "x"}
    grouping = group(error(lone, type="Error", value="Script error.", platform="javascript"))
    # Its stack trace no longer contributes, so the message tells such errors apart.
    assert grouping.explanation["values"] == ["Error", "Script error."]


def test_javascript_context_line_from_url_without_function_is_ignored() -> None:
    url_frame = {"abs_path": "https://example.com/app.js", "context_line": "x()", "colno": 5}
    payload = error(frame("stable", "anchor"), url_frame, platform="javascript")
    assert values(payload) == ["stable", "anchor", "ValueError"]


# --- exceptions -----------------------------------------------------------------------------


def test_synthetic_exception_type_does_not_contribute() -> None:
    payload = error(APP, type="SIGSEGV")
    payload["exception"]["values"][0]["mechanism"] = {"type": "signal", "synthetic": True}
    assert values(payload) == ["app.views", "index", "load(user_id)"]


@pytest.mark.parametrize(
    ("first", "second", "same_group"),
    [
        (error(value="user 12 missing"), error(value="user 13 missing"), True),
        (error(value="user missing"), error(value="order missing"), False),
        (error(APP, value="user missing"), error(APP, value="order missing"), True),
    ],
    ids=[
        "values_differing_in_ids_group_together",
        "different_values_split_without_stacktrace",
        "value_ignored_when_stacktrace_contributes",
    ],
)
def test_exception_value_counts_only_without_stacktrace(
    first: dict[str, Any], second: dict[str, Any], same_group: bool
) -> None:
    assert (hashed(first) == hashed(second)) is same_group


def test_exception_without_stacktrace_groups_by_type_and_parameterised_value() -> None:
    assert values(error(value="timeout after 30s talking to 10.0.0.7")) == [
        "ValueError",
        "timeout after <duration> talking to <ip>",
    ]


def test_chained_exceptions_contribute_oldest_first() -> None:
    payload = chain({"type": "KeyError", "value": "k"}, {"type": "ValueError", "value": "v"})
    assert values(payload) == ["KeyError", "k", "ValueError", "v"]


def test_chained_exception_order_matters() -> None:
    first = chain({"type": "KeyError"}, {"type": "ValueError"})
    second = chain({"type": "ValueError"}, {"type": "KeyError"})
    assert hashed(first) != hashed(second)


def test_exception_that_contributes_nothing_falls_through_to_message() -> None:
    payload = error(type="Crash", message="worker 3 died")
    payload["exception"]["values"][0] = {
        "type": "SIGABRT",
        "value": "",
        "mechanism": {"synthetic": True},
    }
    grouping = group(payload)
    assert (grouping.variant, grouping.explanation["values"]) == ("message", ["worker <int> died"])


# --- threads, top-level stack trace, message, fallback --------------------------------------


def thread(*frames: dict[str, Any], **fields: Any) -> dict[str, Any]:
    if frames:
        fields["stacktrace"] = {"frames": list(frames)}
    return fields


@pytest.mark.parametrize(
    ("threads", "expected_variant", "expected_values"),
    [
        ([thread(APP, id=1)], "app", ["app.views", "index", "load(user_id)"]),
        ([thread(id=1), thread(LIB, id=2)], "system", ["lib.db", "query", "cursor.execute(sql)"]),
        ([thread(APP, id=1), thread(LIB, id=2)], "message", ["worker <int> died"]),
    ],
    ids=[
        "single_thread_stack_used",
        "threads_without_stack_ignored",
        "several_thread_stacks_ignored",
    ],
)
def test_threads_group_only_with_exactly_one_stack(
    threads: list[dict[str, Any]], expected_variant: str, expected_values: list[str]
) -> None:
    payload = {"platform": "python", "threads": {"values": threads}, "message": "worker 7 died"}
    grouping = group(payload)
    assert grouping.variant == expected_variant
    assert grouping.explanation["values"] == expected_values
    if expected_variant != "message":
        assert grouping.explanation["strategy"] == "threads"


@pytest.mark.parametrize(
    ("payload", "strategy", "expected_values"),
    [
        (
            {"stacktrace": {"frames": [APP]}, "message": "hello 1"},
            "stacktrace",
            ["app.views", "index", "load(user_id)"],
        ),
        (
            {**error(LIB), "stacktrace": {"frames": [APP]}, "message": "hello 1"},
            "exception",
            ["lib.db", "query", "cursor.execute(sql)", "ValueError"],
        ),
        ({"message": "hello 1"}, "message", ["hello <int>"]),
        (
            {"logentry": {"message": "log error %s", "formatted": "log error a"}},
            "message",
            ["log error %s"],
        ),
    ],
    ids=[
        "top_level_stacktrace_wins_over_message",
        "exception_wins_over_top_level_stacktrace",
        "message_parameterised",
        "message_template_wins_over_formatted",
    ],
)
def test_default_strategies_in_order(
    payload: dict[str, Any], strategy: str, expected_values: list[str]
) -> None:
    payload = {"platform": "python", **payload}
    grouping = group(payload)
    assert grouping.explanation["strategy"] == strategy
    assert grouping.explanation["values"] == expected_values


def test_event_without_anything_to_group_by_uses_fallback() -> None:
    grouping = group({"level": "info", "tags": {"a": "b"}})
    assert grouping == Grouping(
        hash=MD5_OF_NOTHING,
        version=GROUPING_VERSION,
        variant="fallback",
        explanation={
            "variant": "fallback",
            "description": "nothing to group by: all such events share one issue",
            "strategy": "fallback",
            "components": [],
            "values": [],
        },
    )


# --- explanation ----------------------------------------------------------------------------


def test_explanation_names_variant_components_and_hashed_values() -> None:
    payload = chain(
        {"type": "KeyError", "value": "user 3"},
        {"type": "ValueError", "value": "boom", "stacktrace": {"frames": [APP, LIB]}},
    )
    grouping = group(payload)
    assert grouping.version == GROUPING_VERSION == "faultline-2026-11"
    assert grouping.explanation == {
        "variant": "app",
        "description": (
            "in-app frames (module or file name, function, source line; never line numbers) of "
            "the exception chain and exception types; an exception's message counts only when "
            "its stack trace has no such frames"
        ),
        "strategy": "exception",
        "components": [
            {"exception": 0, "type": "KeyError", "value": "user <int>"},
            {
                "exception": 1,
                "frames": [
                    {"module": "app.views", "function": "index", "context_line": "load(user_id)"}
                ],
                "type": "ValueError",
            },
        ],
        "values": [
            "KeyError",
            "user <int>",
            "app.views",
            "index",
            "load(user_id)",
            "ValueError",
        ],
    }
    assert grouping.hash == md5(*grouping.explanation["values"])


def test_explanation_shows_the_crashing_end_of_long_stacks_but_hashes_all_frames() -> None:
    frames = [frame(f"mod{index}", "f") for index in range(60)]
    grouping = group(error(*frames, platform="other"))
    component = grouping.explanation["components"][0]
    assert component["frames_omitted"] == 10
    assert [shown["module"] for shown in component["frames"]] == [f"mod{i}" for i in range(10, 60)]
    assert len(grouping.explanation["values"]) == 60 * 2 + 1


def test_explanation_is_json_serialisable() -> None:
    grouping = group(sample_event("exception-chained-in-transaction.envelope"))
    assert json.loads(json.dumps(grouping.explanation)) == grouping.explanation


# --- message parameterisation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Something happened with id 1234", "Something happened with id <int>"),
        ("mail to bob.smith+x@example.co.uk failed", "mail to <email> failed"),
        ("GET https://api.example.com/v1/users?id=7 failed", "GET <url> failed"),
        ("cannot reach db-1.internal.example.com now", "cannot reach <hostname> now"),
        ("connect to 10.0.12.7 refused", "connect to <ip> refused"),
        ("connect to 2001:db8::8a2e:370:7334 refused", "connect to <ip> refused"),
        ("call Foo::bar() failed", "call Foo::bar() failed"),
        ("trace 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "trace <traceparent>"),
        ("order 550e8400-e29b-41d4-a716-446655440000 lost", "order <uuid> lost"),
        ("commit da39a3ee5e6b4b0d3255bfef95601890afd80709 missing", "commit <sha1> missing"),
        ("blob d41d8cd98f00b204e9800998ecf8427e missing", "blob <md5> missing"),
        ("at 2026-11-22T04:17:14.714729Z", "at <date>"),
        ("at 2026-11-22 04:17:14+01:00", "at <date>"),
        ("on 2026-11-22", "on <date>"),
        ("at Mon, 02 Jan 2006 15:04:05 MST", "at <date>"),
        ("at Mon Jan 02 2006 15:04:05 GMT+0100 (CET)", "at <date>"),
        ("due Jan 02, 1999", "due <date>"),
        ("failed at 10:31", "failed at <date>"),
        ("failed at 9:30 pm", "failed at <date>"),
        ("now datetime.datetime(2026, 11, 22, 4, 17)", "now <date>"),
        ("took 250ms", "took <duration>"),
        ("took 1.5s", "took <duration>"),
        ("pointer 0x7f1f77012bd0", "pointer <hex>"),
        ("token deadbeef42", "token <hex>"),
        ("account 123456789", "account <hex>"),
        ("release abc1234 broken", "release <git_sha> broken"),
        ("ratio 0.75 too high", "ratio <float> too high"),
        ("balance -12", "balance <int>"),
        ("encoding utf-8", "encoding utf-<int>"),
        ("lookup name='bob' failed", "lookup name=<quoted_str> failed"),
        ('lookup name="bob smith" failed', "lookup name=<quoted_str> failed"),
        ("flag enabled=true", "flag enabled=<bool>"),
        ("flag enabled=False", "flag enabled=<bool>"),
        ("open /srv/app/data/report.csv failed", "open <path> failed"),
        ("open /etc/nginx/nginx.conf failed", "open <path> failed"),
        ("open /var/lib/app failed", "open <path> failed"),
        ("open C:\\Users\\bob\\file.txt failed", "open <path> failed"),
        ("open ~/notes/todo failed", "open <path> failed"),
        ("open ../config/app.yaml failed", "open <path> failed"),
        ("Not Found: /api/users/12", "Not Found: /api/users/<int>"),
        ("division by zero", "division by zero"),
    ],
    ids=[
        "int",
        "email",
        "url",
        "hostname",
        "ipv4",
        "ipv6",
        "double_colon_is_not_ip",
        "traceparent",
        "uuid",
        "sha1",
        "md5",
        "iso_datetime",
        "iso_datetime_with_space_and_offset",
        "iso_date",
        "rfc1123_date",
        "javascript_date",
        "month_day_year",
        "clock_time",
        "clock_time_am_pm",
        "python_datetime_repr",
        "duration_ms",
        "duration_seconds",
        "hex_prefixed",
        "hex_unprefixed",
        "long_number_is_hex",
        "git_sha",
        "float",
        "negative_int",
        "dash_between_words_is_not_minus",
        "single_quoted_value",
        "double_quoted_value",
        "bool_lower",
        "bool_capitalised",
        "path_with_extension",
        "path_under_etc",
        "path_under_var",
        "windows_path",
        "home_path",
        "relative_path",
        "url_route_is_not_a_path",
        "plain_text_unchanged",
    ],
)
def test_parameterize_message_replaces_data_with_placeholders(text: str, expected: str) -> None:
    assert parameterize_message(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one line", "one line"),
        ("first\nsecond", "first\nsecond"),
        ("first\nsecond\nthird", "first\nsecond..."),
        ("\n\nfirst\n   \nsecond\n", "first\nsecond"),
        ("first\n\nsecond\n\nthird", "first\nsecond..."),
        ("", ""),
    ],
    ids=[
        "single_line",
        "two_lines_kept",
        "third_line_cut_with_ellipsis",
        "blank_lines_skipped",
        "blank_lines_skipped_before_cut",
        "empty",
    ],
)
def test_parameterize_message_keeps_first_two_non_empty_lines(text: str, expected: str) -> None:
    assert parameterize_message(text) == expected


# --- captured sentry-python events ----------------------------------------------------------


def test_captured_chained_exception_groups_by_all_frames() -> None:
    # The sample has no in_app flags at all (sentry-python leaves them out for a script run
    # outside a project root), so no frame is in-app, the app variant cannot contribute and the
    # system variant decides: exactly the worked example of protocols.md §A8.7.
    payload = sample_event("exception-chained-in-transaction.envelope")
    frames = [f for exc in payload["exception"]["values"] for f in exc["stacktrace"]["frames"]]
    assert all("in_app" not in f for f in frames)
    grouping = group(payload)
    assert grouping.variant == "system"
    assert grouping.explanation["values"] == [
        "__main__",
        "outer",
        "inner(0)",
        "__main__",
        "inner",
        "return 1 / x",
        "ZeroDivisionError",
        "__main__",
        "<module>",
        "outer()",
        "__main__",
        "outer",
        'raise ValueError("bad value 42") from e',
        "ValueError",
    ]
    assert grouping.hash == md5(*grouping.explanation["values"])


def test_captured_in_app_flags_group_by_in_app_frames_only() -> None:
    grouping = group(sample_event("exception-in-app-flags.envelope"))
    assert grouping.variant == "app"
    assert grouping.explanation["values"] == [
        "__main__",
        "<module>",
        'parse("{not json")',
        "__main__",
        "parse",
        "return json.loads(s)",
        "JSONDecodeError",
    ]


def test_captured_message_groups_by_parameterised_message() -> None:
    grouping = group(sample_event("message.envelope"))
    assert grouping.variant == "message"
    assert grouping.explanation["values"] == ["Something happened with id <int>"]


def test_captured_logging_event_groups_by_template() -> None:
    grouping = group(sample_event("logging-error-event-with-attachment.envelope"))
    assert grouping.variant == "message"
    assert grouping.explanation["values"] == ["log error %s"]


# --- hostile input (issue #6) ------------------------------------------------------------------


def test_only_the_first_fingerprint_entries_count() -> None:
    entries = [f"e{n}" for n in range(MAX_FINGERPRINT_ENTRIES + 5)]
    assert values({"fingerprint": entries}) == entries[:MAX_FINGERPRINT_ENTRIES]
    assert hashed({"fingerprint": entries}) == hashed(
        {"fingerprint": entries[:MAX_FINGERPRINT_ENTRIES]}
    )


def test_repeated_default_splices_are_bounded_by_the_cap() -> None:
    grouping = group(error(APP, fingerprint=["{{ default }}"] * 1000 + ["x"]))
    assert grouping.variant == "hybrid-fingerprint"
    assert grouping.explanation["fingerprint"] == ["{{ default }}"] * MAX_FINGERPRINT_ENTRIES
    assert len(grouping.explanation["values"]) == 4 * MAX_FINGERPRINT_ENTRIES  # 3 frame + type


def test_fingerprint_variables_keep_as_much_as_parameterising_does() -> None:
    value = "x" * (MAX_CHARS + 100)
    assert values(error(value=value, fingerprint=["{{ raw_value }}", "{{ value }}"])) == [
        value[:MAX_CHARS],
        value[:MAX_CHARS],
    ]


def test_recursion_check_does_not_compare_deep_containers() -> None:
    def deep() -> Any:
        value: Any = "leaf"
        for _ in range(100_000):
            value = [value]
        return value

    frames = [frame("app.views", "index", in_app=True, lineno=deep()) for _ in range(2)]
    # Containers where scalars belong are never equal, so both frames count.
    assert values(error(*frames)) == ["app.views", "index", "app.views", "index", "ValueError"]
