"""What stored events add to their issues' aggregates (pure): events per hour and per tag value.

A batch is tallied in Python first, so the database gets one row per (issue, hour) and per
(issue, key, value), whatever the number of events. `environment` and `release` are counted as
two reserved tag keys, from the event's own fields (tags of those names are not counted).

Bounds, so no client can make the aggregates (or a batch's statements) grow without limit:
  - a key is 1-32 characters of `[a-zA-Z0-9_.:-]`, a value 1-200 characters without a newline
    (Sentry's tag rules; NULs are dropped); other tags stay on the event but are not counted;
  - at most MAX_TAGS_PER_EVENT tags of an event are counted (the first ones), plus the two
    reserved keys;
  - at most MAX_KEYS_PER_ISSUE keys per issue besides the reserved ones: tags of later keys are
    not counted;
  - at most MAX_VALUES_PER_KEY values per (issue, key): events of later values are counted in
    the key's `other_count`, so the key's total stays exact;
  - hourly rows older than RETENTION_HOURS are pruned when an issue starts a new hour row.
An issue stays `tags_exact` (its tag rows hold every tag of every event it received, so a tag
search may read them) until a bound leaves out a tag of a key other than the reserved ones:
`Tallies.partial` names the issues of events with such a tag, `left_out` those of values or keys
`admit` did not place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.ingest.jsontext import without_surrogates
from app.ingest.records import EventRecord

HOUR_S = 3600
# 30 daily buckets need 720 hours; events may be dated up to 30 days back (normalisation).
RETENTION_HOURS = 31 * 24
ENVIRONMENT = "environment"
RELEASE = "release"
RESERVED_KEYS = frozenset({ENVIRONMENT, RELEASE})
MAX_KEY_CHARS = 32
MAX_VALUE_CHARS = 200
MAX_TAGS_PER_EVENT = 50
MAX_KEYS_PER_ISSUE = 100
MAX_VALUES_PER_KEY = 1000

_KEY_RE = re.compile(rf"[a-zA-Z0-9_.:-]{{1,{MAX_KEY_CHARS}}}")

# (issue id, hour, events)
HourRow = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class TagRow:
    issue_id: int
    key: str
    value: str
    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class KeyRow:
    """What a batch adds to an issue's key: new value rows, and events beyond the cap."""

    issue_id: int
    key: str
    new_values: int
    other: int


@dataclass(frozen=True, slots=True)
class Tallies:
    hours: list[HourRow]  # sorted
    tags: list[TagRow]  # sorted by (issue_id, key, value)
    partial: set[int]  # issues of events with a tag left out (not counted)


@dataclass(frozen=True, slots=True)
class Misses:
    """What adding a batch's tallies found no row for."""

    started: set[int]  # issues whose row for an hour is new
    tags: set[tuple[int, str, str]]  # (issue, key, value) without a row
    keys: dict[tuple[int, str], int]  # value_count of every key of those tags' issues


@dataclass(frozen=True, slots=True)
class Placing:
    """The second statement of a batch: prune hours, new tag values and what their keys gain."""

    prune: list[int]  # issues whose hours before `before_hour` go
    before_hour: int
    values: list[TagRow]
    keys: list[KeyRow]
    partial: list[int]  # issues no longer `tags_exact`: `admit` left out some value


def hour_of(moment: datetime) -> int:
    return int(moment.timestamp()) // HOUR_S


def tally(records: Sequence[EventRecord], issue_ids: Sequence[int]) -> Tallies:
    """The increments of stored `records`, `issue_ids[i]` being the issue of `records[i]`."""
    hours: Counter[tuple[int, int]] = Counter()
    tags: dict[tuple[int, str, str], list[datetime]] = {}
    counts: Counter[tuple[int, str, str]] = Counter()
    partial: set[int] = set()
    for record, issue_id in zip(records, issue_ids, strict=True):
        at = record.timestamp
        hours[(issue_id, hour_of(at))] += 1
        pairs, complete = _counted(record)
        if not complete:
            partial.add(issue_id)
        for key, value in pairs:
            row = (issue_id, key, value)
            counts[row] += 1
            seen = tags.get(row)
            if seen is None:
                tags[row] = [at, at]
            elif at < seen[0]:
                seen[0] = at
            elif at > seen[1]:
                seen[1] = at
    return Tallies(
        hours=sorted((issue, hour, n) for (issue, hour), n in hours.items()),
        tags=[
            TagRow(issue, key, value, counts[(issue, key, value)], *tags[(issue, key, value)])
            for issue, key, value in sorted(tags)
        ],
        partial=partial,
    )


def counted_tags(record: EventRecord) -> list[tuple[str, str]]:
    """The (key, value) pairs of an event that its issue's tag counts take in."""
    return _counted(record)[0]


def _counted(record: EventRecord) -> tuple[list[tuple[str, str]], bool]:
    """`counted_tags`, and whether every tag of a key other than the reserved ones is among
    them (tags named `environment` or `release` are never counted, nor searched in the counts)."""
    complete = True
    pairs = [
        (key, text)
        for key, value in ((ENVIRONMENT, record.environment), (RELEASE, record.release))
        if value is not None and (text := _counted_value(value)) is not None
    ]
    taken = 0
    for key, value in record.tags.items():
        if key in RESERVED_KEYS:
            continue
        if (
            taken < MAX_TAGS_PER_EVENT
            and isinstance(key, str)
            and isinstance(value, str)
            and valid_key(key)
            and (text := _counted_value(value)) is not None
        ):
            pairs.append((key, text))
            taken += 1
        else:
            complete = False
    return pairs, complete


def admit(
    new: Sequence[TagRow], known: Mapping[tuple[int, str], int]
) -> tuple[list[TagRow], list[KeyRow]]:
    """Which of the `new` tag values (no row yet) get a row, and what each key gains.

    `known` is the value_count of every key the issues of `new` already have. The values most
    frequent in the batch get the last places under the cap.
    """
    values = dict(known)
    user_keys = Counter(issue for issue, key in known if key not in RESERVED_KEYS)
    inserts: list[TagRow] = []
    gains: dict[tuple[int, str], list[int]] = {}
    for row in sorted(new, key=lambda r: (r.issue_id, r.key, -r.count, r.value)):
        key = (row.issue_id, row.key)
        if key not in values:
            if row.key not in RESERVED_KEYS:
                if user_keys[row.issue_id] >= MAX_KEYS_PER_ISSUE:
                    continue
                user_keys[row.issue_id] += 1
            values[key] = 0
        gain = gains.setdefault(key, [0, 0])
        if values[key] < MAX_VALUES_PER_KEY:
            values[key] += 1
            gain[0] += 1
            inserts.append(row)
        else:
            gain[1] += row.count
    keys = [KeyRow(issue, key, n, other) for (issue, key), (n, other) in sorted(gains.items())]
    return sorted(inserts, key=lambda r: (r.issue_id, r.key, r.value)), keys


def left_out(new: Sequence[TagRow], placed: Sequence[TagRow]) -> list[int]:
    """The issues of `new` tag values that `admit` did not place (a key or value cap)."""
    rows = {(r.issue_id, r.key, r.value) for r in placed}
    return sorted({r.issue_id for r in new if (r.issue_id, r.key, r.value) not in rows})


def valid_key(key: str) -> bool:
    return _KEY_RE.fullmatch(key) is not None


def _counted_value(value: str) -> str | None:
    """The value as counted, or None when it is not one; NULs go, as PostgreSQL refuses them."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        value = without_surrogates(value)  # as the event's stored JSON has it
    return value if 0 < len(value) <= MAX_VALUE_CHARS and "\n" not in value else None
