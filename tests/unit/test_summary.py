"""summarize: issue title, type, message and culprit of an event (§A9)."""

from __future__ import annotations

from typing import Any

import pytest

from app.grouping import IssueSummary, summarize
from app.ingest.normalize import normalize_event
from tests.samples import RECEIVED, sample_event


def summary(payload: dict[str, Any]) -> IssueSummary:
    return summarize(normalize_event(payload, event_id=None, received_at=RECEIVED))


def exception(**fields: Any) -> dict[str, Any]:
    return {"exception": {"values": [fields]}}


def stack(*frames: dict[str, Any]) -> dict[str, Any]:
    return {"frames": list(frames)}


# --- error events ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "title", "type_", "message"),
    [
        (
            exception(type="ValueError", value="bad value 42"),
            "ValueError: bad value 42",
            "ValueError",
            "bad value 42",
        ),
        (
            exception(type="ValueError", value="first\nsecond"),
            "ValueError: first",
            "ValueError",
            "first",
        ),
        (
            exception(type="ValueError", value="  \n  padded  \n"),
            "ValueError: padded",
            "ValueError",
            "padded",
        ),
        (exception(type="ValueError"), "ValueError", "ValueError", ""),
        (exception(type="ValueError", value="   "), "ValueError", "ValueError", ""),
        (exception(value="no type"), "Error: no type", "Error", "no type"),
        (
            exception(type="E", value="v" * 150),
            "E: " + "v" * 97 + "...",
            "E",
            "v" * 150,
        ),
        (exception(type="E", value="v" * 2000), "E: " + "v" * 97 + "...", "E", "v" * 1021 + "..."),
        (exception(type="T" * 200, value="v"), "T" * 125 + "...: v", "T" * 125 + "...", "v"),
        (
            {
                "exception": {
                    "values": [
                        {"type": "KeyError", "value": "k"},
                        {"type": "ValueError", "value": "v"},
                    ]
                }
            },
            "ValueError: v",
            "ValueError",
            "v",
        ),
    ],
    ids=[
        "type_and_value",
        "first_line_of_value_only",
        "value_trimmed",
        "no_value_is_just_type",
        "blank_value_is_just_type",
        "missing_type_is_error",
        "title_truncated_to_100",
        "message_truncated_to_1024",
        "type_truncated_to_128",
        "last_exception_of_chain",
    ],
)
def test_error_event_is_summarised_by_last_exception(
    payload: dict[str, Any], title: str, type_: str, message: str
) -> None:
    result = summary(payload)
    assert (result.title, result.type, result.message) == (title, type_, message)


@pytest.mark.parametrize(
    ("frames", "title"),
    [
        ([{"function": "main", "in_app": True}, {"function": "raise_signal"}], "main"),
        ([{"function": "start"}, {"function": "crash"}], "crash"),
        ([], "<unknown>"),
    ],
    ids=[
        "crash_function_of_in_app_frame",
        "crash_function_of_last_frame",
        "unknown_without_frames",
    ],
)
def test_synthetic_exception_title_is_crash_function(
    frames: list[dict[str, Any]], title: str
) -> None:
    fields: dict[str, Any] = {
        "type": "SIGSEGV",
        "value": "Segfault",
        "mechanism": {"type": "signal", "synthetic": True},
    }
    if frames:
        fields["stacktrace"] = {"frames": frames}
    assert summary({"platform": "native", **exception(**fields)}).title == title


# --- message events -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "title", "message"),
    [
        (
            {"message": "Something happened with id 1234"},
            "Something happened with id 1234",
            "Something happened with id 1234",
        ),
        (
            {"logentry": {"message": "log error %s", "formatted": "log error arg1"}},
            "log error arg1",
            "log error arg1",
        ),
        ({"logentry": {"message": "template only %s"}}, "template only %s", "template only %s"),
        ({"message": "\n  first line  \nsecond"}, "first line", "first line"),
        ({"message": "m" * 150}, "m" * 97 + "...", "m" * 150),
        ({"message": "   "}, "<unlabeled event>", ""),
        ({}, "<unlabeled event>", ""),
    ],
    ids=[
        "formatted_message",
        "formatted_wins_over_template",
        "template_when_no_formatted",
        "first_line_stripped",
        "title_truncated_to_100",
        "blank_message_unlabeled",
        "no_message_unlabeled",
    ],
)
def test_message_event_is_summarised_by_first_line(
    payload: dict[str, Any], title: str, message: str
) -> None:
    result = summary(payload)
    assert (result.title, result.type, result.message) == (title, "Message", message)


# --- culprit --------------------------------------------------------------------------------


APP_FRAME = {"module": "app.views", "function": "index", "in_app": True}
LIB_FRAME = {"module": "lib.db", "function": "query", "in_app": False}


@pytest.mark.parametrize(
    ("payload", "culprit"),
    [
        (
            {"culprit": "sent culprit", "transaction": "GET /x", **exception(type="E")},
            "sent culprit",
        ),
        (
            {"transaction": "GET /things", **exception(type="E", stacktrace=stack(APP_FRAME))},
            "GET /things",
        ),
        (exception(type="E", stacktrace=stack(APP_FRAME, LIB_FRAME)), "app.views in index"),
        (
            exception(
                type="E", stacktrace=stack(APP_FRAME, {**APP_FRAME, "function": "later"}, LIB_FRAME)
            ),
            "app.views in later",
        ),
        (
            exception(type="E", stacktrace=stack(APP_FRAME | {"in_app": False}, LIB_FRAME)),
            "lib.db in query",
        ),
        (
            exception(type="E", stacktrace=stack({"filename": "app/views.py", "function": "f"})),
            "app/views.py in f",
        ),
        (exception(type="E", stacktrace=stack({"module": "app.views"})), "app.views in ?"),
        (exception(type="E", stacktrace=stack({"function": "f"})), ""),
        (
            {
                "platform": "javascript",
                **exception(
                    type="E", stacktrace=stack({"function": "render", "filename": "app.js"})
                ),
            },
            "render(app.js)",
        ),
        (
            {
                "platform": "node",
                **exception(
                    type="E", stacktrace=stack({"function": "handler", "module": "server"})
                ),
            },
            "handler(server)",
        ),
        (
            {
                "platform": "native",
                **exception(type="E", stacktrace=stack({"function": "main", "module": "a.out"})),
            },
            "main",
        ),
        ({"platform": "cocoa", **exception(type="E", stacktrace=stack({"package": "App"}))}, "?"),
        (
            {"platform": "objc", **exception(type="E", stacktrace=stack({"function": "-[A b]"}))},
            "-[A b]",
        ),
        (
            {
                "platform": "python",
                **exception(
                    type="E",
                    stacktrace=stack({"function": "f", "module": "m", "platform": "javascript"}),
                ),
            },
            "f(m)",
        ),
        (
            {
                "exception": {
                    "values": [
                        {"type": "A", "stacktrace": stack({"module": "first", "function": "f"})},
                        {"type": "B"},
                    ]
                }
            },
            "first in f",
        ),
        ({"stacktrace": stack(APP_FRAME), "message": "m"}, "app.views in index"),
        (
            {"request": {"url": "https://example.com/checkout"}, **exception(type="E")},
            "https://example.com/checkout",
        ),
        (exception(type="E"), ""),
        ({"message": "m"}, ""),
        ({"culprit": "c" * 250}, "c" * 197 + "..."),
        (
            {
                "request": {"url": "https://example.com/"},
                **exception(type="E", mechanism={"synthetic": True}, stacktrace=stack(APP_FRAME)),
            },
            "",
        ),
    ],
    ids=[
        "sent_culprit_wins",
        "transaction_wins_over_frames",
        "in_app_frame",
        "last_in_app_frame_from_crash_end",
        "last_frame_without_in_app",
        "filename_without_module",
        "question_mark_without_function",
        "empty_without_module_or_filename",
        "javascript_format",
        "node_format",
        "native_is_function",
        "cocoa_question_mark_without_function",
        "objc_is_function",
        "frame_platform_overrides_event",
        "last_exception_with_frames",
        "top_level_stacktrace",
        "request_url_without_stack",
        "empty_without_anything",
        "message_without_stack_is_empty",
        "truncated_to_200",
        "synthetic_exception_has_none",
    ],
)
def test_culprit(payload: dict[str, Any], culprit: str) -> None:
    assert summary(payload).culprit == culprit


# --- captured sentry-python events ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (
            "exception-chained-in-transaction.envelope",
            IssueSummary(
                title="ValueError: bad value 42",
                type="ValueError",
                message="bad value 42",
                culprit="GET /things",
            ),
        ),
        (
            "exception-in-app-flags.envelope",
            IssueSummary(
                title=(
                    "JSONDecodeError: Expecting property name enclosed in double quotes: "
                    "line 1 column 2 (char 1)"
                ),
                type="JSONDecodeError",
                message="Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
                culprit="__main__ in parse",
            ),
        ),
        (
            "message.envelope",
            IssueSummary(
                title="Something happened with id 1234",
                type="Message",
                message="Something happened with id 1234",
                culprit="GET /things",
            ),
        ),
        (
            "logging-error-event-with-attachment.envelope",
            IssueSummary(
                title="log error arg1",
                type="Message",
                message="log error arg1",
                culprit="GET /things",
            ),
        ),
    ],
    ids=["chained_exception", "in_app_flags", "message", "logging"],
)
def test_captured_event_summary(sample: str, expected: IssueSummary) -> None:
    assert summary(sample_event(sample)) == expected


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x85", "\u2028"])
def test_the_first_line_ends_where_splitlines_would_end_it(separator: str) -> None:
    value = f"  first line {separator}" + f"more{separator}" * 100_000
    result = summary(exception(type="E", value=value))
    assert (result.title, result.message) == ("E: first line", "first line")
