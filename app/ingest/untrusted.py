"""Client-chosen text on its way into logs, error messages and headers: cut to a bound."""

from __future__ import annotations

# Enough to recognise a value; a 60 MB item type or DSN must not become a 60 MB log line.
MAX_QUOTED_CHARS = 64


def clip(text: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """`text` itself when short, else its first `limit` characters and how many were cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"
