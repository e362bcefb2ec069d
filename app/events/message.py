"""The message an event shows (its logentry's text), from the normalised event (pure).

Ingestion stores it as a column so lists of events need not parse the payload; rows stored
before that column existed derive it from their payload with the same function.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def event_message(event: Mapping[str, Any]) -> str | None:
    """The logentry's formatted text, else its template; None without either."""
    logentry = event.get("logentry")
    if not isinstance(logentry, Mapping):
        return None
    return _text(logentry.get("formatted")) or _text(logentry.get("message"))


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return value if isinstance(value, str) else json.dumps(value)
