"""The JSON text of event values, in a form every database and every reader accepts.

Events arrive as parsed JSON, yet three kinds of value cannot be stored as they came; `dumps`
repairs them value by value, and only for an event that has one (orjson refuses to serialise
all three, so the common case costs no walk of its own):

    nesting         a container nested deeper than MAX_DEPTH (254) levels, counting the
                    outermost value as level 1, is replaced by the text TRIMMED. The event is
                    kept, as Relay keeps an event whose data bags are too deep. 254 is orjson's
                    own limit and far below what the readers (json.loads) manage.
    lone surrogates `"\\ud800"` escapes, which the lenient fallback parser decodes: each becomes
                    U+FFFD, as in a UTF-8 decoder's "replace" mode.
    huge integers   beyond 64 bits, from the fallback parser: stored as floats, as orjson's own
                    parser reads them (as their digits when even a float cannot hold them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

MAX_DEPTH = 254
TRIMMED = "[trimmed: nested deeper than 254 levels]"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_INT_RANGE = range(-(2**63), 2**64)  # what orjson writes


def dumps(value: Any) -> str:
    """Compact JSON text of `value`, repaired as the module docstring says when it must be."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError: too deep, a lone surrogate or a huge integer
        return orjson.dumps(storable(value, without_surrogates)).decode()


def without_surrogates(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def storable(value: Any, clean: Callable[[str], str], depth: int = 1) -> Any:
    """A copy of a JSON value with every string (keys too) passed through `clean`, containers
    beyond MAX_DEPTH trimmed and integers beyond 64 bits made floats.

    Recursion is bounded by MAX_DEPTH, whatever the input.
    """
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict | list):
        if depth > MAX_DEPTH:
            return TRIMMED
        if isinstance(value, list):
            return [storable(item, clean, depth + 1) for item in value]
        return {clean(str(key)): storable(item, clean, depth + 1) for key, item in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and value not in _INT_RANGE:
        try:
            return float(value)
        except OverflowError:
            return str(value)
    return value
