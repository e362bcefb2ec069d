"""One issue with what its selection asks for read ahead (the detail page: `Query.issue`).

The aggregates selected (`frequency` and `tags` with each of their arguments, `environments`,
`releases`) and the first state changes (`history`) are read in one statement, and the
latest event with the issue (its payload only when a payload field is selected), instead of
a DataLoader, a coroutine and a statement per field. The fields then answer from what their
issue holds; a field this did not read (an argument it could not read, a selection it could
not follow) resolves as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLObjectType, get_argument_values
from graphql.execution.values import VariableValues
from strawberry.types import Info

from app.errors import FaultlineError
from app.issues import aggregates, detail
from app.issues import service as issues
from app.issues.aggregates import Period, TagQuery
from app.issues.detail import DetailQuery
from schema.context import Context
from schema.selection import UnknownFragment, fields_of
from schema.types.common import page_request
from schema.types.issue import IssueType


async def issue_detail(issue_id: int, info: Info[Context, None]) -> IssueType:
    """The issue as `IssueType.of` makes it, holding what its selection asks for."""
    raw = info._raw_info
    try:
        selected = list(fields_of(raw.field_nodes, raw.fragments))
    except UnknownFragment:  # (validation refuses those): each field reads its own
        return IssueType.of(await issues.get_issue(issue_id))
    latest = [field for field in selected if field.name.value == "latestEvent"]
    if latest:
        from schema.types.event import EventType, payload_needed  # it imports issue.py

        wanted = payload_needed(latest, raw.fragments)
        issue, event = await issues.get_issue_and_latest_event(issue_id, payload=wanted)
        node = IssueType.of(issue)
        node.latest = (EventType.of(event) if event else None,)
    else:
        node = IssueType.of(await issues.get_issue(issue_id))
    query = _detail_query(raw.schema.get_type("Issue"), selected, raw.variable_values)
    if query:
        now = datetime.fromtimestamp(info.context.clock(), UTC)
        held = node.detail = await detail.read_detail(issue_id, query, now)
        if held.environments is not None and held.releases is not None:
            node.held_environments, node.held_releases = (held.environments,), (held.releases,)
    return node


def _detail_query(issue_type: Any, selected: list[FieldNode], variables: Any) -> DetailQuery:
    """What the fields selected under the issue ask of its detail statement; a field whose
    arguments this cannot read, or whose resolver would refuse them, is left to it."""
    assert isinstance(issue_type, GraphQLObjectType)
    periods: list[Period] = []
    tag_queries: list[TagQuery] = []
    history = 0
    for field in selected:
        name = field.name.value
        args = (
            _arguments(issue_type, field, variables)
            if name in ("frequency", "tags", "history")
            else None
        )
        if args is None:
            continue
        if name == "frequency":
            periods.append(args["period"].value)
        elif name == "tags":
            keys, top = args["keys"], args["top"]
            if _valid(aggregates.check_tag_query, keys, top):
                tag_queries.append((None if keys is None else tuple(keys), top))
        elif _valid(page_request, args["first"], None):
            history = max(history, args["first"])
    values = any(field.name.value in ("environments", "releases") for field in selected)
    return DetailQuery(periods, tag_queries, values, history)


def _arguments(
    issue_type: GraphQLObjectType, field: FieldNode, variables: Any
) -> dict[str, Any] | None:
    """The field's arguments as its resolver gets them, or None if they cannot be read here
    (the resolver then reports them)."""
    definition = issue_type.fields.get(field.name.value)
    if definition is None:
        return None
    try:
        # (strawberry's info holds the coerced values alone: what operation variables need)
        if not isinstance(variables, VariableValues):
            variables = VariableValues({}, variables)
        return get_argument_values(definition, field, variables)
    except GraphQLError:
        return None


def _valid(check: Callable[..., object], *args: Any) -> bool:
    try:
        check(*args)
    except FaultlineError:  # the field's resolver reports it
        return False
    return True
