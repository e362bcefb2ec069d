"""Read access to the parts of a normalised event that grouping and summaries look at.

The input is the output of `app.ingest.normalize.normalize_event`, so containers already have one
shape; these accessors still tolerate missing or odd values, because a grouping function must
never fail on an event that was accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_NO_EXCEPTION: Mapping[str, Any] = {}


def text(value: object) -> str | None:
    """`value` when it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def exceptions(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The exception chain, oldest first: the last one is the exception that was raised."""
    return _values(event.get("exception"))


def last_exception(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The outermost exception, or an empty mapping when the event has none."""
    chain = exceptions(event)
    return chain[-1] if chain else _NO_EXCEPTION


def is_synthetic(exception: Mapping[str, Any]) -> bool:
    """True when the SDK made the exception up (e.g. from a signal): its type means nothing."""
    mechanism = exception.get("mechanism")
    return isinstance(mechanism, Mapping) and mechanism.get("synthetic") is True


def stack_frames(stacktrace: object) -> Sequence[Mapping[str, Any]]:
    """The frames of a stack trace, oldest call first, or () when there is none."""
    if isinstance(stacktrace, Mapping):
        frames = stacktrace.get("frames")
        if isinstance(frames, list):
            return [frame for frame in frames if isinstance(frame, Mapping)]
    return ()


def single_thread_stacktrace(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The stack trace of the only thread that has one; None when no thread or several do."""
    stacks: list[Mapping[str, Any]] = [
        thread["stacktrace"]
        for thread in _values(event.get("threads"))
        if stack_frames(thread.get("stacktrace"))
    ]
    return stacks[0] if len(stacks) == 1 else None


def crash_frame(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The frame that crashed: the last in-app frame of the main stack trace, else its last frame.

    The main stack trace is the last exception's, else the event's own, else the one of the only
    thread that has a stack trace.
    """
    frames: Sequence[Mapping[str, Any]] = (
        stack_frames(last_exception(event).get("stacktrace"))
        or stack_frames(event.get("stacktrace"))
        or stack_frames(single_thread_stacktrace(event))
    )
    for frame in frames[::-1]:
        if frame.get("in_app") is True:
            return frame
    return frames[-1] if frames else None


def _values(container: object) -> list[Mapping[str, Any]]:
    values = container.get("values") if isinstance(container, Mapping) else None
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, Mapping)]
