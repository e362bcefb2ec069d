"""A state change is one Transition, whoever makes it; subscribers hear it as STATE or REGRESSED."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import InvalidField
from app.issues.states import Cause, Transition, parse_state, regression, transition
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
