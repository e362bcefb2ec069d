"""Projects: the owners of a DSN, issues and events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from app.auth import access_tokens
from app.deploys import service as deploys
from app.errors import InvalidField
from app.issues.aggregates import MAX_PROJECT_VALUES
from app.pagination import MAX_LIMIT, PageRequest
from app.projects.naming import dashed_key, dsn
from app.retention.storage import EMPTY, Storage
from models import Project
from schema.context import Context
from schema.types import alerts
from schema.types.aggregates import BucketType, FrequencyPeriodEnum
from schema.types.common import BigInt, IssueSortEnum, IssueStateEnum, SortDirection
from schema.types.rollbar import AccessTokenType, DeployType

if TYPE_CHECKING:
    from schema.types.issue import IssueConnection


@strawberry.type(name="ProjectStorage")
class StorageType:
    events: BigInt = strawberry.field(description="Events kept.")
    bytes: BigInt = strawberry.field(
        description="Bytes of their payloads (the stored JSON text; not the other columns or "
        "the indexes)."
    )
    oldest_event: datetime | None = strawberry.field(
        description="The oldest kept event's own timestamp; null when none is kept."
    )

    @classmethod
    def of(cls, kept: Storage) -> StorageType:
        return cls(
            events=BigInt(kept.events), bytes=BigInt(kept.bytes), oldest_event=kept.oldest_event
        )


def _dsn(root: ProjectType, info: Info[Context, None]) -> str:
    return dsn(info.context.settings.base_url, root.model.sentry_key, root.model.id)


@strawberry.type(name="Project")
class ProjectType:
    """Scalars are plain fields, filled once from the model: a resolver per field costs
    strawberry several times more than reading an attribute."""

    id: strawberry.ID
    name: str
    slug: str
    sentry_key: str = strawberry.field(description="The Sentry public key, as a dashed UUID.")
    model: strawberry.Private[Project]

    dsn: str = strawberry.field(
        resolver=_dsn, description="The DSN to configure a Sentry SDK with."
    )
    created_at: datetime
    rate_limit_per_minute: int | None = strawberry.field(
        description="Events accepted per minute; null means the server default."
    )
    retention_days: int | None = strawberry.field(
        description="Days events are kept; null means the server default."
    )
    max_events: int | None = strawberry.field(
        description="At most this many events are kept, the oldest evicted first; null: no cap."
    )

    @classmethod
    def of(cls, project: Project) -> ProjectType:
        return cls(
            id=strawberry.ID(str(project.id)),
            name=project.name,
            slug=project.slug,
            sentry_key=dashed_key(project.sentry_key),
            model=project,
            created_at=project.created_at,
            rate_limit_per_minute=project.rate_limit_per_minute,
            retention_days=project.retention_days,
            max_events=project.max_events,
        )

    @strawberry.field(description="What retention keeps of it now.")
    async def storage(self, info: Info[Context, None]) -> StorageType:
        kept = await info.context.loaders.project_storage.load(self.model.id)
        return StorageType.of(kept or EMPTY)

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
        info: Info[Context, None],
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
        return await issue_connection(self.model, args, info)

    @strawberry.field(description="Rollbar access tokens not revoked, oldest first.")
    async def access_tokens(self) -> list[AccessTokenType]:
        return [AccessTokenType.of(t) for t in await access_tokens.list_tokens(self.model.id)]

    @strawberry.field(description=f"The newest deploys first (at most {MAX_LIMIT}).")
    async def deploys(self, first: int = 20) -> list[DeployType]:
        if not 1 <= first <= MAX_LIMIT:
            raise InvalidField("first", f"must be an integer from 1 to {MAX_LIMIT}")
        page = await deploys.list_deploys(self.model.id, PageRequest(limit=first))
        return [DeployType.of(deploy) for deploy in page.items]

    @strawberry.field(description="Where its alerts go, oldest first (at most 100).")
    async def channels(self, info: Info[Context, None]) -> list[alerts.AlertChannelType]:
        return await alerts.project_channels(info, self.model.id)

    @strawberry.field(description="When it alerts, oldest first (at most 100).")
    async def alert_rules(self, info: Info[Context, None]) -> list[alerts.AlertRuleType]:
        return await alerts.project_rules(info, self.model.id)

    @strawberry.field(description="Notifications sent, pending or given up on, newest first.")
    async def deliveries(
        self,
        first: int = 50,
        after: str | None = None,
        status: alerts.DeliveryStatusEnum | None = None,
        rule_id: strawberry.ID | None = None,
    ) -> alerts.AlertDeliveryConnection:
        return await alerts.project_deliveries(self.model.id, first, after, status, rule_id)
