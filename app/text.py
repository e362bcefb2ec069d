"""Rules for the short single-line texts people type (project and channel names, token
descriptions)."""

from __future__ import annotations

import re

from app.errors import InvalidField

# C0/C1 controls (NUL cannot be stored in PostgreSQL text; the rest garble a one-line label)
# and lone surrogates (no UTF-8 form; a CLI argument can carry them via surrogateescape).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def require_plain_line(field: str, value: str) -> str:
    if _SURROGATE.search(value):
        raise InvalidField(field, "must not contain lone surrogates")
    if _CONTROL.search(value):
        raise InvalidField(field, "must not contain control characters")
    return value


def require_name(value: object, max_chars: int, field: str = "name") -> str:
    """A required name: a string, trimmed, 1 to `max_chars` characters, one plain line."""
    if value is None:
        raise InvalidField(field, "is required")
    if not isinstance(value, str):
        raise InvalidField(field, "must be a string")
    name = value.strip()
    if not name:
        raise InvalidField(field, "must not be empty")
    if len(name) > max_chars:
        raise InvalidField(field, f"must be at most {max_chars} characters")
    return require_plain_line(field, name)
