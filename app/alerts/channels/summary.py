"""What a notification says, read from the engine's payload snapshot (pure).

Slack and email render the same Summary. The payload is stored JSON, and its titles, culprits
and environments came from clients: every value is read tolerantly (a missing or odd key shows
as "unknown" or is left out) and made one safe line (no control, line-breaking or invisible
format characters, bounded length) before any channel escapes it for its own syntax.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TITLE_CHARS = 200
FIELD_CHARS = 100
HEADLINES = {
    "new_issue": "New issue",
    "regression": "Regression",
    "spike": "Spike",
    "test": "Test notification",
}
# Unicode categories replaced by a space: controls, format (bidi overrides), line separators.
_UNSAFE = frozenset(("Cc", "Cf", "Zl", "Zp"))


@dataclass(frozen=True, slots=True)
class Summary:
    headline: str  # "New issue", "Regression", "Spike", "Test notification"
    detail: str | None  # "more than 100 events in 5 minutes" for a spike
    project: str
    short_id: str
    title: str
    culprit: str | None
    level: str
    url: str | None  # only an http(s) URL, else None
    facts: tuple[tuple[str, str], ...]  # (label, value): level, events, first/last seen, ...

    @property
    def lead(self) -> str:
        """`Spike (more than 100 events in 5 minutes) in My App`."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.headline}{detail} in {self.project}"

    @property
    def subject(self) -> str:
        """`[MY-APP-7] New issue: title`, one line."""
        return f"[{self.short_id}] {self.headline}: {self.title}"


def summarize(payload: Mapping[str, Any]) -> Summary:
    payload = _mapping(payload)  # stored JSON: whatever it holds, a message comes out
    issue = _mapping(payload.get("issue"))
    event = _mapping(payload.get("event"))
    project = _mapping(payload.get("project"))
    rule = _mapping(payload.get("rule"))
    trigger = str(rule.get("trigger") or "")  # app.alerts.payload: the trigger is the rule's
    level = line(issue.get("level"), FIELD_CHARS) or "error"
    facts = [("Level", level), ("Events", line(issue.get("event_count"), FIELD_CHARS) or "?")]
    for label, key in (("First seen", "first_seen"), ("Last seen", "last_seen")):
        if issue.get(key):
            facts.append((label, when(issue[key])))
    for label, key in (("Environment", "environment"), ("Release", "release")):
        value = line(event.get(key), FIELD_CHARS)
        if value:
            facts.append((label, value))
    url = issue.get("url")
    return Summary(
        headline=HEADLINES.get(trigger, "Alert"),
        detail=_spike_detail(rule) if trigger == "spike" else None,
        project=line(project.get("name") or project.get("slug"), FIELD_CHARS) or "unknown project",
        short_id=line(issue.get("short_id"), FIELD_CHARS) or "issue",
        title=line(issue.get("title"), TITLE_CHARS) or "(no title)",
        culprit=line(issue.get("culprit"), TITLE_CHARS) or None,
        level=level.lower(),
        url=url if isinstance(url, str) and _is_web_url(url) else None,
        facts=tuple(facts),
    )


def line(value: object, limit: int) -> str:
    """`value` as one printable line of at most `limit` characters ("" for None)."""
    if value is None or isinstance(value, (Mapping, list)):
        return ""
    text = str(value)[: limit * 4]  # bounded work however long the value is
    text = "".join(" " if unicodedata.category(c) in _UNSAFE else c for c in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def when(value: object) -> str:
    """An ISO timestamp as `2026-11-30 14:05 UTC`; anything else as a safe line."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return line(value, FIELD_CHARS)


def _spike_detail(rule: Mapping[str, Any]) -> str | None:
    threshold, window = rule.get("threshold"), rule.get("window_minutes")
    if not isinstance(threshold, int) or not isinstance(window, int):
        return None
    return f"more than {threshold} events in {window} minute{'s' * (window != 1)}"


def _is_web_url(url: str) -> bool:
    return (
        url.startswith(("https://", "http://"))
        and len(url) <= 2048
        and all(c.isprintable() and not c.isspace() and c not in '<>|"' for c in url)
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
