"""Issue states, the transitions between them, and the causes recorded in history.

A `Transition` is one state change, whoever made it: the issue service writes it for every
API, ingestion for regressions; each becomes one history row and one notification.

A resolution may name the version that fixes the issue (Rollbar's `resolved_in_version`);
then, as Rollbar does, only an event of that version or a later one reopens it (`reactivates`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


# A version number: `v`?, one to three dot-separated numbers, anything after them ignored
# (Rollbar reads at most major.minor.patch). Possessive: a number is never cut short to let
# the rest pass as a suffix. The text is clipped before matching.
_VERSION = re.compile(r"[vV]?([0-9]{1,18})(?:\.([0-9]{1,18}))?+(?:\.([0-9]{1,18}))?+(?:[.+-].*)?")
_MAX_VERSION_CHARS = 64


def version_key(text: str) -> tuple[int, int, int] | None:
    """`1.2` → (1, 2, 0), `v3` → (3, 0, 0), `1.2.3-rc.1` → (1, 2, 3); None when the text is no
    version number (a git SHA, a name), so it cannot be ordered."""
    match = _VERSION.fullmatch(text.strip()[:_MAX_VERSION_CHARS])
    if match is None:
        return None
    major, minor, patch = (int(part) if part else 0 for part in match.groups())
    return (major, minor, patch)


def reactivates(resolved_in_version: str | None, release: str | None) -> bool:
    """Whether an event of `release` reopens an issue resolved in `resolved_in_version`.

    Only an event of an older version does not: with no resolved version, an event without a
    release, the same version, a later one, or versions that cannot both be ordered (git SHAs)
    all reopen it. Versions are ordered as numbers (1.10 > 1.9); equal texts are the same
    version."""
    if not resolved_in_version or not release:
        return True
    if release.strip() == resolved_in_version.strip():
        return True
    fixed, seen = version_key(resolved_in_version), version_key(release)
    if fixed is None or seen is None:
        return True
    return seen >= fixed


def state_after_event(
    current: IssueState,
    resolved_in_version: str | None = None,
    releases: Iterable[str | None] = (None,),
) -> IssueState | None:
    """New events (of `releases`) reopen a resolved issue (a regression) unless all of them
    are older than the version it was resolved in; muted issues stay muted."""
    if current != IssueState.RESOLVED:
        return None
    if any(reactivates(resolved_in_version, release) for release in releases):
        return IssueState.OPEN
    return None


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
    issue_id: int,
    project_id: int,
    current: IssueState,
    at: datetime,
    resolved_in_version: str | None = None,
    releases: Iterable[str | None] = (None,),
) -> Transition | None:
    """The change new events (of `releases`) make to an issue in `current`, if any."""
    new = state_after_event(current, resolved_in_version, releases)
    if new is None:
        return None
    return Transition(issue_id, project_id, current, new, Cause.REGRESSION, at)
