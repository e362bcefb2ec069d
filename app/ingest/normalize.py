"""Normalisation of Sentry event payloads into one canonical shape (protocols.md §A7).

SDKs send the same information in several shapes: legacy interface names, `message` as a string
or an object, containers as `{"values": [...]}`, bare lists or single objects, tags as objects or
pair lists, timestamps as strings or numbers. `normalize_event` folds all of them into one
JSON-serialisable dict so grouping, summaries and storage read exactly one shape:

    event_id     32 lowercase hex (envelope header wins; generated when missing or invalid)
    timestamp    float unix seconds (µs precision), clamped to `received` on clock drift
    received     float unix seconds, when the server received the event
    level        fatal | error | warning | info | debug
    platform     string, "other" by default
    logentry     {"message": template, "formatted": text, "params": list | dict | None}
    exception    {"values": [{"type", "value", "module", "mechanism", "stacktrace", ...}]}
    threads      {"values": [{..., "stacktrace"}]}
    breadcrumbs  {"values": [...]}
    stacktrace   {"frames": [...], ...}   (every stack trace, wherever it appears)
    tags         {str: str}
    fingerprint  [str, ...]

Chains, threads, breadcrumbs and stack traces are cut to bounds (MAX_EXCEPTIONS and the rest
below), so that the work of an event grows with what it shows, not with what it was padded with.
Absent or empty containers are left out rather than stored empty, and unknown keys pass through
untouched (values nested deeper than 254 levels are trimmed when stored: app.ingest.jsontext).
The output may share unchanged nested objects (frames, breadcrumbs, ...) with the input: both are
treated as read-only afterwards, and not copying them keeps this cheap.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from app.errors import BadRequest
from app.ingest.jsontext import dumps

# Relay's clock-drift window: further out than this, the SDK clock is not trusted.
MAX_FUTURE_SECONDS = 60.0
MAX_PAST_SECONDS = 30 * 24 * 3600.0
MAX_MESSAGE_CHARS = 8192
MAX_TAG_CHARS = 200
# What one event may hold, so that a mebibyte of tiny entries cannot cost seconds of grouping:
# the newest exceptions of a chain (the raised one is last), threads and breadcrumbs, and of a
# stack trace the first calls (how it started) and the innermost ones (where it failed), the
# rest noted as Sentry's `frames_omitted` [start, end).
MAX_EXCEPTIONS = 100
MAX_THREADS = 256
MAX_BREADCRUMBS = 200
MAX_OUTER_FRAMES = 50
MAX_INNER_FRAMES = 200

_LEGACY_ALIASES: tuple[tuple[str, str], ...] = (
    ("sentry.interfaces.Message", "logentry"),
    ("sentry.interfaces.Exception", "exception"),
    ("sentry.interfaces.Stacktrace", "stacktrace"),
    ("sentry.interfaces.Http", "request"),
    ("sentry.interfaces.User", "user"),
    ("sentry.interfaces.Breadcrumbs", "breadcrumbs"),
    ("sentry.interfaces.Threads", "threads"),
    ("sentry.interfaces.Template", "template"),
    ("sentry.interfaces.DebugMeta", "debug_meta"),
)

_LEVELS: dict[str, str] = {
    "fatal": "fatal",
    "critical": "fatal",
    "error": "error",
    "warning": "warning",
    "warn": "warning",
    "info": "info",
    "log": "info",
    "debug": "debug",
}
# Python logging's numeric levels, which some clients send as-is.
_NUMERIC_LEVELS: dict[int, str] = {10: "debug", 20: "info", 30: "warning", 40: "error", 50: "fatal"}
DEFAULT_LEVEL = "error"

_STRING_FIELDS = (
    "logger",
    "transaction",
    "server_name",
    "release",
    "dist",
    "environment",
    "culprit",
)
_OBJECT_FIELDS = ("request", "sdk", "modules", "extra")

_EVENT_ID_RE = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def normalize_event(
    payload: object,
    *,
    event_id: str | None,
    received_at: float,
    client_ip: str | None = None,
) -> dict[str, Any]:
    """Return the canonical form of a Sentry event payload (see the module docstring).

    `event_id` is the envelope header's id and wins over the payload's; `received_at` is the
    server's receive time in unix seconds; `client_ip` replaces a `{{auto}}` user IP address.
    Raises BadRequest only when the payload is not a JSON object: everything else is repaired.
    """
    if not isinstance(payload, dict):
        raise BadRequest("event payload must be a JSON object")
    event: dict[str, Any] = dict(payload)

    for legacy, canonical in _LEGACY_ALIASES:
        if legacy in event:
            value = event.pop(legacy)
            if event.get(canonical) is None:
                event[canonical] = value

    event["event_id"] = _event_id(event_id) or _event_id(event.get("event_id")) or uuid.uuid4().hex
    event["timestamp"] = _timestamp(event.get("timestamp"), received_at)
    event["received"] = received_at
    event["level"] = _level(event.get("level"))
    platform = event.get("platform")
    event["platform"] = platform if isinstance(platform, str) and platform else "other"

    for key in _STRING_FIELDS:
        _set_or_drop(event, key, _nonempty_text(event.get(key)))

    _set_or_drop(event, "logentry", _logentry(event.get("logentry"), event.pop("message", None)))
    _set_or_drop(event, "exception", _container(event.get("exception"), _exception, MAX_EXCEPTIONS))
    _set_or_drop(event, "threads", _container(event.get("threads"), _thread, MAX_THREADS))
    _set_or_drop(
        event, "breadcrumbs", _container(event.get("breadcrumbs"), _breadcrumb, MAX_BREADCRUMBS)
    )
    _set_or_drop(event, "stacktrace", _stacktrace(event.get("stacktrace")))
    _set_or_drop(event, "tags", _tags(event.get("tags")))
    _set_or_drop(event, "fingerprint", _fingerprint(event.get("fingerprint")))
    _set_or_drop(event, "user", _user(event.get("user"), client_ip))
    _set_or_drop(event, "contexts", _contexts(event.get("contexts")))
    for key in _OBJECT_FIELDS:
        value = event.get(key)
        _set_or_drop(event, key, value if isinstance(value, dict) else None)
    return event


def _set_or_drop(event: dict[str, Any], key: str, value: object) -> None:
    if value is None:
        event.pop(key, None)
    else:
        event[key] = value


def _stringify(value: object) -> str | None:
    """Text form of a JSON value; None stays None (JSON null means "missing")."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        # Python's spelling, as Relay and the Sentry UI show booleans in tags.
        return "True" if value else "False"
    if isinstance(value, int | float):
        return str(value)
    return dumps(value)


def _nonempty_text(value: object) -> str | None:
    text = _stringify(value)
    if text is None:
        return None
    text = text.strip()
    return text or None


def _truncate(text: str, limit: int) -> str:
    # Relay's convention: cut to the limit, ellipsis included.
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _event_id(value: object) -> str | None:
    if isinstance(value, str) and _EVENT_ID_RE.fullmatch(value):
        return value.replace("-", "").lower()
    return None


def _timestamp(value: object, received_at: float) -> float:
    parsed = _parse_timestamp(value)
    if parsed is None:
        return received_at
    if parsed > received_at + MAX_FUTURE_SECONDS or parsed < received_at - MAX_PAST_SECONDS:
        return received_at
    return parsed


def _parse_timestamp(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            seconds = float(value)
        except OverflowError:
            return None
        return round(seconds, 6) if math.isfinite(seconds) else None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)  # naive timestamps are UTC by protocol
            return round(moment.timestamp(), 6)
        except (ValueError, OverflowError):
            return None
    return None


def _level(value: object) -> str:
    if isinstance(value, str):
        return _LEVELS.get(value.strip().lower(), DEFAULT_LEVEL)
    if isinstance(value, int) and not isinstance(value, bool):
        return _NUMERIC_LEVELS.get(value, DEFAULT_LEVEL)
    return DEFAULT_LEVEL


def _logentry(logentry: object, message: object) -> dict[str, Any] | None:
    """Fold `logentry` and the top-level `message` into one logentry; logentry wins."""
    primary = _logentry_parts(logentry)
    secondary = _logentry_parts(message)
    if primary is None:
        primary = secondary
    elif secondary is not None and primary[1] is None:
        primary = (primary[0], secondary[1] or secondary[0], primary[2])
    if primary is None:
        return None
    template, formatted, params = primary
    template = template or formatted
    formatted = formatted or template
    return {
        "message": None if template is None else _truncate(template, MAX_MESSAGE_CHARS),
        "formatted": None if formatted is None else _truncate(formatted, MAX_MESSAGE_CHARS),
        "params": params,
    }


def _logentry_parts(value: object) -> tuple[str | None, str | None, Any] | None:
    """(template, formatted, params) of a logentry-like value, or None when it carries nothing."""
    if value is None or value is False:
        return None
    if isinstance(value, dict):
        template = _stringify(value.get("message")) or None
        formatted = _stringify(value.get("formatted")) or None
        params = value.get("params")
        if template is None and formatted is None:
            return None
        return template, formatted, params if isinstance(params, list | dict) else None
    text = _stringify(value)
    return (None, text, None) if text else None


def _values(value: object) -> list[Any]:
    """Items of a Values container: `{"values": [...]}`, a bare list, or a single object."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        if "values" in value:
            inner = value["values"]
            return inner if isinstance(inner, list) else []
        return [value] if value else []
    return []


def _container(
    value: object, item: Callable[[object], dict[str, Any] | None], limit: int
) -> dict[str, list[dict[str, Any]]] | None:
    """The last `limit` items of a container, each normalised by `item` (None drops it)."""
    normalized = [result for raw in _values(value)[-limit:] if (result := item(raw)) is not None]
    return {"values": normalized} if normalized else None


def _exception(value: object) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    exception = dict(value)
    for key in ("type", "value", "module"):
        _set_or_drop(exception, key, _stringify(exception.get(key)) or None)
    if "type" not in exception and "value" not in exception:
        return None  # Relay requires one of them; nothing to show or group by otherwise
    mechanism = exception.get("mechanism")
    _set_or_drop(exception, "mechanism", mechanism if isinstance(mechanism, dict) else None)
    _set_or_drop(exception, "stacktrace", _stacktrace(exception.get("stacktrace")))
    return exception


def _thread(value: object) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    thread = dict(value)
    _set_or_drop(thread, "stacktrace", _stacktrace(thread.get("stacktrace")))
    return thread


def _breadcrumb(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _stacktrace(value: object) -> dict[str, Any] | None:
    if isinstance(value, list):
        value = {"frames": value}
    if not isinstance(value, dict):
        return None
    frames = value.get("frames")
    if not isinstance(frames, list):
        return None
    kept = [frame for frame in frames if isinstance(frame, dict)]
    if not kept:
        return None
    return {**value, **bounded_frames(kept)}


def bounded_frames(frames: list[dict[str, Any]]) -> dict[str, Any]:
    """A stack trace's `frames`, the first and the innermost ones when there are too many, and
    then the `frames_omitted` [start, end) between them."""
    if len(frames) <= MAX_OUTER_FRAMES + MAX_INNER_FRAMES:
        return {"frames": frames}
    end = len(frames) - MAX_INNER_FRAMES
    return {
        "frames": frames[:MAX_OUTER_FRAMES] + frames[end:],
        "frames_omitted": [MAX_OUTER_FRAMES, end],
    }


def _tags(value: object) -> dict[str, str] | None:
    pairs: Iterable[Any]
    if isinstance(value, dict):
        pairs = value.items()
    elif isinstance(value, list):
        pairs = (item for item in value if isinstance(item, list | tuple) and len(item) == 2)
    else:
        return None
    tags: dict[str, str] = {}
    for raw_key, raw_value in pairs:
        key = _stringify(raw_key)
        text = _stringify(raw_value)
        if key is None or text is None:
            continue
        key = _truncate(key.strip().replace(" ", "-"), MAX_TAG_CHARS)
        if key and key not in tags:  # the first occurrence wins, as in Sentry's lookups
            tags[key] = _truncate(text, MAX_TAG_CHARS)
    return tags or None


def _fingerprint(value: object) -> list[str] | None:
    if not isinstance(value, list):
        return None
    entries = [
        text
        for entry in value
        if not isinstance(entry, dict | list) and (text := _stringify(entry)) is not None
    ]
    return entries or None


def _user(value: object, client_ip: str | None) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    user = dict(value)
    if "id" in user:
        _set_or_drop(user, "id", _stringify(user["id"]))
    if user.get("ip_address") == "{{auto}}":
        _set_or_drop(user, "ip_address", client_ip)
    return user


def _contexts(value: object) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    return {name: context for name, context in value.items() if isinstance(context, dict)}
