"""Projects: the owners of a DSN, issues and events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from app.issues.aggregates import MAX_PROJECT_VALUES
from app.projects.naming import dashed_key, dsn
from models import Project
from schema.context import Context
from schema.types.aggregates import BucketType, FrequencyPeriodEnum
from schema.types.common import IssueSortEnum, IssueStateEnum, SortDirection

if TYPE_CHECKING:
    from schema.types.issue import IssueConnection


@strawberry.type(name="Project")
class ProjectType:
    model: strawberry.Private[Project]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.model.id))

    @strawberry.field
    def name(self) -> str:
        return self.model.name

    @strawberry.field
    def slug(self) -> str:
        return self.model.slug

    @strawberry.field(description="The Sentry public key, as a dashed UUID.")
    def sentry_key(self) -> str:
        return dashed_key(self.model.sentry_key)

    @strawberry.field(description="The DSN to configure a Sentry SDK with.")
    def dsn(self, info: Info[Context, None]) -> str:
        return dsn(info.context.settings.base_url, self.model.sentry_key, self.model.id)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="Events accepted per minute; null means the server default.")
    def rate_limit_per_minute(self) -> int | None:
        return self.model.rate_limit_per_minute

    @strawberry.field(
        description="Events of all its issues per hour (DAY) or per UTC day (MONTH), oldest first."
    )
    async def frequency(
        self, info: Info[Context, None], period: FrequencyPeriodEnum = FrequencyPeriodEnum.DAY
    ) -> list[BucketType]:
        loader = info.context.loaders.project_frequency
        return [BucketType.of(b) for b in await loader.load((self.model.id, period.value))]

    @strawberry.field(
        description="The environments of its events, most events first (at most "
        f"{MAX_PROJECT_VALUES})."
    )
    async def environments(self, info: Info[Context, None]) -> list[str]:
        return await info.context.loaders.project_environments.load(self.model.id)

    @strawberry.field(
        description=f"The releases of its events, most events first (at most {MAX_PROJECT_VALUES})."
    )
    async def releases(self, info: Info[Context, None]) -> list[str]:
        return await info.context.loaders.project_releases.load(self.model.id)

    @strawberry.field
    async def issues(
        self,
        state: IssueStateEnum | None = None,
        first: int = 50,
        after: str | None = None,
        sort: IssueSortEnum = IssueSortEnum.LAST_SEEN,
        direction: SortDirection = SortDirection.DESC,
        search: str | None = None,
        level: str | None = None,
        environment: str | None = None,
        release: str | None = None,
    ) -> Annotated[IssueConnection, strawberry.lazy("schema.types.issue")]:
        # Imported here: the issue module imports this one (an issue has a project).
        from schema.types.issue import IssueListArgs, issue_connection

        args = IssueListArgs(
            state, first, after, sort, direction, search, level, environment, release
        )
        return await issue_connection(self.model, args)
