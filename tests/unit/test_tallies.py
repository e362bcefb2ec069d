"""What stored events add to their issues' aggregates, and which new tag values get a row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.ingest.digest import build_record
from app.ingest.normalize import normalize_event
from app.ingest.projects import ProjectKeys
from app.ingest.records import EventRecord
from app.ingest.tallies import (
    MAX_KEYS_PER_ISSUE,
    MAX_VALUES_PER_KEY,
    KeyRow,
    TagRow,
    admit,
    counted_tags,
    left_out,
    tally,
)

T = 1_795_170_600.0  # 2026-11-20 10:30:00 UTC
HOUR = 3600


def record(seconds: float = T, **payload: Any) -> EventRecord:
    event = normalize_event(
        {"message": "m", "timestamp": seconds, **payload}, event_id=None, received_at=T + 60
    )
    return build_record(ProjectKeys(id=1, sentry_key="0" * 32, rate_limit_per_minute=None), event)


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_a_batch_becomes_one_row_per_issue_and_hour_and_per_tag_value():
    records = [
        record(T, environment="prod", tags={"b": "x"}),
        record(T - 10, environment="prod", tags={"b": "y"}),
        record(T + 20, environment="prod", tags={"b": "x"}),
        record(T - HOUR, release="1.0", tags={"b": "x"}),
        record(T, environment="dev"),
    ]
    tallies = tally(records, [7, 7, 7, 7, 3])
    hour = int(T) // HOUR
    assert tallies.hours == [(3, hour, 1), (7, hour - 1, 1), (7, hour, 3)]
    assert tallies.tags == [
        TagRow(3, "environment", "dev", 1, at(T), at(T)),
        TagRow(7, "b", "x", 3, at(T - HOUR), at(T + 20)),
        TagRow(7, "b", "y", 1, at(T - 10), at(T - 10)),
        TagRow(7, "environment", "prod", 3, at(T - 10), at(T + 20)),
        TagRow(7, "release", "1.0", 1, at(T - HOUR), at(T - HOUR)),
    ]


def test_only_valid_tags_are_counted_the_first_fifty_of_an_event():
    tags = {
        "environment": "tag, not field",
        "release": "tag, not field",
        "k" * 33: "long key",
        "é": "non-ASCII key",
        "a/b": "slash",
        "nl": "x\ny",
        "empty": "",
        "nul": "a\x00b",
        **{f"t{i:02}": str(i) for i in range(55)},
    }
    pairs = counted_tags(record(tags=tags, environment="prod", release="r" * 201))
    assert pairs == [("environment", "prod"), ("nul", "ab")] + [
        (f"t{i:02}", str(i)) for i in range(49)
    ]


def test_new_values_get_rows_up_to_the_cap_then_count_as_other():
    def row(value: str, count: int = 1, key: str = "k", issue: int = 1) -> TagRow:
        return TagRow(issue, key, value, count, at(T), at(T))

    known = {(1, "k"): MAX_VALUES_PER_KEY - 2}
    new = [row("a"), row("b", 5), row("c", 2), row("d", 2)]
    inserts, keys = admit(new, known)
    # The most frequent in the batch take the last places.
    assert inserts == [row("b", 5), row("c", 2)]
    assert keys == [KeyRow(1, "k", 2, 3)]
    assert left_out(new, inserts) == [1]
    assert left_out([row("a", issue=2)], [row("a", issue=2)]) == []

    full = {(1, "k"): MAX_VALUES_PER_KEY}
    assert admit([row("z", 4)], full) == ([], [KeyRow(1, "k", 0, 4)])


def test_keys_beyond_the_cap_are_not_counted_but_reserved_keys_always_are():
    known = {(1, f"k{i}"): 1 for i in range(MAX_KEYS_PER_ISSUE - 1)}
    known[(1, "release")] = 1
    new = [
        TagRow(1, "new1", "v", 1, at(T), at(T)),
        TagRow(1, "new2", "v", 1, at(T), at(T)),
        TagRow(1, "environment", "prod", 1, at(T), at(T)),
        TagRow(2, "new2", "v", 1, at(T), at(T)),  # another issue has room
    ]
    inserts, keys = admit(new, known)
    assert [(r.issue_id, r.key) for r in inserts] == [(1, "environment"), (1, "new1"), (2, "new2")]
    assert keys == [
        KeyRow(1, "environment", 1, 0),
        KeyRow(1, "new1", 1, 0),
        KeyRow(2, "new2", 1, 0),
    ]
    assert left_out(new, inserts) == [1]  # new2 of issue 1


def test_an_issue_is_partial_when_a_tag_of_its_events_is_not_counted():
    records = [
        record(tags={"ok": "v", "environment": "a tag of a reserved name is never searched"}),
        record(environment="e" * 201),  # environment and release are searched in the events
        record(tags={"k" * 33: "v"}),
        record(tags={"nl": "x\ny"}),
        record(tags={"empty": ""}),
        record(tags={f"t{i:02}": "x" for i in range(51)}),
        record(tags={f"t{i:02}": "x" for i in range(50)}),
    ]
    assert tally(records, [1, 2, 3, 4, 5, 6, 7]).partial == {3, 4, 5, 6}
