"""One issue with what its selection asks for read ahead (the detail page: `Query.issue`).

The aggregates selected (`frequency` and `tags` with each of their arguments, `environments`,
`releases`) are read in one statement, and the latest event in one more (its payload only
when a payload field is selected), instead of a DataLoader, a coroutine and a statement per
field. The fields then answer from what their issue holds; a field this did not read (an
argument it could not read, a selection it could not follow) resolves as before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLObjectType, get_argument_values
from graphql.execution.values import VariableValues
from strawberry.types import Info

from app.errors import FaultlineError
from app.events import service as events
from app.issues import aggregates
from app.issues.aggregates import Period, TagQuery
from models import Issue
from schema.context import Context
from schema.selection import UnknownFragment, fields_of
from schema.types.issue import IssueType


async def issue_detail(issue: Issue, info: Info[Context, None]) -> IssueType:
    """The issue as `IssueType.of` makes it, holding what its selection asks for."""
    node = IssueType.of(issue)
    raw = info._raw_info
    try:
        selected = list(fields_of(raw.field_nodes, raw.fragments))
    except UnknownFragment:  # (validation refuses those): each field reads its own
        return node
    issue_type = raw.schema.get_type("Issue")
    assert isinstance(issue_type, GraphQLObjectType)
    periods: list[Period] = []
    tag_queries: list[TagQuery] = []
    names = set()
    for field in selected:
        name = field.name.value
        names.add(name)
        args = _arguments(issue_type, field, raw.variable_values)
        if args is None:
            continue
        if name == "frequency":
            periods.append(args["period"].value)
        elif name == "tags":
            query = _tag_query(args)
            if query is not None:
                tag_queries.append(query)
    values = bool(names & {"environments", "releases"})
    if periods or tag_queries or values:
        now = datetime.fromtimestamp(info.context.clock(), UTC)
        node.aggregates = await aggregates.issue_aggregates(
            issue.id, periods, tag_queries, values, now
        )
        if values:
            node.held_environments = (node.aggregates.environments or [],)
            node.held_releases = (node.aggregates.releases or [],)
    latest = [field for field in selected if field.name.value == "latestEvent"]
    if latest:
        from schema.types.event import EventType, payload_needed  # it imports issue.py

        wanted = payload_needed(latest, raw.fragments)
        event = (await events.latest_events([issue.id], payload=wanted)).get(issue.id)
        node.latest = (EventType.of(event) if event else None,)
    return node


def _arguments(
    issue_type: GraphQLObjectType, field: FieldNode, variables: dict[str, Any]
) -> dict[str, Any] | None:
    """The field's arguments as its resolver gets them, or None if they cannot be read here
    (the resolver then reports them)."""
    definition = issue_type.fields.get(field.name.value)
    if definition is None:
        return None
    try:
        # (strawberry's info holds the coerced values alone: what operation variables need)
        return get_argument_values(definition, field, VariableValues({}, variables))
    except GraphQLError:
        return None


def _tag_query(args: dict[str, Any]) -> TagQuery | None:
    keys, top = args["keys"], args["top"]
    try:
        aggregates.check_tag_query(keys, top)
    except FaultlineError:  # the field's resolver reports it
        return None
    return (None if keys is None else tuple(keys), top)
