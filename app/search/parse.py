"""Parse an issue search (a Sentry-style subset) into a `SearchFilter`; pure, one linear scan.

    query    := space* (term (space+ term)*)? space*
    term     := "!"? (key ":" values | '"' phrase '"' | word)
    key      := [A-Za-z0-9_.-]+ | "tags[" tag-key "]"
    values   := value | "[" value ("," value)* "]"
    value    := '"' chars '"' | chars up to a space (in a list: up to "," or "]")

`*` in a value or text is a wildcard; `\\*`, `\\"` and `\\\\` are a literal `*`, `"` and `\\`.
Keys: is, level, environment, release, firstSeen (or age), lastSeen, timesSeen, has; any other
key is a tag, and `tags[key]` names a tag whatever its name. A bad query raises `SearchError`
naming the 0-based character position and what was expected there, never an empty result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from string import ascii_letters, digits

from app.errors import InvalidField
from app.search.filter import (
    LEVELS,
    AbsoluteTime,
    Comparison,
    EventField,
    EventValue,
    HasTag,
    LevelIs,
    Moment,
    Pattern,
    RelativeTime,
    SearchFilter,
    SeenAt,
    SeenField,
    Status,
    StatusIs,
    TagValue,
    Term,
    Text,
    TimesSeen,
)

MAX_CHARS = 1000
MAX_TERMS = 50
# The furthest back a relative time reaches; more would leave the calendar when subtracted.
MAX_AGO = timedelta(days=36_500)
MAX_COUNT = 2**63 - 1

_KEY_CHARS = frozenset(ascii_letters + digits + "_.-")
_ESCAPABLE = frozenset('*"\\')
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_ISO_CHARS = frozenset(digits + "-:T.+Z")
_EVENT_KEYS = {field.value: field for field in EventField}
_SEEN_KEYS = {
    "firstSeen": SeenField.FIRST_SEEN,
    "age": SeenField.FIRST_SEEN,  # Sentry's name for the same filter
    "lastSeen": SeenField.LAST_SEEN,
}
# Sentry's names for our states.
_STATUS_ALIASES = {"unresolved": "open", "ignored": "muted", "archived": "muted"}
_TIME_EXAMPLE = "a time like -24h, -7d or 2026-01-01T00:00"


class SearchError(InvalidField):
    """A query that does not parse: `position` is a 0-based character offset into it."""

    def __init__(self, field: str, position: int, expected: str) -> None:
        super().__init__(field, f"at {position}: {expected}")
        self.position = position
        self.expected = expected


def parse_search(text: str, field: str = "search") -> SearchFilter:
    """The filter `text` describes; `field` names the parameter in error messages."""
    return _Parser(text, field).parse()


@dataclass(frozen=True, slots=True)
class _Value:
    position: int
    pattern: Pattern


class _Parser:
    def __init__(self, text: str, field: str) -> None:
        self.text = text
        self.field = field
        self.pos = 0

    def error(self, position: int, expected: str) -> SearchError:
        return SearchError(self.field, position, expected)

    def at_end_or_space(self) -> bool:
        return self.pos >= len(self.text) or self.text[self.pos].isspace()

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def parse(self) -> SearchFilter:
        text = self.text
        if len(text) > MAX_CHARS:
            raise self.error(MAX_CHARS, f"expected at most {MAX_CHARS} characters")
        for i, char in enumerate(text):
            # Neither database can store these: PostgreSQL text refuses NUL, UTF-8 surrogates.
            if char == "\x00" or "\ud800" <= char <= "\udfff":
                raise self.error(i, f"unexpected character U+{ord(char):04X}")
        terms: list[Term] = []
        self.skip_spaces()
        while self.pos < len(text):
            if len(terms) == MAX_TERMS:
                raise self.error(self.pos, f"expected at most {MAX_TERMS} terms")
            terms.append(self.term())
            if not self.at_end_or_space():
                raise self.error(self.pos, "expected a space between terms")
            self.skip_spaces()
        return SearchFilter(tuple(terms))

    def term(self) -> Term:
        text = self.text
        negated = text[self.pos] == "!"
        if negated:
            self.pos += 1
            if self.at_end_or_space():
                raise self.error(self.pos, 'expected a filter or text after "!"')
        start = self.pos
        if text[start] == '"':
            pattern = self.quoted()
            if pattern == Pattern(("",)):
                raise self.error(start, "expected text between the quotes")
            return Text(pattern, negated)
        end = start
        while end < len(text) and text[end] in _KEY_CHARS:
            end += 1
        if text.startswith("[", end) and text[start:end] == "tags":
            tag = self.bracketed_tag(end)
            if tag is not None:
                return self.tag(tag, negated)
        if end > start and end < len(text) and text[end] == ":":
            self.pos = end + 1
            return self.filter(text[start:end], negated, start)
        return Text(self.bare(in_list=False), negated)

    def filter(self, key: str, negated: bool, start: int) -> Term:
        if key in _SEEN_KEYS:
            comparison, moment = self.moment(start)
            return SeenAt(_SEEN_KEYS[key], comparison, moment, negated)
        if key == "timesSeen":
            return self.times_seen(start, negated)
        label = f'"{key}:"'
        values = self.values(label)
        if key == "is":
            names = self.choices(values, [s.value for s in Status], label, _STATUS_ALIASES)
            return StatusIs(tuple(Status(name) for name in names), negated)
        if key == "level":
            return LevelIs(self.choices(values, list(LEVELS), label), negated)
        if key == "has":
            return HasTag(self.keys(values), negated)
        patterns = tuple(value.pattern for value in values)
        if key in _EVENT_KEYS:
            return EventValue(_EVENT_KEYS[key], patterns, negated)
        return TagValue(key, patterns, negated)

    def bracketed_tag(self, opened: int) -> str | None:
        """The key of `tags[key]:` whose "[" is at `opened`, or None when it is plain text."""
        close = opened + 1
        while close < len(self.text) and self.text[close] != "]" and not self.text[close].isspace():
            close += 1
        if not self.text.startswith("]:", close):
            return None
        if close == opened + 1:
            raise self.error(close, 'expected a tag key inside "tags[]"')
        self.pos = close + 2
        return self.text[opened + 1 : close]

    def tag(self, key: str, negated: bool) -> TagValue:
        values = self.values(f'"tags[{key}]:"')
        return TagValue(key, tuple(value.pattern for value in values), negated)

    def label(self, start: int) -> str:
        return f'"{self.text[start : self.pos]}"'

    def values(self, label: str) -> list[_Value]:
        if self.pos >= len(self.text) or self.text[self.pos] != "[":
            return [self.value(label, in_list=False)]
        self.pos += 1
        values: list[_Value] = []
        while True:
            self.skip_spaces()
            values.append(self.value(label, in_list=True))
            self.skip_spaces()
            closer = self.text[self.pos] if self.pos < len(self.text) else ""
            if closer not in (",", "]"):
                raise self.error(self.pos, 'expected "," or "]"')
            self.pos += 1
            if closer == "]":
                return values

    def value(self, label: str, *, in_list: bool) -> _Value:
        position = self.pos
        ends = ",]" if in_list else ""
        if self.pos >= len(self.text) or self.text[self.pos] in ends or self.at_end_or_space():
            raise self.error(position, f"expected a value after {label}")
        pattern = self.quoted() if self.text[position] == '"' else self.bare(in_list=in_list)
        if pattern == Pattern(("",)):
            raise self.error(position, f"expected a value after {label}")
        return _Value(position, pattern)

    def quoted(self) -> Pattern:
        opened = self.pos
        self.pos += 1
        pattern = self.pattern(lambda char: char == '"')
        if self.pos >= len(self.text):
            raise self.error(self.pos, f'expected a closing " for the quote at {opened}')
        self.pos += 1
        return pattern

    def bare(self, *, in_list: bool) -> Pattern:
        ends = ",]" if in_list else ""
        return self.pattern(lambda char: char.isspace() or char in ends)

    def pattern(self, stop: Callable[[str], bool]) -> Pattern:
        text = self.text
        parts: list[str] = []
        chars: list[str] = []
        while self.pos < len(text) and not stop(text[self.pos]):
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in _ESCAPABLE:
                chars.append(text[self.pos + 1])
                self.pos += 2
                continue
            if char == "*":
                parts.append("".join(chars))
                chars = []
            else:
                chars.append(char)
            self.pos += 1
        parts.append("".join(chars))
        return Pattern(tuple(parts))

    def choices(
        self,
        values: list[_Value],
        allowed: list[str],
        label: str,
        aliases: dict[str, str] | None = None,
    ) -> tuple[str, ...]:
        chosen: list[str] = []
        for value in values:
            name = (value.pattern.exact or "*").lower()
            name = (aliases or {}).get(name, name)
            if name not in allowed:
                choices = ", ".join(allowed)
                raise self.error(value.position, f"expected one of {choices} after {label}")
            chosen.append(name)
        return tuple(chosen)

    def keys(self, values: list[_Value]) -> tuple[str, ...]:
        keys: list[str] = []
        for value in values:
            if value.pattern.exact is None:
                raise self.error(value.position, "expected a tag key without wildcards")
            keys.append(value.pattern.exact)
        return tuple(keys)

    def comparison(self, allowed: tuple[Comparison, ...]) -> Comparison | None:
        for comparison in (
            Comparison.LE,
            Comparison.GE,
            Comparison.LT,
            Comparison.GT,
            Comparison.EQ,
        ):
            if comparison in allowed and self.text.startswith(comparison.value, self.pos):
                self.pos += len(comparison.value)
                return comparison
        return None

    def token(self) -> str:
        start = self.pos
        while not self.at_end_or_space():
            self.pos += 1
        return self.text[start : self.pos]

    def moment(self, start: int) -> tuple[Comparison, Moment]:
        ordered = (Comparison.LT, Comparison.LE, Comparison.GT, Comparison.GE)
        comparison = self.comparison(ordered)
        position = self.pos
        label = self.label(start)
        token = self.token()
        expected = f"expected {_TIME_EXAMPLE} after {label}"
        if not token:
            raise self.error(position, expected)
        if token[0] in "+-":
            ago = _duration(token[1:])
            if ago is None or (comparison is not None and token[0] == "+"):
                raise self.error(position, expected)
            if ago > MAX_AGO:
                raise self.error(position, f"expected a relative time of at most {MAX_AGO.days}d")
            if comparison is None:  # -24h: within the last 24 h; +24h: longer ago than that
                comparison = Comparison.GE if token[0] == "-" else Comparison.LE
            return comparison, RelativeTime(ago)
        at = _absolute(token)
        if at is None:
            raise self.error(position, expected)
        if comparison is None:
            raise self.error(position, "expected <, >, <= or >= before an absolute time")
        return comparison, AbsoluteTime(at)

    def times_seen(self, start: int, negated: bool) -> TimesSeen:
        comparison = self.comparison(tuple(Comparison)) or Comparison.EQ
        position = self.pos
        label = self.label(start)
        token = self.token()
        digits_only = token.lstrip("0") or "0"
        if (
            not (token.isascii() and token.isdigit())
            or len(digits_only) > len(str(MAX_COUNT))
            or int(digits_only) > MAX_COUNT
        ):
            raise self.error(position, f"expected a whole number after {label}")
        return TimesSeen(comparison, int(digits_only), negated)


def _duration(text: str) -> timedelta | None:
    """`24h` → 24 hours; None unless ASCII digits (at most 6) and one of s, m, h, d, w."""
    number, unit = text[:-1], text[-1:]
    if not (number.isascii() and number.isdigit() and len(number) <= 6 and unit in _UNITS):
        return None
    return timedelta(seconds=int(number) * _UNITS[unit])


def _absolute(text: str) -> datetime | None:
    """An ISO date or date-time in UTC (a naive one is taken as UTC), or None."""
    if not text[:1].isdigit() or len(text) > 35 or not set(text) <= _ISO_CHARS:
        return None
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
