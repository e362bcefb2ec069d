"""Issue states, the transitions between them, and the causes recorded in history.

A `Transition` is one state change, whoever made it: the issue service writes it for every
API, ingestion for regressions; each becomes one history row and one notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.errors import InvalidField, InvalidTransition
from models.issue import IssueState


class Cause(StrEnum):
    USER = "user"  # a person or program through an API
    REGRESSION = "regression"  # an event arrived for a resolved issue


ALLOWED: dict[IssueState, frozenset[IssueState]] = {
    IssueState.OPEN: frozenset({IssueState.RESOLVED, IssueState.MUTED}),
    IssueState.RESOLVED: frozenset({IssueState.OPEN, IssueState.MUTED}),
    IssueState.MUTED: frozenset({IssueState.OPEN, IssueState.RESOLVED}),
}


@dataclass(frozen=True, slots=True)
class Transition:
    issue_id: int
    project_id: int
    from_state: IssueState
    to_state: IssueState
    cause: Cause
    at: datetime


def parse_state(value: object, field: str = "state") -> IssueState:
    if isinstance(value, str):
        try:
            return IssueState(value)
        except ValueError:
            pass
    choices = ", ".join(s.value for s in IssueState)
    raise InvalidField(field, f"must be one of {choices}")


def next_state(current: IssueState, requested: IssueState) -> IssueState | None:
    """The state to move to, or None when `requested` is already the state (a no-op)."""
    if requested == current:
        return None
    if requested not in ALLOWED[current]:
        raise InvalidTransition(f"an issue cannot go from {current} to {requested}")
    return requested


def state_after_event(current: IssueState) -> IssueState | None:
    """A new event reopens a resolved issue (a regression); muted issues stay muted."""
    return IssueState.OPEN if current == IssueState.RESOLVED else None


def transition(
    issue_id: int,
    project_id: int,
    current: IssueState,
    requested: IssueState,
    cause: Cause,
    at: datetime,
) -> Transition | None:
    """The change someone asked for, or None when the issue is already in that state."""
    new = next_state(current, requested)
    return None if new is None else Transition(issue_id, project_id, current, new, cause, at)


def regression(
    issue_id: int, project_id: int, current: IssueState, at: datetime
) -> Transition | None:
    """The change a new event makes to an issue in `current`, if any."""
    new = state_after_event(current)
    if new is None:
        return None
    return Transition(issue_id, project_id, current, new, Cause.REGRESSION, at)
