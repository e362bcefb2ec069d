"""A state change is one Transition, whoever makes it; subscribers hear it as STATE or REGRESSED."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import InvalidField
from app.issues.states import (
    Cause,
    Transition,
    parse_state,
    reactivates,
    regression,
    transition,
    version_key,
)
from app.notifications.changes import ChangeKind, IssueChange
from models.issue import IssueState

AT = datetime(2026, 11, 29, tzinfo=UTC)
OPEN, RESOLVED, MUTED = IssueState.OPEN, IssueState.RESOLVED, IssueState.MUTED


def test_a_requested_change_is_a_transition_heard_as_state():
    t = transition(7, 3, OPEN, RESOLVED, Cause.USER, AT)
    assert t == Transition(7, 3, OPEN, RESOLVED, Cause.USER, AT)
    assert IssueChange.of(t) == IssueChange(ChangeKind.STATE, 7, 3, RESOLVED)


@pytest.mark.parametrize("state", list(IssueState))
def test_asking_for_the_current_state_changes_nothing(state):
    assert transition(7, 3, state, state, Cause.USER, AT) is None


def test_an_event_for_a_resolved_issue_is_a_regression_heard_as_regressed():
    t = regression(7, 3, RESOLVED, AT)
    assert t == Transition(7, 3, RESOLVED, OPEN, Cause.REGRESSION, AT)
    assert IssueChange.of(t) == IssueChange(ChangeKind.REGRESSED, 7, 3, OPEN)


@pytest.mark.parametrize("state", [OPEN, MUTED])
def test_an_event_for_an_open_or_muted_issue_changes_no_state(state):
    assert regression(7, 3, state, AT) is None


@pytest.mark.parametrize("value", ["closed", "", None, 1, ["open"], "OPEN"])
def test_unknown_states_are_refused_naming_the_field(value):
    with pytest.raises(InvalidField, match=r"^state: must be one of open, resolved, muted$"):
        parse_state(value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1.2.3", (1, 2, 3)),
        ("1.2", (1, 2, 0)),
        ("v3", (3, 0, 0)),
        ("V1.10", (1, 10, 0)),
        ("1.2.3-rc.1", (1, 2, 3)),
        ("1.2.3.4", (1, 2, 3)),  # Rollbar reads at most major.minor.patch
        ("1.2.3+build7", (1, 2, 3)),
        (" 24 ", (24, 0, 0)),
        ("20261130", (20261130, 0, 0)),
        ("bdd2b9241f791fc9f134fb3244b40d452d2d7e35", None),
        ("1234567abcdef", None),  # a SHA that starts with digits
        ("release-7", None),
        ("", None),
        ("1" * 19, None),
        ("1.2.3x", None),
        ("1.2." + "3" * 10_000, None),  # clipped first: linear, whatever the length
        ("1.2." + "3" * 19, None),
    ],
)
def test_version_key_reads_version_numbers_only(text, key):
    assert version_key(text) == key


@pytest.mark.parametrize(
    ("resolved_in", "release", "reopens"),
    [
        (None, "1.0", True),  # no resolved version: any event reopens
        ("1.2", None, True),  # an event without a version reopens
        ("1.2", "1.1.9", False),  # older: a deploy without the fix
        ("1.2", "1.2", True),  # the fixed version itself: the fix did not work
        ("1.2", "1.2.0", True),
        ("1.2", "1.10", True),  # numbers, not text: 1.10 > 1.2
        ("1.10", "1.9", False),
        ("v2", "1.99.99", False),
        ("abc123", "abc123", True),  # the same SHA
        ("abc123", "def456", True),  # SHAs cannot be ordered here: reopen
        ("1.2", "def456", True),
        ("abc123", "1.0", True),
    ],
)
def test_an_issue_resolved_in_a_version_reopens_for_that_version_or_later(
    resolved_in, release, reopens
):
    assert reactivates(resolved_in, release) is reopens
    t = regression(7, 3, RESOLVED, AT, resolved_in, [release])
    assert (t is not None) is reopens


def test_one_event_of_a_later_version_in_a_batch_reopens():
    assert regression(7, 3, RESOLVED, AT, "2.0", ["1.0", "1.5"]) is None
    assert regression(7, 3, RESOLVED, AT, "2.0", ["1.0", "2.1"]) == Transition(
        7, 3, RESOLVED, OPEN, Cause.REGRESSION, AT
    )
    assert regression(7, 3, MUTED, AT, "2.0", ["3.0"]) is None
