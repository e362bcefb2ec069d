"""Issues, their history and the issue list (a keyset connection)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypedDict

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from app.errors import NotFound
from app.events import service as events
from app.issues import service as issues
from app.issues.aggregates import DEFAULT_TOP, check_tag_query
from app.pagination import Page
from app.projects.naming import short_id
from app.search.filter import SearchFilter
from app.search.parse import parse_search
from models import Issue, IssueHistory, IssueState, Project
from schema.context import Context
from schema.errors import renamed_fields
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
    at: datetime

    @classmethod
    def of(cls, row: IssueHistory) -> HistoryEntry:
        return cls(from_=row.from_state, to=row.to_state, cause=row.cause, at=row.at)


@strawberry.type(name="Issue")
class IssueType:
    model: strawberry.Private[Issue]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.model.id))

    @strawberry.field(description="The project slug in capitals and the issue's number.")
    async def short_id(self, info: Info[Context, None]) -> str:
        return short_id((await self._project(info)).slug, self.model.counter)

    @strawberry.field
    def type(self) -> str:
        return self.model.type

    @strawberry.field
    def message(self) -> str:
        return self.model.message

    @strawberry.field
    def title(self) -> str:
        return self.model.title

    @strawberry.field
    def culprit(self) -> str:
        return self.model.culprit

    @strawberry.field
    def level(self) -> str:
        return self.model.level

    @strawberry.field
    def platform(self) -> str:
        return self.model.platform

    @strawberry.field
    def state(self) -> IssueStateEnum:
        return IssueStateEnum(self.model.state)

    @strawberry.field
    def event_count(self) -> BigInt:
        return BigInt(self.model.event_count)

    @strawberry.field
    def first_seen(self) -> datetime:
        return self.model.first_seen

    @strawberry.field
    def last_seen(self) -> datetime:
        return self.model.last_seen

    @strawberry.field
    async def project(self, info: Info[Context, None]) -> ProjectType:
        return ProjectType(model=await self._project(info))

    @strawberry.field(description="How the events were grouped: version, hash and inputs.")
    def grouping(self) -> JSON:
        return JSON(issues.grouping_explanation(self.model))

    @strawberry.field(description="State changes, oldest first.")
    async def history(self, first: int = 100) -> list[HistoryEntry]:
        page = await issues.list_history(self.model.id, page_request(first, None))
        return [HistoryEntry.of(row) for row in page.items]

    @strawberry.field(description="The issue's events, newest first.")
    async def events(
        self, first: int = 50, after: str | None = None
    ) -> Annotated[EventConnection, strawberry.lazy(_EVENT_MODULE)]:
        from schema.types.event import EventConnection  # it imports this module

        request = page_request(first, after)
        with renamed_fields(cursor="after"):
            page = await events.list_events(self.model.id, request)
        return EventConnection.of(page, self.model.id)

    @strawberry.field
    async def latest_event(
        self, info: Info[Context, None]
    ) -> Annotated[EventType, strawberry.lazy(_EVENT_MODULE)] | None:
        from schema.types.event import EventType

        event = await info.context.loaders.latest_event.load(self.model.id)
        return EventType(model=event) if event else None

    @strawberry.field(description="Events per hour (DAY) or per UTC day (MONTH), oldest first.")
    async def frequency(
        self, info: Info[Context, None], period: FrequencyPeriodEnum = FrequencyPeriodEnum.DAY
    ) -> list[BucketType]:
        buckets = await info.context.loaders.frequency.load((self.model.id, period.value))
        return [BucketType.of(b) for b in buckets]

    @strawberry.field(description="The environments of its events, most events first.")
    async def environments(self, info: Info[Context, None]) -> list[str]:
        return await info.context.loaders.environments.load(self.model.id)

    @strawberry.field(description="The releases of its events, most events first.")
    async def releases(self, info: Info[Context, None]) -> list[str]:
        return await info.context.loaders.releases.load(self.model.id)

    @strawberry.field(description="Tag keys by name (all, or those of `keys`) with top values.")
    async def tags(
        self, info: Info[Context, None], keys: list[str] | None = None, top: int = DEFAULT_TOP
    ) -> list[TagSummaryType]:
        with renamed_fields(key="keys"):
            check_tag_query(keys, top)
        query = (None if keys is None else tuple(keys), top)
        return [
            TagSummaryType.of(t)
            for t in await info.context.loaders.tags.load((self.model.id, query))
        ]

    async def _project(self, info: Info[Context, None]) -> Project:
        project = await info.context.loaders.project.load(self.model.project_id)
        if project is None:  # deleted while this operation ran
            raise NotFound(f"project {self.model.project_id} not found")
        return project


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

    @strawberry.field(description="Issues matching the filters, on every page.")
    async def total_count(self) -> int:
        return await issues.count_issues(self.project, **self.where.filters())

    @classmethod
    def of(cls, page: Page[Issue], project: Project, where: IssueListArgs) -> IssueConnection:
        edges = [IssueEdge(cursor=page.cursor_of(i), node=IssueType(model=i)) for i in page.items]
        info = PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor)
        return cls(edges=edges, page_info=info, where=where, project=project)


async def issue_connection(project: Project, args: IssueListArgs) -> IssueConnection:
    request = page_request(args.first, args.after)
    # The cursor's values are checked against the sort keys only when the page is read.
    with renamed_fields(cursor="after"):
        page = await issues.list_issues(
            project,
            request,
            sort=args.sort.value,
            descending=args.direction is SortDirection.DESC,
            **args.filters(),
        )
    return IssueConnection.of(page, project, args)
