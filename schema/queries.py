"""Query: thin adapters, each parsing its arguments and calling one service function."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.auth import tokens
from app.events import service as events
from app.issues import service as issues
from app.projects import service as projects
from models import Issue, Project
from schema.context import Context, UserPrincipal
from schema.permissions import AUTHENTICATED
from schema.types.common import IssueSortEnum, IssueStateEnum, SortDirection, model_id
from schema.types.event import EventType
from schema.types.issue import IssueConnection, IssueListArgs, IssueType, issue_connection
from schema.types.issue_detail import issue_detail
from schema.types.project import ProjectType
from schema.types.token import TokenType
from schema.types.viewer import ViewerType


@strawberry.type
class Query:
    @strawberry.field(permission_classes=AUTHENTICATED)
    async def projects(self) -> list[ProjectType]:
        return [ProjectType.of(p) for p in await projects.all_projects()]

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def project(self, id: strawberry.ID) -> ProjectType | None:
        return ProjectType.of(await projects.get_project(model_id(id, Project, "id", "project")))

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def issues(
        self,
        info: Info[Context, None],
        project_id: strawberry.ID,
        state: IssueStateEnum | None = None,
        first: int = 50,
        after: str | None = None,
        sort: IssueSortEnum = IssueSortEnum.LAST_SEEN,
        direction: SortDirection = SortDirection.DESC,
        search: str | None = None,
        level: str | None = None,
        environment: str | None = None,
        release: str | None = None,
    ) -> IssueConnection:
        project = await projects.get_project(model_id(project_id, Project, "projectId", "project"))
        args = IssueListArgs(
            state, first, after, sort, direction, search, level, environment, release
        )
        return await issue_connection(project, args, info)

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def issue(self, info: Info[Context, None], id: strawberry.ID) -> IssueType | None:
        return await issue_detail(model_id(id, Issue, "id", "issue"), info)

    @strawberry.field(
        permission_classes=AUTHENTICATED, description="`MY-APP-7`: an issue by its short id."
    )
    async def issue_by_short_id(self, short_id: str) -> IssueType | None:
        return IssueType.of(await issues.get_issue_by_short_id(short_id))

    @strawberry.field(permission_classes=AUTHENTICATED, description="The issue of an event id.")
    async def issue_by_event_id(self, event_id: strawberry.ID) -> IssueType | None:
        return IssueType.of(await events.get_issue_by_event_id(str(event_id)))

    @strawberry.field(permission_classes=AUTHENTICATED, description="An event by its SDK id.")
    async def event(self, id: strawberry.ID) -> EventType | None:
        return EventType.of(await events.get_event(str(id)))

    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="The person signed in by the session cookie; null for an API token, "
        "which belongs to no one.",
    )
    async def viewer(self, info: Info[Context, None]) -> ViewerType | None:
        principal = info.context.principal
        if not isinstance(principal, UserPrincipal):
            return None
        user = await info.context.loaders.user.load(principal.user_id)
        return None if user is None else ViewerType.of(user)

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def tokens(self) -> list[TokenType]:
        return [TokenType.of(t) for t in await tokens.all_tokens()]
