"""The typed value an issue search parses into: every API and subscription reads this, not text.

A `SearchFilter` is a conjunction of terms; each term may be negated. Relative times stay
relative (`RelativeTime`) so one parsed filter means the same thing whenever it is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    """`is:` values: the three states, and `regressed` (open, its last change a regression)."""

    OPEN = "open"
    RESOLVED = "resolved"
    MUTED = "muted"
    REGRESSED = "regressed"


class Comparison(StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "="


class EventField(StrEnum):
    """Event columns searched as `environment:` and `release:` (any event of the issue)."""

    ENVIRONMENT = "environment"
    RELEASE = "release"


class SeenField(StrEnum):
    FIRST_SEEN = "first_seen"
    LAST_SEEN = "last_seen"


LEVELS = ("fatal", "error", "warning", "info", "debug")


@dataclass(frozen=True, slots=True)
class Pattern:
    """Literal text between `*` wildcards: ("a", "b") is `a*b`; one part is an exact value."""

    parts: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Pattern:
        """Every `*` in `text` is a wildcard (for code; the parser also reads escapes)."""
        return cls(tuple(text.split("*")))

    @property
    def exact(self) -> str | None:
        return self.parts[0] if len(self.parts) == 1 else None


@dataclass(frozen=True, slots=True)
class RelativeTime:
    """`now - ago` at the moment the filter is applied (`-24h`)."""

    ago: timedelta


@dataclass(frozen=True, slots=True)
class AbsoluteTime:
    at: datetime  # aware, UTC


Moment = RelativeTime | AbsoluteTime


@dataclass(frozen=True, slots=True)
class Text:
    """Free text: a case-insensitive substring of the title, message or culprit."""

    pattern: Pattern
    negated: bool = False


@dataclass(frozen=True, slots=True)
class StatusIs:
    statuses: tuple[Status, ...]  # any of them
    negated: bool = False


@dataclass(frozen=True, slots=True)
class LevelIs:
    levels: tuple[str, ...]  # any of them
    negated: bool = False


@dataclass(frozen=True, slots=True)
class EventValue:
    """Some event of the issue has `field` matching one of `patterns` (case-sensitive)."""

    field: EventField
    patterns: tuple[Pattern, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class TagValue:
    """Some event of the issue has tag `key` with a value matching one of `patterns`."""

    key: str
    patterns: tuple[Pattern, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class HasTag:
    """Some event of the issue has one of `keys` (`environment`, `release` or a tag key)."""

    keys: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class SeenAt:
    field: SeenField
    comparison: Comparison
    moment: Moment
    negated: bool = False


@dataclass(frozen=True, slots=True)
class TimesSeen:
    comparison: Comparison
    count: int
    negated: bool = False


Term = Text | StatusIs | LevelIs | EventValue | TagValue | HasTag | SeenAt | TimesSeen


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """All terms must hold; no terms matches every issue."""

    terms: tuple[Term, ...] = ()
