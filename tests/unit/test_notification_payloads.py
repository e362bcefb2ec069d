"""pg_notify payloads: ids only, split under PostgreSQL's limit, foreign ones refused."""

from __future__ import annotations

import json

import pytest

from app.notifications.changes import (
    MAX_DELETION_IDS,
    MAX_PAYLOAD_BYTES,
    ChangeKind,
    Deletions,
    IssueChange,
    decode,
    decode_deletions,
    encode,
    encode_deletions,
)
from models.issue import IssueState

PG_LIMIT = 8_000


def test_a_batch_is_one_small_payload_grouped_by_kind_and_project():
    changes = [
        IssueChange(ChangeKind.CREATED, 10, 1, IssueState.OPEN),
        IssueChange(ChangeKind.CREATED, 11, 1, IssueState.OPEN),
        IssueChange(ChangeKind.REGRESSED, 7, 1, IssueState.OPEN),
        IssueChange(ChangeKind.COUNT, 3, 1),
        IssueChange(ChangeKind.COUNT, 4, 2),
    ]
    (payload,) = encode(changes)
    assert json.loads(payload) == {
        "v": 1,
        "g": [
            ["CREATED", 1, "open", [10, 11]],
            ["REGRESSED", 1, "open", [7]],
            ["COUNT", 1, None, [3]],
            ["COUNT", 2, None, [4]],
        ],
    }
    assert decode(payload) == changes


@pytest.mark.parametrize("issue_id", [1, 2**63 - 1])
@pytest.mark.parametrize("groups", [1, 7, 3_000])
def test_many_changes_split_into_payloads_under_the_limit_in_order(issue_id, groups):
    kinds = list(ChangeKind)
    changes = [
        IssueChange(kinds[i % groups % 5], issue_id - i if issue_id > 1 else i + 1, i % groups + 1)
        for i in range(6_000)
    ]
    payloads = encode(changes)
    assert all(len(p.encode()) <= MAX_PAYLOAD_BYTES < PG_LIMIT for p in payloads)
    assert [c for p in payloads for c in decode(p)] == changes


def test_nothing_to_say_is_no_payload():
    assert encode([]) == []


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not json",
        "[]",
        '{"v": 2, "g": []}',
        '{"v": 1}',
        '{"v": 1, "g": {}}',
        '{"v": 1, "g": [["CREATED", 1, "open"]]}',
        '{"v": 1, "g": [["EXPLODED", 1, null, [1]]]}',
        '{"v": 1, "g": [["STATE", 1, "gone", [1]]]}',
        '{"v": 1, "g": [["STATE", 1, ["open"], [1]]]}',
        '{"v": 1, "g": [["COUNT", 1, null, [true]]]}',
        '{"v": 1, "g": [["COUNT", 1, null, [0]]]}',
        '{"v": 1, "g": [["COUNT", 1, null, [-4]]]}',
        '{"v": 1, "g": [["COUNT", 1, null, [1.5]]]}',
        '{"v": 1, "g": [["COUNT", 1, null, ["1"]]]}',
        '{"v": 1, "g": [["COUNT", 1, null, [9223372036854775808]]]}',
        '{"v": 1, "g": [["COUNT", "1", null, [1]]]}',
        '{"v": 1, "g": [["COUNT", 1, null, 1]]}',
        "[" * 3_999 + "]" * 3_999,
        '{"v": 1, "g": ' + "[" * 3_990 + "]" * 3_990 + "}",
    ],
    ids=lambda payload: payload[:60],
)
def test_foreign_payloads_are_refused_with_a_reason(payload):
    with pytest.raises(ValueError, match=r"\w"):
        decode(payload)


def test_deletions_round_trip_in_payloads_of_at_most_200_ids():
    assert encode_deletions(Deletions()) == []
    (payload,) = encode_deletions(Deletions(tokens=(7,), projects=(3, 4)))
    assert json.loads(payload) == {"v": 1, "t": [7], "p": [3, 4]}
    assert decode_deletions(payload) == Deletions((7,), (3, 4))
    many = Deletions(projects=tuple(range(1, MAX_DELETION_IDS + 2)))
    payloads = encode_deletions(many)
    assert len(payloads) == 2
    assert all(len(p) < PG_LIMIT for p in payloads)
    parts = [decode_deletions(p) for p in payloads]
    assert tuple(i for part in parts for i in part.projects) == many.projects


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "[]",
        '{"v": 2, "t": [], "p": []}',
        '{"v": 1, "t": [1]}',
        '{"v": 1, "t": [0], "p": []}',
        '{"v": 1, "t": [true], "p": []}',
        '{"v": 1, "t": ["1"], "p": []}',
        '{"v": 1, "t": [], "p": 3}',
        '{"v": 1, "t": [], "p": [' + ",".join(["1"] * (MAX_DELETION_IDS + 1)) + "]}",
        "[" * 3_999 + "]" * 3_999,
    ],
    ids=lambda payload: payload[:60],
)
def test_foreign_deletions_are_refused_with_a_reason(payload):
    with pytest.raises(ValueError, match=r"\w"):
        decode_deletions(payload)
