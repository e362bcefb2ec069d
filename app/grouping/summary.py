"""Issue title, type, message and culprit of an event (protocols.md §A9).

Error events are summarised by their last (outermost) exception: `ValueError: bad value 42`.
Other events by the first line of their message, or `<unlabeled event>`. The culprit says where
it happened: the event's `culprit` or `transaction` when sent, else the crashing frame
(`module in function`), else the request URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.grouping.event import crash_frame, exceptions, is_synthetic, stack_frames, text
from app.grouping.frames import JAVASCRIPT_PLATFORMS

MAX_TITLE_CHARS = 100
MAX_MESSAGE_CHARS = 1024
MAX_TYPE_CHARS = 128
MAX_CULPRIT_CHARS = 200
UNLABELED = "<unlabeled event>"
MESSAGE_TYPE = "Message"
DEFAULT_ERROR_TYPE = "Error"

# What str.splitlines splits at.
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Where the culprit is just the function: native frames have no meaningful module or file name.
_FUNCTION_CULPRIT_PLATFORMS = frozenset({"native", "cocoa", "objc"})


@dataclass(frozen=True)
class IssueSummary:
    """How an issue is labelled in lists: `title` is `type: message` for errors."""

    title: str
    type: str
    message: str
    culprit: str


def summarize(event: Mapping[str, Any]) -> IssueSummary:
    """Summarise a normalised event (the output of `normalize_event`)."""
    culprit = (
        text(event.get("culprit")) or text(event.get("transaction")) or _generated_culprit(event)
    )
    culprit = _truncate(culprit, MAX_CULPRIT_CHARS)
    chain = exceptions(event)
    if chain:
        exception = chain[-1]
        error_type = _truncate(text(exception.get("type")) or DEFAULT_ERROR_TYPE, MAX_TYPE_CHARS)
        first_line = _first_line(exception.get("value"))
        if is_synthetic(exception):
            # A synthetic type is made up by the SDK (e.g. from a signal); the crashing function
            # says more about the problem.
            frame = crash_frame(event)
            title = (text(frame.get("function")) if frame else None) or "<unknown>"
        elif first_line:
            title = f"{error_type}: {_truncate(first_line, MAX_TITLE_CHARS)}"
        else:
            title = error_type
        return IssueSummary(
            title=title,
            type=error_type,
            message=_truncate(first_line, MAX_MESSAGE_CHARS),
            culprit=culprit,
        )
    logentry = event.get("logentry")
    message = ""
    if isinstance(logentry, Mapping):
        message = _first_line(text(logentry.get("formatted")) or logentry.get("message"))
    return IssueSummary(
        title=_truncate(message, MAX_TITLE_CHARS) or UNLABELED,
        type=MESSAGE_TYPE,
        message=_truncate(message, MAX_MESSAGE_CHARS),
        culprit=culprit,
    )


def _first_line(value: object) -> str:
    if not isinstance(value, str):
        return ""
    stripped = value.strip()
    # Found, not split: splitting a long value would make a string of every line in it.
    end = _LINE_BREAK.search(stripped)
    return (stripped[: end.start()] if end else stripped).strip()


def _truncate(value: str, limit: int) -> str:
    # Sentry's convention: at most `limit` characters, ellipsis included.
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _generated_culprit(event: Mapping[str, Any]) -> str:
    chain = exceptions(event)
    platform = text(event.get("platform")) or "other"
    if chain:
        if is_synthetic(chain[-1]):
            return ""  # the made-up exception's frames point into the SDK's signal handler
        stacks = [frames for exc in chain if (frames := stack_frames(exc.get("stacktrace")))]
        frames = stacks[-1] if stacks else ()
    else:
        frames = stack_frames(event.get("stacktrace"))
    culprit = _stack_culprit(frames, platform)
    if culprit:
        return culprit
    request = event.get("request")
    url = text(request.get("url")) if isinstance(request, Mapping) else None
    return url or ""


def _stack_culprit(frames: Sequence[Mapping[str, Any]], platform: str) -> str:
    for frame in reversed(frames):
        if frame.get("in_app") is True:
            culprit = _frame_culprit(frame, platform)
            if culprit:
                return culprit
    return _frame_culprit(frames[-1], platform) if frames else ""


def _frame_culprit(frame: Mapping[str, Any], event_platform: str) -> str:
    platform = text(frame.get("platform")) or event_platform
    function = text(frame.get("function")) or "?"
    if platform in _FUNCTION_CULPRIT_PLATFORMS:
        return function
    location = text(frame.get("module")) or text(frame.get("filename"))
    if location is None:
        return ""
    if platform in JAVASCRIPT_PLATFORMS:
        return f"{function}({location})"
    return f"{location} in {function}"
