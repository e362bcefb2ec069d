"""The four measured GraphQL operations, and the issue-detail query fitted to the schema.

Issue #7 asks for the detail query with `frequency` and `tags`; a schema without them (they
land separately) gets the same query without those fields, and the report says which fields
were measured (`detail_fields`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Issue #7's search: state, level and environment filters plus free text.
SEARCH = "is:open level:error environment:production payments"

ISSUE_LIST = """
query IssueList($projectId: ID!) {
  issues(projectId: $projectId, first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id shortId title culprit level state eventCount firstSeen lastSeen
      project { id name slug }
      latestEvent { id timestamp environment release message }
    } }
  }
}
"""

ISSUE_SEARCH = """
query IssueSearch($projectId: ID!, $search: String!) {
  issues(projectId: $projectId, first: 50, search: $search) {
    totalCount
    edges { node { id shortId title culprit level state eventCount lastSeen } }
  }
}
"""

SINGLE_EVENT = """
query SingleEvent($id: ID!) {
  event(id: $id) {
    id timestamp receivedAt environment release level platform message
    user { id email username ipAddress }
    tags { key value }
    exceptions { type value module stacktrace { frames {
      filename absPath function module lineno colno contextLine preContext postContext inApp vars
    } } }
    breadcrumbs { timestamp category message level type data }
    contexts request sdk
    issue { id shortId }
  }
}
"""

_STACKTRACE = (
    "exceptions { type value module stacktrace { frames { "
    "filename function module lineno contextLine preContext postContext inApp vars } } }"
)
# Detail fields in the order the query lists them: (field, selection).
DETAIL_FIELDS: tuple[tuple[str, str], ...] = (
    ("frequency", "frequency(period: DAY) { start count }"),
    ("tags", "tags { key total topValues { value count } }"),
    ("environments", "environments"),
    ("releases", "releases"),
    ("history", "history { from to cause at }"),
    ("latestEvent", f"latestEvent {{ id timestamp environment release message {_STACKTRACE} }}"),
)
# What issue #7 asks of the detail query.
WANTED_DETAIL = ("frequency", "tags", "latestEvent")


@dataclass(frozen=True, slots=True)
class Operation:
    """One measured operation: its query, and the variables of request number `n`."""

    name: str
    query: str
    variables: tuple[dict[str, Any], ...]

    def variables_for(self, n: int) -> dict[str, Any]:
        return self.variables[n % len(self.variables)]


def detail_query(available: Iterable[str]) -> tuple[str, list[str]]:
    """The issue-detail query with the wanted fields the schema's `Issue` has, and their names."""
    present = set(available)
    fields = [(name, selection) for name, selection in DETAIL_FIELDS if name in present]
    body = "\n    ".join(selection for _, selection in fields)
    query = (
        "query IssueDetail($id: ID!) {\n  issue(id: $id) {\n"
        f"    id shortId title culprit level state eventCount firstSeen lastSeen\n    {body}\n"
        "  }\n}\n"
    )
    return query, [name for name, _ in fields]


def operations(
    project_id: str,
    issue_ids: Sequence[str],
    event_ids: Sequence[str],
    issue_fields: Iterable[str],
) -> tuple[list[Operation], list[str]]:
    """The four operations, in report order, and the detail fields measured."""
    if not issue_ids or not event_ids:
        raise ValueError("need at least one issue id and one event id")
    detail, measured = detail_query(issue_fields)
    project = ({"projectId": project_id},)
    return [
        Operation("issue list (first 50, project, latest event)", ISSUE_LIST, project),
        Operation(
            f"search `{SEARCH}`",
            ISSUE_SEARCH,
            ({"projectId": project_id, "search": SEARCH},),
        ),
        Operation("issue detail", detail, tuple({"id": i} for i in issue_ids)),
        Operation("single event", SINGLE_EVENT, tuple({"id": e} for e in event_ids)),
    ], measured


ISSUE_FIELDS_QUERY = '{ __type(name: "Issue") { fields { name } } }'
SUBSCRIPTION_FIELDS_QUERY = "{ __schema { subscriptionType { fields { name } } } }"


def type_fields(data: dict[str, Any] | None) -> list[str]:
    """Field names from the answer to ISSUE_FIELDS_QUERY (empty when the type is missing)."""
    found = (data or {}).get("__type") or {}
    return [field["name"] for field in found.get("fields") or []]


def subscription_fields(data: dict[str, Any] | None) -> list[str]:
    """Field names from the answer to SUBSCRIPTION_FIELDS_QUERY (empty without subscriptions)."""
    found = ((data or {}).get("__schema") or {}).get("subscriptionType") or {}
    return [field["name"] for field in found.get("fields") or []]
