"""Issue states, the transitions between them, and the causes recorded in history."""

from __future__ import annotations

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
