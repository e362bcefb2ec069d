"""What Rustrak's own client sends, translated into the documented API (pure functions).

The documented forms are `?state=` and PATCH `{"state": …}`. Rustrak's client also sends
`?filter=open|resolved|muted|all`, `sort=last_seen|digest_order`, `order=asc|desc` and
PATCH `{"is_resolved": bool, "is_muted": bool}`; page/per_page belong to `parse_page`.
Aliases that contradict each other or the documented field are refused, naming both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import InvalidField
from app.issues.service import IssueSort
from app.issues.states import parse_state
from app.pagination import PageRequest, Query, parse_page, query_value
from models import IssueState

ALL = "all"
_FLAGS = ("is_resolved", "is_muted")
# Rustrak's sort orders (GraphQL offers more).
_SORTS = (IssueSort.LAST_SEEN, IssueSort.DIGEST_ORDER)


@dataclass(frozen=True, slots=True)
class IssueListing:
    state: IssueState | None
    sort: IssueSort
    descending: bool
    page: PageRequest


def issue_listing(query: Query) -> IssueListing:
    raw_state = query_value(query, "state")
    state = parse_state(raw_state) if raw_state is not None else None
    raw_filter = query_value(query, "filter")
    if raw_filter is not None:
        filtered = _filter(raw_filter)
        if raw_state is not None and filtered != state:
            raise InvalidField("filter", f"conflicts with state={state}")
        state = filtered
    raw_sort = query_value(query, "sort")
    sort = IssueSort.LAST_SEEN if raw_sort is None else _sort(raw_sort)
    raw_order = query_value(query, "order")
    if raw_order not in (None, "asc", "desc"):
        raise InvalidField("order", "must be one of asc, desc")
    return IssueListing(state, sort, raw_order != "asc", parse_page(query))


def issue_changes(body: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body in documented form: `is_resolved`/`is_muted` become `state`."""
    flags = {name: body[name] for name in _FLAGS if name in body}
    if not flags:
        return body
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise InvalidField(name, "must be true or false")
    if flags.get("is_resolved") and flags.get("is_muted"):
        raise InvalidField("is_muted", "conflicts with is_resolved=true")
    if flags.get("is_resolved"):
        state = IssueState.RESOLVED
    elif flags.get("is_muted"):
        state = IssueState.MUTED
    else:
        state = IssueState.OPEN
    changes = {key: value for key, value in body.items() if key not in flags}
    if "state" in changes and parse_state(changes["state"]) != state:
        given = ", ".join(f"{name}={str(value).lower()}" for name, value in flags.items())
        raise InvalidField("state", f"conflicts with {given}")
    return {**changes, "state": state.value}


def _filter(raw: str) -> IssueState | None:
    if raw == ALL:
        return None
    try:
        return IssueState(raw)
    except ValueError:
        names = ", ".join([*IssueState, ALL])
        raise InvalidField("filter", f"must be one of {names}") from None


def _sort(raw: str) -> IssueSort:
    for sort in _SORTS:
        if raw == sort.value:
            return sort
    raise InvalidField("sort", f"must be one of {', '.join(_SORTS)}")
