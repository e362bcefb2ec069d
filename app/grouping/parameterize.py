"""Message normalisation for grouping (protocols.md §A8.6).

Log messages and exception values carry data (ids, addresses, timestamps, paths) that differ
between occurrences of the same problem. `parameterize_message` keeps the first two non-empty
lines and replaces data-like substrings with `<kind>` placeholders, so `"user 17 not found"` and
`"user 42 not found"` group together as `"user <int> not found"`.

One combined regex scans the text left to right; at each position its alternatives are tried in
the order of `PATTERNS` and the first that matches wins (so `1.5s` is a duration, not a float).
Besides Sentry's placeholders we replace file paths with `<path>`: Windows drive and UNC paths,
`~/`, `./` and `../` paths, absolute paths under common filesystem roots, and absolute paths
ending in a file extension. URL-like routes (`/api/users/12`) are deliberately not paths: their
numbers are parameterised piecewise, as Sentry does, so different routes stay apart.

Client text, so every pattern runs in time linear in its input: no pattern can backtrack over the
rest of the text (look-aheads and delimited scans are bounded), and only the first
`MAX_CHARS` characters are parameterised at all (tests/unit/test_linear_time.py checks both).
"""

from __future__ import annotations

import re

MAX_LINES = 2
# As much as messages keep (app.ingest.normalize.MAX_MESSAGE_CHARS); the rest never tells two
# problems apart.
MAX_CHARS = 8192

_HEX4 = r"[0-9A-Fa-f]{1,4}"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_WEEKDAY_LONG = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ZONE = r"(?:[-+]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])"
# The ~100 most common top-level domains, as a regex alternation; the full list is thousands long.
_TLDS = (
    "com|net|org|jp|de|uk|fr|br|it|ru|es|me|gov|pl|ca|au|cn|co|in|nl|edu|info|eu|ch|id|at|kr|cz|"
    "mx|be|tv|se|tr|tw|al|ua|ir|vn|cl|sk|ly|cc|to|no|fi|us|pt|dk|ar|hu|tk|gr|il|news|ro|my|biz|ie|"
    "za|nz|sg|ee|th|io|xyz|pe|bg|hk|rs|lt|link|ph|club|si|site|mobi|by|cat|wiki|la|ga|xxx|cf|hr|ng|"
    "jobs|online|kz|ug|gq|ae|is|lv|pro|fm|tips|ms|sa|app"
)
# Sentry accepts a TLD in all-lower or all-upper case, never mixed.
_TLD = f"(?:{_TLDS}|{_TLDS.upper()})"
_EMAIL_LOCAL = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]"
_PATH_CHARS = r"[\w.@+~-]"
_WINDOWS_SEGMENT = r"""[^\s\\/:*?"'<>|]"""
_FS_ROOTS = (
    "usr|var|etc|home|tmp|opt|srv|root|proc|dev|mnt|media|run|sys|bin|sbin|lib|lib64|nix|"
    "Users|Library|System|Applications|Volumes|private"
)

# (placeholder name, prefix, pattern) in priority order. The prefix is a cheap lookahead on how a
# match must begin; it skips the full pattern where it cannot match (None: no useful prefix).
# Every inner group is non-capturing, so `match.lastgroup` names the alternative that matched.
PATTERNS: tuple[tuple[str, str | None, str], ...] = (
    # The lookbehind starts an address only at the beginning of a run of local-part characters:
    # starting inside the run could not succeed anyway, and skipping it keeps long tokens linear.
    (
        "email",
        None,
        rf"(?<!{_EMAIL_LOCAL}){_EMAIL_LOCAL}+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*",
    ),
    ("url", r"(?:https?|wss?|ftp)://", r"\b(?:https?|wss?|ftp)://[^\s/$.?#]\S+"),
    (
        "path",
        r"[A-Za-z]:[\\/]|\\\\|\.{1,2}/|~/|/",
        r"(?<![\w.~/\\-])(?:"
        rf"[A-Za-z]:[\\/](?:{_WINDOWS_SEGMENT}+[\\/])*{_WINDOWS_SEGMENT}*"
        rf"|\\\\{_WINDOWS_SEGMENT}+(?:\\{_WINDOWS_SEGMENT}+)+"
        rf"|(?:~|\.\.?)(?:/{_PATH_CHARS}+)+/?"
        rf"|/(?:{_FS_ROOTS})(?:/{_PATH_CHARS}+)+/?"
        rf"|(?:/{_PATH_CHARS}+)*/{_PATH_CHARS}+?\.[A-Za-z][A-Za-z0-9]{{0,7}}(?![\w.@+~/-])"
        r")",
    ),
    # Starts only at the first label and allows at most 16 labels, so a long dotted chain costs
    # one bounded attempt instead of a backtracking search for a TLD at every label. No prefix:
    # the lookbehind is as cheap, and a prefix scanning for the first dot would rescan a long
    # `a-a-a-...` run at every word in it.
    ("hostname", None, rf"(?<![\w.-])(?:[A-Za-z0-9-]{{1,63}}\.){{1,16}}{_TLD}\b"),
    (
        "ip",
        r"[0-9A-Fa-f]{0,4}:|\d{1,3}\.",
        # IPv6 forms, guarded on both sides so `Class::method` is not an address; the zoned and
        # IPv4-suffixed forms come first because they extend the plain ones.
        r"(?<![\w:])(?:"
        r"fe80:(?::[0-9A-Fa-f]{0,4}){0,4}%[0-9A-Za-z]+"
        rf"|::(?:ffff(?::0{{1,4}})?:)?{_IPV4}"
        rf"|(?:{_HEX4}:){{1,4}}:{_IPV4}"
        rf"|(?:{_HEX4}:){{7}}{_HEX4}"
        rf"|(?:{_HEX4}:){{1,7}}:"
        rf"|(?:{_HEX4}:){{1,6}}:{_HEX4}"
        rf"|(?:{_HEX4}:){{1,5}}(?::{_HEX4}){{1,2}}"
        rf"|(?:{_HEX4}:){{1,4}}(?::{_HEX4}){{1,3}}"
        rf"|(?:{_HEX4}:){{1,3}}(?::{_HEX4}){{1,4}}"
        rf"|(?:{_HEX4}:){{1,2}}(?::{_HEX4}){{1,5}}"
        rf"|{_HEX4}:(?::{_HEX4}){{1,6}}"
        rf"|:(?::{_HEX4}){{1,7}}"
        r")(?![\w:])"
        rf"|\b{_IPV4}\b",
    ),
    (
        "traceparent",
        r"00-|1-",
        r"\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\b|\b1-[0-9a-f]{8}-[0-9a-f]{24}\b",
    ),
    ("uuid", r"[0-9A-Fa-f]{8}-", r"\b[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}\b"),
    ("sha1", r"[0-9A-Fa-f]{40}", r"\b[0-9A-Fa-f]{40}\b"),
    ("md5", r"[0-9A-Fa-f]{32}", r"\b[0-9A-Fa-f]{32}\b"),
    (
        "date",
        r"\d{4}|\d{1,2}:|[JFMASONDTW][a-z]{2}|datetime\.",
        # RFC 822/1123: Mon, 02 Jan 2006 15:04:05 MST
        rf"{_WEEKDAY},\s\d{{1,2}}\s{_MONTH}\s\d{{2,4}}\s\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s{_ZONE}\b"
        # RFC 850: Monday, 02-Jan-06 15:04:05 MST
        rf"|(?:{_WEEKDAY_LONG}|{_WEEKDAY}),\s\d{{2}}-{_MONTH}-\d{{2}}\s\d{{2}}:\d{{2}}:\d{{2}}"
        rf"\s{_ZONE}\b"
        # JavaScript Date.toString(): Mon Jan 02 2006 15:04:05 GMT+0100 (CET)
        rf"|{_WEEKDAY}\s{_MONTH}\s\d{{2}}\s\d{{4}}\s\d{{2}}:\d{{2}}:\d{{2}}\sGMT[-+]\d{{4}}"
        r"(?:\s\([^)]{0,64}\))?"
        # ANSI C / ctime: Mon Jan  2 15:04:05 2006
        rf"|(?:{_WEEKDAY}\s+)?{_MONTH}\s+\d{{1,2}}\s+\d{{2}}:\d{{2}}:\d{{2}}\s+\d{{4}}"
        # Mon Jan 02, 1999 / Jan 02, 1999
        rf"|(?:{_WEEKDAY}\s)?{_MONTH}\s[0-3]\d,\s\d{{2,4}}"
        # ISO 8601 / RFC 3339 datetimes, with or without seconds, fraction and offset
        r"|(?<!\d)\d{4}-?[01]\d-?[0-3]\d[T\s][0-2]\d:?[0-5]\d(?::?[0-5]\d(?:\.\d+)?)?"
        r"(?:Z|[-+][0-2]\d:?[0-5]\d)?"
        r"|(?<!\d)\d{4}-[01]\d-[0-3]\d(?!\d)"
        r"|datetime\.datetime\([^)]{0,128}\)"
        # Clock times: 9:30, 23:59:59, 10:31 pm
        r"|(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?![\d:])(?:\s?[AaPp][Mm]\b)?",
    ),
    ("duration", r"\d", r"\b\d+(?:\.\d+)?(?:ms|s)\b"),
    (
        "hex",
        r"0[xX]|[0-9A-Fa-f]{8}",
        # 0x-prefixed of any length, or 8-128 unprefixed hex digits that include a digit and are
        # all one case (8+ digit decimal numbers land here too: they are ids, not counts).
        r"\b0[xX][0-9a-fA-F]+\b|\b(?=[a-f]*\d)[0-9a-f]{8,128}\b|\b(?=[A-F]*\d)[0-9A-F]{8,128}\b",
    ),
    ("git_sha", r"[0-9a-f]{7}\b", r"\b(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{7}\b"),
    # A minus sign counts only when it does not join two words (`utf-8` keeps its dash).
    ("float", r"-?\d+\.", r"(?:(?<!\w)-)?\b\d+\.\d+\b"),
    ("int", r"[-\d]", r"(?:(?<!\w)-)?\b\d{1,7}\b"),
    # Only values of key=value pairs: the `=` stays, giving `key=<quoted_str>`.
    ("quoted_str", r"""['"]""", r"""(?<==)(?:'[^']+'|"[^"]+")"""),
    ("bool", r"[TtFf]", r"(?<==)(?:[Tt]rue|[Ff]alse)\b"),
)

# Where a placeholder can start: never inside a word (two cheap tests rule out most positions),
# and only where one of the patterns' own first characters and lookbehinds allows, said once up
# front. Inside words, blanks and runs of punctuation no alternative is tried at all (10x faster
# on long text than trying every alternative at every character).
_START = (
    r"(?:(?<!\w)|(?!\w))"
    r"(?:(?<!\w)(?=\w)"  # a word: most placeholders
    r"|(?<![\w.~/\\-])(?=[.~/\\])"  # a path
    r"|(?<![\w:])(?=:)"  # an IPv6 address such as ::1
    r"""|(?<==)(?=['"])"""  # a quoted value
    r"|(?<!\w)(?=-\d)"  # a negative number
    rf"|(?<!{_EMAIL_LOCAL})(?={_EMAIL_LOCAL})"  # an email address
    r"|(?<![\w.-])(?=-))"  # a hostname
)


def scanner(patterns: tuple[tuple[str, str | None, str], ...] = PATTERNS) -> re.Pattern[str]:
    """One regex trying `patterns` in order where a placeholder can start (tests scan with one)."""
    return re.compile(
        rf"{_START}(?:"
        + "|".join(
            f"{'' if first is None else f'(?={first})'}(?P<{name}>{pattern})"
            for name, first, pattern in patterns
        )
        + ")"
    )


_PARAMETERS = scanner()


def _placeholder(match: re.Match[str]) -> str:
    return f"<{match.lastgroup}>"


def parameterize_message(text: str) -> str:
    """Normalise a message or exception value for grouping (§A8.6).

    Keeps the first two non-empty lines of the first `MAX_CHARS` characters (appending "..." when
    more non-empty lines followed) and replaces data-like substrings with placeholders such as
    `<int>`, `<uuid>` or `<path>`.
    """
    lines = [line for line in text[:MAX_CHARS].splitlines() if line.strip()]
    kept = "\n".join(lines[:MAX_LINES])
    if len(lines) > MAX_LINES:
        kept += "..."
    return _PARAMETERS.sub(_placeholder, kept)
