"""Issues, their history and the issue list (a keyset connection)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypedDict, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from app.events import service as events
from app.issues import service as issues
from app.issues.aggregates import DEFAULT_TOP, Period, TagQuery, check_tag_query
from app.issues.detail import HistoryRow, IssueDetail
from app.issues.service import ListedIssue
from app.pagination import Page, PageRequest
from app.projects.naming import short_id
from app.search.filter import SearchFilter
from app.search.parse import parse_search
from models import Issue, IssueHistory, IssueState, Project
from schema.context import Context
from schema.errors import renamed_fields
from schema.execution import read_ahead
from schema.selection import UnknownFragment, along
from schema.types.aggregates import BucketType, FrequencyPeriodEnum, TagSummaryType
from schema.types.common import (
    BigInt,
    IssueSortEnum,
    IssueStateEnum,
    PageInfo,
    SortDirection,
    page_request,
)
from schema.types.project import ProjectType

if TYPE_CHECKING:
    from schema.types.event import EventConnection, EventType

_EVENT_MODULE = "schema.types.event"


class IssueFilters(TypedDict):
    state: IssueState | None
    level: str | None
    environment: str | None
    release: str | None
    search: SearchFilter | None


@dataclass(frozen=True, slots=True)
class IssueListArgs:
    """The arguments of `Query.issues` and `Project.issues`, as given."""

    state: IssueStateEnum | None
    first: int
    after: str | None
    sort: IssueSortEnum
    direction: SortDirection
    search: str | None
    level: str | None
    environment: str | None
    release: str | None

    def filters(self) -> IssueFilters:
        return {
            "state": self.state.value if self.state else None,
            "level": self.level,
            "environment": self.environment,
            "release": self.release,
            "search": None if self.search is None else parse_search(self.search),
        }


@strawberry.type(name="IssueHistoryEntry")
class HistoryEntry:
    from_: str = strawberry.field(name="from")
    to: str
    cause: str
    actor: str | None = strawberry.field(
        description="Who asked for the change: a person's email or the API or Rollbar access "
        "token used; null for regressions (and changes recorded before actors were)."
    )
    at: datetime

    @classmethod
    def of(cls, row: IssueHistory | HistoryRow) -> HistoryEntry:
        return cls(
            from_=row.from_state, to=row.to_state, cause=row.cause, actor=row.actor, at=row.at
        )


@strawberry.type(name="Issue")
class IssueType:
    """Scalars and the project are plain fields, filled once from the model (a resolver per
    field costs strawberry several times more than reading an attribute); lists, aggregates
    and the latest event are resolvers, run only when asked for."""

    id: strawberry.ID
    short_id: str = strawberry.field(
        description="The project slug in capitals and the issue's number."
    )
    type: str
    message: str
    title: str
    culprit: str
    level: str
    platform: str
    state: IssueStateEnum
    resolved_in_version: str | None = strawberry.field(
        description="The version a resolution named (Rollbar's resolved_in_version): "
        "events of older versions do not reopen the issue. Null unless resolved with one."
    )
    event_count: BigInt
    first_seen: datetime
    last_seen: datetime
    project: ProjectType
    # The model, or the row a list read (no model: cheaper; same columns but the grouping).
    model: strawberry.Private[Issue | ListedIssue]
    # Read by a list, which leaves out the grouping explanation.
    listed: strawberry.Private[bool] = False
    # The latest event, when the list read it ahead for its page: (event or None,).
    latest: strawberry.Private[tuple[EventType | None] | None] = None
    # What its detail read ahead (schema/types/issue_detail.py), and of it the environments
    # and releases as (list,): the fields answer from these when they are there.
    detail: strawberry.Private[IssueDetail | None] = None
    held_environments: strawberry.Private[tuple[list[str]] | None] = None
    held_releases: strawberry.Private[tuple[list[str]] | None] = None

    @classmethod
    def of(
        cls,
        issue: Issue | ListedIssue,
        project: ProjectType | None = None,
        *,
        listed: bool = False,
    ) -> IssueType:
        """`project`: the issue's, shared by the issues of a page; otherwise the issue must
        be a model read with its project (select_related). `listed`: read by a list."""
        if project is not None:
            owner = project
        else:
            assert isinstance(issue, Issue), "a listed issue comes with its project"
            owner = ProjectType.of(issue.project)
        return cls(
            id=strawberry.ID(str(issue.id)),
            short_id=short_id(owner.slug, issue.counter),
            type=issue.type,
            message=issue.message,
            title=issue.title,
            culprit=issue.culprit,
            level=issue.level,
            platform=issue.platform,
            state=IssueStateEnum(issue.state),
            resolved_in_version=issue.resolved_in_version,
            event_count=BigInt(issue.event_count),
            first_seen=issue.first_seen,
            last_seen=issue.last_seen,
            project=owner,
            model=issue,
            listed=listed,
        )

    @strawberry.field(description="How the events were grouped: version, hash and inputs.")
    async def grouping(self, info: Info[Context, None]) -> JSON:
        if self.listed:  # (an issue deleted since has none)
            stored = await info.context.loaders.grouping.load(self.model.id)
            return JSON(issues.grouping_explanation(self.model, stored or {}))
        return JSON(issues.grouping_explanation(self.model))

    @strawberry.field(description="State changes, oldest first.")
    def history(self, first: int = 100) -> list[HistoryEntry]:
        request = page_request(first, None)
        held = self.detail
        if held is not None and held.history is not None and first <= held.history_first:
            return [HistoryEntry.of(row) for row in held.history[:first]]
        return cast("list[HistoryEntry]", self._load_history(request))

    async def _load_history(self, request: PageRequest) -> list[HistoryEntry]:
        page = await issues.list_history(self.model, request)
        return [HistoryEntry.of(row) for row in page.items]

    @strawberry.field(description="The issue's events, newest first.")
    async def events(
        self, first: int = 50, after: str | None = None
    ) -> Annotated[EventConnection, strawberry.lazy(_EVENT_MODULE)]:
        from schema.types.event import EventConnection  # it imports this module

        request = page_request(first, after)
        with renamed_fields(cursor="after"):
            page = await events.list_events(self.model, request)
        return EventConnection.of(page, self.model.id)

    @strawberry.field(metadata=read_ahead("latest"))
    def latest_event(
        self, info: Info[Context, None]
    ) -> Annotated[EventType, strawberry.lazy(_EVENT_MODULE)] | None:
        if self.latest is not None:  # read ahead by the list: no awaiting per issue
            return self.latest[0]
        # graphql-core awaits what a resolver returns when it is awaitable.
        return cast("EventType | None", self._load_latest_event(info))

    async def _load_latest_event(self, info: Info[Context, None]) -> EventType | None:
        from schema.types.event import EventType, needs_payload

        loaders = info.context.loaders
        # What lists show is the columns and the message: no ~13 KB payload read for them.
        loader = loaders.latest_event if needs_payload(info) else loaders.latest_event_columns
        event = await loader.load(self.model.id)
        return EventType.of(event) if event else None

    @strawberry.field(description="Events per hour (DAY) or per UTC day (MONTH), oldest first.")
    def frequency(
        self, info: Info[Context, None], period: FrequencyPeriodEnum = FrequencyPeriodEnum.DAY
    ) -> list[BucketType]:
        held = self.detail.frequency.get(period.value) if self.detail else None
        if held is not None:
            return [BucketType.of(b) for b in held]
        return cast("list[BucketType]", self._load_frequency(info, period.value))

    async def _load_frequency(self, info: Info[Context, None], period: Period) -> list[BucketType]:
        buckets = await info.context.loaders.frequency.load((self.model.id, period))
        return [BucketType.of(b) for b in buckets]

    @strawberry.field(
        description="The environments of its events, most events first.",
        metadata=read_ahead("held_environments"),
    )
    def environments(self, info: Info[Context, None]) -> list[str]:
        if self.held_environments is not None:
            return self.held_environments[0]
        return cast("list[str]", info.context.loaders.environments.load(self.model.id))

    @strawberry.field(
        description="The releases of its events, most events first.",
        metadata=read_ahead("held_releases"),
    )
    def releases(self, info: Info[Context, None]) -> list[str]:
        if self.held_releases is not None:
            return self.held_releases[0]
        return cast("list[str]", info.context.loaders.releases.load(self.model.id))

    @strawberry.field(description="Tag keys by name (all, or those of `keys`) with top values.")
    def tags(
        self, info: Info[Context, None], keys: list[str] | None = None, top: int = DEFAULT_TOP
    ) -> list[TagSummaryType]:
        with renamed_fields(key="keys"):
            check_tag_query(keys, top)
        query = (None if keys is None else tuple(keys), top)
        held = self.detail.tags.get(query) if self.detail else None
        if held is not None:
            return [TagSummaryType.of(t) for t in held]
        return cast("list[TagSummaryType]", self._load_tags(info, query))

    async def _load_tags(self, info: Info[Context, None], query: TagQuery) -> list[TagSummaryType]:
        return [
            TagSummaryType.of(t)
            for t in await info.context.loaders.tags.load((self.model.id, query))
        ]


@strawberry.type
class IssueEdge:
    cursor: str
    node: IssueType


@strawberry.type
class IssueConnection:
    edges: list[IssueEdge]
    page_info: PageInfo
    where: strawberry.Private[IssueListArgs]
    project: strawberry.Private[Project]
    # The count, when read with the page: (count,).
    total: strawberry.Private[tuple[int] | None] = None

    @strawberry.field(
        description="Issues matching the filters, on every page.", metadata=read_ahead("total")
    )
    async def total_count(self) -> int:
        if self.total is not None:
            return self.total[0]
        return await issues.count_issues(self.project, **self.where.filters())

    @classmethod
    def of(
        cls,
        page: Page[ListedIssue],
        project: Project,
        where: IssueListArgs,
        latest: Mapping[int, dict[str, Any]] | None = None,
        *,
        cursors: bool = True,
    ) -> IssueConnection:
        """`latest`: the issues' latest events (rows), when read ahead for the page; without
        `cursors` (the query selects no edge's cursor) none is encoded, and none is read."""
        from schema.types.event import EventType  # it imports this module

        owner = ProjectType.of(project)
        edges = []
        for issue in page.items:
            node = IssueType.of(issue, owner, listed=True)
            if latest is not None:
                row = latest.get(issue.id)
                node.latest = (EventType.of_row(row) if row else None,)
            edges.append(IssueEdge(cursor=page.cursor_of(issue) if cursors else "", node=node))
        info = PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor)
        total = None if page.total is None else (page.total,)
        return cls(edges=edges, page_info=info, where=where, project=project, total=total)


def latest_events_wanted(info: Info[Context, None]) -> bool | None:
    """Whether a page's `edges.node.latestEvent` is selected: None if not, else whether its
    payload is needed too."""
    from schema.types.event import payload_needed

    raw = info._raw_info
    try:
        nodes = along(raw.field_nodes, raw.fragments, "edges", "node", "latestEvent")
    except UnknownFragment:  # (validation refuses those): each issue loads its own
        return None
    return payload_needed(nodes, raw.fragments) if nodes else None


def cursors_wanted(info: Info[Context, None]) -> bool:
    """Whether the edges' `cursor` is selected (a page of 50 encodes 50 otherwise)."""
    raw = info._raw_info
    try:
        return bool(along(raw.field_nodes, raw.fragments, "edges", "cursor"))
    except UnknownFragment:  # (validation refuses those): encoded, as ever
        return True


def total_count_wanted(info: Info[Context, None]) -> bool:
    raw = info._raw_info
    try:
        return bool(along(raw.field_nodes, raw.fragments, "totalCount"))
    except UnknownFragment:  # (validation refuses those): counted apart if asked
        return False


async def issue_connection(
    project: Project, args: IssueListArgs, info: Info[Context, None]
) -> IssueConnection:
    """The page; its issues' latest events read with it when the query selects them (one
    query, as the loader would make, but no awaiting per issue), and its totalCount (in the
    page's query, where it can be)."""
    request = page_request(args.first, args.after)
    # The cursor's values are checked against the sort keys only when the page is read.
    with renamed_fields(cursor="after"):
        page = await issues.list_issue_rows(
            project,
            request,
            sort=args.sort.value,
            descending=args.direction is SortDirection.DESC,
            counted=total_count_wanted(info),
            **args.filters(),
        )
    wanted = latest_events_wanted(info)
    latest = None
    if wanted is not None:
        latest = await events.latest_event_rows([i.id for i in page.items], payload=wanted)
    return IssueConnection.of(page, project, args, latest, cursors=cursors_wanted(info))
