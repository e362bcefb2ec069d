"""The search language: queries parse into exact filter values; bad ones name a position."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime, timedelta

import pytest

from app.search.filter import (
    AbsoluteTime,
    Comparison,
    EventField,
    EventValue,
    HasTag,
    LevelIs,
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
from app.search.parse import MAX_CHARS, MAX_TERMS, SearchError, parse_search

P = Pattern.of
ENV = EventField.ENVIRONMENT
REL = EventField.RELEASE
FIRST = SeenField.FIRST_SEEN
LAST = SeenField.LAST_SEEN
JAN_1 = datetime(2026, 1, 1, tzinfo=UTC)

GOOD: list[tuple[str, tuple[Term, ...]]] = [
    ("", ()),
    ("   \t ", ()),
    ("timeout", (Text(P("timeout")),)),
    ("  database   timeout  ", (Text(P("database")), Text(P("timeout")))),
    ('"database timeout"', (Text(P("database timeout")),)),
    ('"say \\"hi\\""', (Text(P('say "hi"')),)),
    ("data*out", (Text(P("data*out")),)),
    ("50\\*", (Text(Pattern(("50*",))),)),
    ("C:\\path", (TagValue("C", (Pattern(("\\path",)),)),)),
    ("!timeout", (Text(P("timeout"), negated=True),)),
    ('!"db down"', (Text(P("db down"), negated=True),)),
    ('a"b"', (Text(P('a"b"')),)),
    (":colon", (Text(P(":colon")),)),
    ("/path:1", (Text(P("/path:1")),)),
    ("is:open", (StatusIs((Status.OPEN,)),)),
    ("is:Resolved", (StatusIs((Status.RESOLVED,)),)),
    ("is:[muted,regressed]", (StatusIs((Status.MUTED, Status.REGRESSED)),)),
    ("!is:resolved", (StatusIs((Status.RESOLVED,), negated=True),)),
    ("is:[unresolved,ignored,archived]", (StatusIs((Status.OPEN, Status.MUTED, Status.MUTED)),)),
    ("level:error", (LevelIs(("error",)),)),
    ("level:[error, fatal]", (LevelIs(("error", "fatal")),)),
    ("level:[ error ,fatal ]", (LevelIs(("error", "fatal")),)),
    ("!level:error", (LevelIs(("error",), negated=True),)),
    ("environment:production", (EventValue(ENV, (P("production"),)),)),
    ("environment:prod*", (EventValue(ENV, (P("prod*"),)),)),
    ("environment:[production,staging]", (EventValue(ENV, (P("production"), P("staging"))),)),
    ('release:"my app 1.0"', (EventValue(REL, (P("my app 1.0"),)),)),
    ('release:["my app 1.0", 2.*]', (EventValue(REL, (P("my app 1.0"), P("2.*"))),)),
    ("!release:1.0", (EventValue(REL, (P("1.0"),), negated=True),)),
    ("browser:Firefox", (TagValue("browser", (P("Firefox"),)),)),
    ('browser:"Mobile Safari"', (TagValue("browser", (P("Mobile Safari"),)),)),
    ("server.name:web-1", (TagValue("server.name", (P("web-1"),)),)),
    ("url:http://x/y?a=1", (TagValue("url", (P("http://x/y?a=1"),)),)),
    ("!os:[linux,mac]", (TagValue("os", (P("linux"), P("mac")), negated=True),)),
    ("has:browser", (HasTag(("browser",)),)),
    ("!has:release", (HasTag(("release",), negated=True),)),
    ("has:[a,b]", (HasTag(("a", "b")),)),
    ("tags[level]:high", (TagValue("level", (P("high"),)),)),
    ("!tags[environment]:[a,b]", (TagValue("environment", (P("a"), P("b")), negated=True),)),
    ("tags[ü:x]:1", (TagValue("ü:x", (P("1"),)),)),
    ("tags[level] x", (Text(P("tags[level]")), Text(P("x")))),
    ("tags[a:b", (Text(P("tags[a:b")),)),
    ("age:-1d", (SeenAt(FIRST, Comparison.GE, RelativeTime(timedelta(days=1))),)),
    ("lastSeen:-24h", (SeenAt(LAST, Comparison.GE, RelativeTime(timedelta(hours=24))),)),
    ("lastSeen:+7d", (SeenAt(LAST, Comparison.LE, RelativeTime(timedelta(days=7))),)),
    ("firstSeen:-30m", (SeenAt(FIRST, Comparison.GE, RelativeTime(timedelta(minutes=30))),)),
    ("firstSeen:-2w", (SeenAt(FIRST, Comparison.GE, RelativeTime(timedelta(weeks=2))),)),
    ("firstSeen:-90s", (SeenAt(FIRST, Comparison.GE, RelativeTime(timedelta(seconds=90))),)),
    ("lastSeen:<-7d", (SeenAt(LAST, Comparison.LT, RelativeTime(timedelta(days=7))),)),
    ("firstSeen:>2026-01-01", (SeenAt(FIRST, Comparison.GT, AbsoluteTime(JAN_1)),)),
    ("firstSeen:>=2026-01-01", (SeenAt(FIRST, Comparison.GE, AbsoluteTime(JAN_1)),)),
    ("lastSeen:<=2026-01-01T00:00", (SeenAt(LAST, Comparison.LE, AbsoluteTime(JAN_1)),)),
    ("lastSeen:<2026-01-01T02:00:00+02:00", (SeenAt(LAST, Comparison.LT, AbsoluteTime(JAN_1)),)),
    ("lastSeen:<2026-01-01T00:00:00Z", (SeenAt(LAST, Comparison.LT, AbsoluteTime(JAN_1)),)),
    ("!lastSeen:-1h", (SeenAt(LAST, Comparison.GE, RelativeTime(timedelta(hours=1)), True),)),
    ("timesSeen:>10", (TimesSeen(Comparison.GT, 10),)),
    ("timesSeen:<=3", (TimesSeen(Comparison.LE, 3),)),
    ("timesSeen:=0", (TimesSeen(Comparison.EQ, 0),)),
    ("timesSeen:007", (TimesSeen(Comparison.EQ, 7),)),
    ("timesSeen:>=9223372036854775807", (TimesSeen(Comparison.GE, 2**63 - 1),)),
    (
        "is:open level:error environment:production timeout",
        (
            StatusIs((Status.OPEN,)),
            LevelIs(("error",)),
            EventValue(ENV, (P("production"),)),
            Text(P("timeout")),
        ),
    ),
]


@pytest.mark.parametrize(("query", "terms"), GOOD, ids=[q or "empty" for q, _ in GOOD])
def test_queries_parse_into_exact_filters(query: str, terms: tuple[Term, ...]) -> None:
    assert parse_search(query) == SearchFilter(terms)


BAD: list[tuple[str, str]] = [
    ("level:", 'at 6: expected a value after "level:"'),
    ("is:open level: x", 'at 14: expected a value after "level:"'),
    ("level:warn", 'at 6: expected one of fatal, error, warning, info, debug after "level:"'),
    ("level:err*", 'at 6: expected one of fatal, error, warning, info, debug after "level:"'),
    (
        "level:[error,nope]",
        'at 13: expected one of fatal, error, warning, info, debug after "level:"',
    ),
    ("is:closed", 'at 3: expected one of open, resolved, muted, regressed after "is:"'),
    ("level:[", 'at 7: expected a value after "level:"'),
    ("level:[]", 'at 7: expected a value after "level:"'),
    ("level:[error,]", 'at 13: expected a value after "level:"'),
    ("level:[error,,fatal]", 'at 13: expected a value after "level:"'),
    ("level:[error", 'at 12: expected "," or "]"'),
    ("level:[error fatal]", 'at 13: expected "," or "]"'),
    ("level:[error]x", "at 13: expected a space between terms"),
    ('"open', 'at 5: expected a closing " for the quote at 0'),
    ('release:"1.0', 'at 12: expected a closing " for the quote at 8'),
    ('"a"b', "at 3: expected a space between terms"),
    ('""', "at 0: expected text between the quotes"),
    ('release:""', 'at 8: expected a value after "release:"'),
    ("!", 'at 1: expected a filter or text after "!"'),
    ("a ! b", 'at 3: expected a filter or text after "!"'),
    ("has:", 'at 4: expected a value after "has:"'),
    ("tags[]:x", 'at 5: expected a tag key inside "tags[]"'),
    ("tags[level]:", 'at 12: expected a value after "tags[level]:"'),
    ("has:bro*", "at 4: expected a tag key without wildcards"),
    ("lastSeen:", 'at 9: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:"'),
    ("lastSeen:>", 'at 10: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:>"'),
    ("lastSeen:-24", 'at 9: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:"'),
    ("lastSeen:-24y", 'at 9: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:"'),
    ("lastSeen:-h", 'at 9: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:"'),
    (
        "lastSeen:-1234567h",
        'at 9: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:"',
    ),
    ("lastSeen:-٣h", 'at 9: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:"'),
    (
        "lastSeen:>+1d",
        'at 10: expected a time like -24h, -7d or 2026-01-01T00:00 after "lastSeen:>"',
    ),
    ("lastSeen:-999999w", "at 9: expected a relative time of at most 36500d"),
    ("firstSeen:2026-01-01", "at 10: expected <, >, <= or >= before an absolute time"),
    (
        "firstSeen:>2026-13-01",
        'at 11: expected a time like -24h, -7d or 2026-01-01T00:00 after "firstSeen:>"',
    ),
    (
        "firstSeen:>yesterday",
        'at 11: expected a time like -24h, -7d or 2026-01-01T00:00 after "firstSeen:>"',
    ),
    (
        "firstSeen:>0001-01-01T00:00+01:00",
        'at 11: expected a time like -24h, -7d or 2026-01-01T00:00 after "firstSeen:>"',
    ),
    (
        "firstSeen:=-1d",
        'at 10: expected a time like -24h, -7d or 2026-01-01T00:00 after "firstSeen:"',
    ),
    (
        "firstSeen:[-1d]",
        'at 10: expected a time like -24h, -7d or 2026-01-01T00:00 after "firstSeen:"',
    ),
    ("timesSeen:", 'at 10: expected a whole number after "timesSeen:"'),
    ("timesSeen:>", 'at 11: expected a whole number after "timesSeen:>"'),
    ("timesSeen:>-1", 'at 11: expected a whole number after "timesSeen:>"'),
    ("timesSeen:>1.5", 'at 11: expected a whole number after "timesSeen:>"'),
    ("timesSeen:>٣", 'at 11: expected a whole number after "timesSeen:>"'),
    ("timesSeen:>9223372036854775808", 'at 11: expected a whole number after "timesSeen:>"'),
    ("timesSeen:>" + "9" * 900, 'at 11: expected a whole number after "timesSeen:>"'),
    ("bad\x00byte", "at 3: unexpected character U+0000"),
    ("lone \ud800", "at 5: unexpected character U+D800"),
    ("x" * (MAX_CHARS + 1), f"at {MAX_CHARS}: expected at most {MAX_CHARS} characters"),
    ("a " * MAX_TERMS + "b", f"at {2 * MAX_TERMS}: expected at most {MAX_TERMS} terms"),
]


@pytest.mark.parametrize(("query", "message"), BAD, ids=[q[:40] for q, _ in BAD])
def test_bad_queries_name_the_position_and_what_was_expected(query: str, message: str) -> None:
    with pytest.raises(SearchError) as caught:
        parse_search(query)
    assert caught.value.message == f"search: {message}"
    assert caught.value.status == 400


def test_the_error_names_the_parameter_it_came_from() -> None:
    with pytest.raises(SearchError) as caught:
        parse_search("level:", field="query")
    assert caught.value.message == 'query: at 6: expected a value after "level:"'
    assert (caught.value.field, caught.value.position) == ("query", 6)


def test_exactly_the_limits_are_accepted() -> None:
    assert len(parse_search("x" * MAX_CHARS).terms) == 1
    assert len(parse_search(" ".join(["a"] * MAX_TERMS)).terms) == MAX_TERMS


@pytest.mark.parametrize(
    "hostile",
    [
        '"' * MAX_CHARS,
        "\\" * MAX_CHARS,
        "*" * MAX_CHARS,
        "k:[" + "a," * 498 + "a]",
        "a" * 400 + ":" + "b" * 400,
        '!"' + "\\*" * 499,
        ("x" * 19 + " ") * MAX_TERMS,
    ],
    ids=["quotes", "backslashes", "stars", "long-list", "long-key", "escapes", "many-terms"],
)
def test_worst_case_queries_parse_in_linear_time(hostile: str) -> None:
    started = time.perf_counter()
    for _ in range(20):
        with contextlib.suppress(SearchError):
            parse_search(hostile[:MAX_CHARS])
    assert time.perf_counter() - started < 1.0  # about 20 ms; generous for a shared machine
