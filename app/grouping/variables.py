"""Fingerprint variables such as `{{ type }}` and `{{ tags.region }}` (protocols.md §A8.2).

An SDK fingerprint entry is a variable only when the whole entry is `{{ name }}` (whitespace
inside the braces allowed). Each variable resolves against the normalised event, or to a fixed
`<no-...>` text, so a missing field groups consistently instead of vanishing from the hash.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from app.grouping.event import crash_frame, last_exception, text
from app.grouping.parameterize import MAX_CHARS, parameterize_message

DEFAULT_VARIABLE = "default"

_VARIABLE = re.compile(r"\{\{\s*(\S+?)\s*\}\}")


def variable_name(entry: str) -> str | None:
    """The variable an entry names (`"{{ type }}"` -> `"type"`), or None for a literal."""
    match = _VARIABLE.fullmatch(entry)
    return match.group(1) if match else None


def resolve_entry(entry: str, event: Mapping[str, Any]) -> str:
    """The value a (non-default) fingerprint entry contributes: literals stand for themselves."""
    name = variable_name(entry)
    if name is None:
        return entry
    if name.startswith("tags."):
        tag = name[len("tags.") :]
        tags = event.get("tags")
        value = tags.get(tag) if isinstance(tags, Mapping) else None
        return value if isinstance(value, str) else f"<no-value-for-tag-{tag}>"
    resolver = _RESOLVERS.get(name)
    if resolver is None:
        return f"<unrecognized-variable-{name}>"
    fallback, lookup = resolver
    # As much as parameterising keeps: a raw value used many times must not multiply the event.
    return (lookup(event) or fallback)[:MAX_CHARS]


def _raw_message(event: Mapping[str, Any]) -> str | None:
    logentry = event.get("logentry")
    if isinstance(logentry, Mapping):
        message = text(logentry.get("formatted")) or text(logentry.get("message"))
        if message:
            return message
    return text(last_exception(event).get("value"))


def _message(event: Mapping[str, Any]) -> str | None:
    # Parameterised like the message strategy, so ids in the text do not split the group;
    # `{{ raw_message }}` is there for anyone who wants the text verbatim.
    raw = _raw_message(event)
    return parameterize_message(raw) if raw else None


def _raw_value(event: Mapping[str, Any]) -> str | None:
    return text(last_exception(event).get("value"))


def _value(event: Mapping[str, Any]) -> str | None:
    raw = _raw_value(event)
    return parameterize_message(raw) if raw else None


def _crash_field(*fields: str) -> Callable[[Mapping[str, Any]], str | None]:
    def lookup(event: Mapping[str, Any]) -> str | None:
        frame = crash_frame(event)
        if frame is None:
            return None
        for field in fields:
            value = text(frame.get(field))
            if value:
                return value
        return None

    return lookup


def _package(event: Mapping[str, Any]) -> str | None:
    package = _crash_field("package")(event)
    if package is None:
        return None
    # A package is a binary's path; only its file name is stable across machines.
    return package.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or None


def _event_field(field: str) -> Callable[[Mapping[str, Any]], str | None]:
    return lambda event: text(event.get(field))


_Resolver = tuple[str, Callable[[Mapping[str, Any]], str | None]]

_RESOLVERS: dict[str, _Resolver] = {
    "transaction": ("<no-transaction>", _event_field("transaction")),
    "message": ("<no-message>", _message),
    "raw_message": ("<no-message>", _raw_message),
    "type": ("<no-type>", lambda event: text(last_exception(event).get("type"))),
    "error.type": ("<no-type>", lambda event: text(last_exception(event).get("type"))),
    "value": ("<no-value>", _value),
    "error.value": ("<no-value>", _value),
    "raw_value": ("<no-value>", _raw_value),
    "error.raw_value": ("<no-value>", _raw_value),
    "function": ("<no-function>", _crash_field("function")),
    "stack.function": ("<no-function>", _crash_field("function")),
    "path": ("<no-abs-path>", _crash_field("abs_path", "filename")),
    "stack.abs_path": ("<no-abs-path>", _crash_field("abs_path", "filename")),
    "stack.filename": ("<no-filename>", _crash_field("filename", "abs_path")),
    "module": ("<no-module>", _crash_field("module")),
    "stack.module": ("<no-module>", _crash_field("module")),
    "package": ("<no-package>", _package),
    "stack.package": ("<no-package>", _package),
    "level": ("<no-level>", _event_field("level")),
    "logger": ("<no-logger>", _event_field("logger")),
}
