"""The captured SDK requests in tests/fixtures (see its README), as test fixtures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.ingest.envelope import parse_envelope

SAMPLES = Path(__file__).resolve().parent / "fixtures"
SENTRY_SAMPLES = SAMPLES / "sentry-python-2.75.0"
# A receive time a few seconds after the samples were captured, so no timestamp is clamped.
RECEIVED = datetime(2026, 11, 22, 4, 17, 20, tzinfo=UTC).timestamp()  # 1795321040.0


def sample_event(name: str) -> dict[str, Any]:
    """The payload of the `event` item of a captured envelope."""
    envelope = parse_envelope((SENTRY_SAMPLES / name).read_bytes())
    for item in envelope.items:
        if item.type == "event":
            event: dict[str, Any] = json.loads(item.payload)
            return event
    raise AssertionError(f"no event item in {name}")
