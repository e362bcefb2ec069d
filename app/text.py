"""Rules for the short single-line texts people type (project names, token descriptions)."""

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
