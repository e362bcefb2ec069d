"""The item API's query filters and PATCH body in the issue service's terms (pure).

`status`, `level` and `environment` may each be repeated, as Rollbar accepts them
(`?status=active&status=resolved`): an item matches any of a filter's values and all filters.
Each takes at most MAX_FILTER_VALUES values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from multidict import MultiMapping

from app.compat.rollbar.items import LEVELS, MAX_CODE_VERSION_CHARS
from app.compat.rollbar.serializers import STATE_OF
from app.errors import Unprocessable
from app.search.filter import (
    EventField,
    EventValue,
    LevelIs,
    Pattern,
    SearchFilter,
    Status,
    StatusIs,
    Term,
)
from app.text import require_plain_line
from models import IssueState

MAX_FILTER_VALUES = 10
MAX_ENVIRONMENT_CHARS = 255
PATCH_FIELDS = ("status", "level", "title", "resolved_in_version")


@dataclass(frozen=True, slots=True)
class ItemFilter:
    state: IssueState | None  # the one state asked for (its index answers), else None
    search: SearchFilter | None  # the other filters, and two or more states


def item_filter(query: MultiMapping[str]) -> ItemFilter:
    """`?status=&level=&environment=` (each repeatable); 422 naming a value it cannot take."""
    states = [STATE_OF[s] for s in _values(query, "status", tuple(STATE_OF))]
    terms: list[Term] = []
    if len(states) > 1:
        terms.append(StatusIs(tuple(Status(state.value) for state in states)))
    levels = _values(query, "level", tuple(LEVELS))
    if levels:
        terms.append(LevelIs(tuple(LEVELS[level] for level in levels)))
    environments = _values(query, "environment", None)
    if environments:
        exact = tuple(Pattern((_environment(value),)) for value in environments)
        terms.append(EventValue(EventField.ENVIRONMENT, exact))  # `*` is no wildcard here
    state = states[0] if len(states) == 1 else None
    return ItemFilter(state, SearchFilter(tuple(terms)) if terms else None)


def _values(query: MultiMapping[str], name: str, choices: tuple[str, ...] | None) -> list[str]:
    values = query.getall(name, [])
    if len(values) > MAX_FILTER_VALUES:
        raise Unprocessable(f"{name} may be given at most {MAX_FILTER_VALUES} times")
    if choices is not None:
        for value in values:
            if value not in choices:
                raise Unprocessable(f"{name} must be one of {', '.join(choices)}")
    return list(dict.fromkeys(values))


def _environment(value: str) -> str:
    if not value or len(value) > MAX_ENVIRONMENT_CHARS:
        raise Unprocessable(f"environment must be 1 to {MAX_ENVIRONMENT_CHARS} characters")
    return require_plain_line("environment", value)


def item_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body as `issues.edit_issue` arguments; 422 naming a field it cannot take."""
    for field in body:
        if field not in PATCH_FIELDS:
            raise Unprocessable(f"{field} is not a field that can be changed")
    if not body:
        raise Unprocessable(f"body must name a field to change: {', '.join(PATCH_FIELDS)}")
    changes: dict[str, Any] = {}
    if "status" in body:
        if body["status"] not in STATE_OF:
            raise Unprocessable(f"status must be one of {', '.join(STATE_OF)}")
        changes["state"] = STATE_OF[body["status"]]
    if "level" in body:
        if body["level"] not in LEVELS:
            raise Unprocessable(f"level must be one of {', '.join(LEVELS)}")
        changes["level"] = LEVELS[body["level"]]
    if "title" in body:
        if not isinstance(body["title"], str):
            raise Unprocessable("title must be a string")
        changes["title"] = body["title"]
    version = body.get("resolved_in_version")
    if version is not None:
        if changes.get("state") != IssueState.RESOLVED:
            raise Unprocessable('resolved_in_version can only be given with status "resolved"')
        if isinstance(version, bool) or not isinstance(version, str | int):
            raise Unprocessable("resolved_in_version must be a string")
        # (The body's numbers fit a database column, so str() of one is short.)
        if len(str(version)) > MAX_CODE_VERSION_CHARS:
            raise Unprocessable(
                f"resolved_in_version must be at most {MAX_CODE_VERSION_CHARS} characters"
            )
        changes["resolved_in_version"] = str(version)
    return changes
