"""The grouping hash of an event, and an explanation of how it was made (protocols.md §A8).

Precedence, first match wins:

1. the SDK's `fingerprint` (its first MAX_FINGERPRINT_ENTRIES entries): without `{{ default }}`
   it is the whole hash ("custom-fingerprint"); with `{{ default }}` among other entries, the
   default values are spliced in at that place ("hybrid-fingerprint"); exactly
   `["{{ default }}"]` means no fingerprint at all;
2. the legacy `checksum` ("checksum"): used as the hash when it is 32 hex digits, else hashed;
3. the default algorithm, whose strategies are tried in order, the first with values winning:
   the exception chain, the stack of the only thread that has one, the event's own stack trace
   (each as "app" when an in-app frame contributes, else "system"), then the message
   ("message"); with nothing at all, "fallback" (the MD5 of nothing: all such events group).

Unlike Sentry we hash the values joined with a NUL byte, so `["ab", "c"]` and `["a", "bc"]` do
not collide. Hashes are internal, so wire compatibility is not needed; the version is stored with
every grouping so a later change of the algorithm can be introduced without splitting issues.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.grouping.event import (
    exceptions,
    is_synthetic,
    single_thread_stacktrace,
    stack_frames,
    text,
)
from app.grouping.frames import FrameValues, frame_values
from app.grouping.parameterize import parameterize_message
from app.grouping.variables import DEFAULT_VARIABLE, resolve_entry, variable_name

GROUPING_VERSION = "faultline-2026-11"
HASH_SEPARATOR = "\x00"
# Explanations show at most this many frames per stack trace (the crashing end); the `values`
# list always holds every hashed value.
MAX_EXPLAINED_FRAMES = 50
# Only the first entries of an SDK fingerprint count. Real ones have a handful; each entry may
# stand for a whole stack trace (`{{ default }}`), so the cap bounds the work and the stored
# explanation to a small multiple of the event's size.
MAX_FINGERPRINT_ENTRIES = 16

_MD5_HEX = re.compile(r"[0-9a-fA-F]{32}")

_FRAME_PARTS = "module or file name, function, source line; never line numbers"
_STACK_SOURCES = {
    "exception": "the exception chain",
    "threads": "the only thread with a stack trace",
    "stacktrace": "the event's stack trace",
}
_DESCRIPTIONS = {
    "custom-fingerprint": "the fingerprint sent by the SDK, variables resolved",
    "hybrid-fingerprint": "the fingerprint sent by the SDK, with the default grouping values in "
    "place of {{ default }}",
    "message": "the log message (its template when known), variable parts replaced by placeholders",
    "fallback": "nothing to group by: all such events share one issue",
}


@dataclass(frozen=True)
class Grouping:
    """A grouping hash, the algorithm version and variant that made it, and why."""

    hash: str  # 32 lowercase hex digits
    version: str
    variant: str
    explanation: dict[str, Any]


@dataclass(frozen=True)
class _Variant:
    """The outcome of the default algorithm: which variant won and the values it hashes."""

    name: str
    strategy: str
    values: tuple[str, ...]
    components: list[dict[str, Any]]

    @property
    def description(self) -> str:
        if self.strategy not in _STACK_SOURCES:
            return _DESCRIPTIONS[self.name]
        frames = "in-app frames" if self.name == "app" else "all frames"
        description = f"{frames} ({_FRAME_PARTS}) of {_STACK_SOURCES[self.strategy]}"
        if self.strategy == "exception":
            description += (
                " and exception types; an exception's message counts only when its stack trace "
                "has no such frames"
            )
        return description


def compute_grouping(event: Mapping[str, Any]) -> Grouping:
    """Group a normalised event (the output of `normalize_event`)."""
    fingerprint = _fingerprint(event)
    is_default = [variable_name(entry) == DEFAULT_VARIABLE for entry in fingerprint]
    resolved: dict[str, str] = {}  # a variable used twice is resolved (and parameterised) once

    def resolve(entry: str) -> str:
        if entry not in resolved:
            resolved[entry] = resolve_entry(entry, event)
        return resolved[entry]

    if fingerprint and not any(is_default):
        values = [resolve(entry) for entry in fingerprint]
        return _grouping("custom-fingerprint", _hash(values), values, {"fingerprint": fingerprint})
    if len(fingerprint) > 1:
        default = _default_variant(event)
        values = []
        for entry, splice in zip(fingerprint, is_default, strict=True):
            if splice:
                values.extend(default.values)
            else:
                values.append(resolve(entry))
        return _grouping(
            "hybrid-fingerprint",
            _hash(values),
            values,
            {"fingerprint": fingerprint, "default": _describe(default)},
        )

    checksum = text(event.get("checksum"))
    if checksum is not None:
        if _MD5_HEX.fullmatch(checksum):
            return _grouping(
                "checksum",
                checksum.lower(),
                [checksum],
                {"description": "the legacy checksum sent by the SDK, used as the hash"},
            )
        return _grouping(
            "checksum",
            _hash([checksum]),
            [checksum],
            {"description": "the MD5 of the legacy checksum sent by the SDK"},
        )

    default = _default_variant(event)
    return _grouping(default.name, _hash(default.values), list(default.values), _describe(default))


def _fingerprint(event: Mapping[str, Any]) -> list[str]:
    fingerprint = event.get("fingerprint")
    if not isinstance(fingerprint, list):
        return []
    return [entry for entry in fingerprint if isinstance(entry, str)][:MAX_FINGERPRINT_ENTRIES]


def _hash(values: Sequence[str]) -> str:
    data = HASH_SEPARATOR.join(values).encode("utf-8", "surrogatepass")
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _grouping(variant: str, digest: str, values: list[str], details: dict[str, Any]) -> Grouping:
    explanation: dict[str, Any] = {"variant": variant}
    if variant in _DESCRIPTIONS:
        explanation["description"] = _DESCRIPTIONS[variant]
    explanation.update(details)
    explanation["values"] = values
    return Grouping(hash=digest, version=GROUPING_VERSION, variant=variant, explanation=explanation)


def _describe(variant: _Variant) -> dict[str, Any]:
    return {
        "variant": variant.name,
        "description": variant.description,
        "strategy": variant.strategy,
        "components": variant.components,
    }


def _default_variant(event: Mapping[str, Any]) -> _Variant:
    platform = text(event.get("platform")) or "other"
    return (
        _exception_variant(event, platform)
        or _stack_variant(single_thread_stacktrace(event), platform, "threads")
        or _stack_variant(event.get("stacktrace"), platform, "stacktrace")
        or _message_variant(event)
        or _Variant(name="fallback", strategy="fallback", values=(), components=[])
    )


def _exception_variant(event: Mapping[str, Any], platform: str) -> _Variant | None:
    chain = exceptions(event)
    if not chain:
        return None
    frame_lists = [stack_frames(exc.get("stacktrace")) for exc in chain]
    stacks = [frame_values(frames, platform, in_app_only=True) for frames in frame_lists]
    app = any(_has_app_frames(frames) for frames in stacks)
    if not app:  # the system variant decides: every frame counts
        stacks = [frame_values(frames, platform) for frames in frame_lists]
    values: list[str] = []
    components: list[dict[str, Any]] = []
    for index, (exception, frames) in enumerate(zip(chain, stacks, strict=True)):
        component: dict[str, Any] = {"exception": index}
        contributing = _contributing(frames, app=app)
        if contributing:
            _add_frames(component, contributing, values)
        exception_type = text(exception.get("type"))
        if exception_type is not None and not is_synthetic(exception):
            component["type"] = exception_type
            values.append(exception_type)
        raw_value = text(exception.get("value"))
        if not contributing and raw_value is not None:
            # The message only matters when no stack trace tells exceptions apart.
            value = parameterize_message(raw_value)
            if value:
                component["value"] = value
                values.append(value)
        if len(component) > 1:
            components.append(component)
    if not values:
        return None
    return _Variant(
        name="app" if app else "system",
        strategy="exception",
        values=tuple(values),
        components=components,
    )


def _stack_variant(stacktrace: object, platform: str, strategy: str) -> _Variant | None:
    raw_frames = stack_frames(stacktrace)
    frames = frame_values(raw_frames, platform, in_app_only=True)
    app = _has_app_frames(frames)
    if not app:  # the system variant decides: every frame counts
        frames = frame_values(raw_frames, platform)
    contributing = _contributing(frames, app=app)
    if not contributing:
        return None
    values: list[str] = []
    component: dict[str, Any] = {}
    _add_frames(component, contributing, values)
    return _Variant(
        name="app" if app else "system",
        strategy=strategy,
        values=tuple(values),
        components=[component],
    )


def _message_variant(event: Mapping[str, Any]) -> _Variant | None:
    logentry = event.get("logentry")
    if not isinstance(logentry, Mapping):
        return None
    raw = text(logentry.get("message")) or text(logentry.get("formatted"))
    message = parameterize_message(raw) if raw else ""
    if not message:
        return None
    return _Variant(
        name="message", strategy="message", values=(message,), components=[{"message": message}]
    )


def _has_app_frames(frames: list[FrameValues]) -> bool:
    return any(frame.in_app and frame.values for frame in frames)


def _contributing(frames: list[FrameValues], *, app: bool) -> list[tuple[tuple[str, str], ...]]:
    return [frame.values for frame in frames if frame.values and (frame.in_app or not app)]


def _add_frames(
    component: dict[str, Any], frames: list[tuple[tuple[str, str], ...]], values: list[str]
) -> None:
    for frame in frames:
        values.extend(value for _, value in frame)
    omitted = len(frames) - MAX_EXPLAINED_FRAMES
    if omitted > 0:
        component["frames_omitted"] = omitted  # the oldest calls; the crashing end is shown
        frames = frames[omitted:]
    component["frames"] = [dict(frame) for frame in frames]
