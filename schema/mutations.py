"""Mutation: each returns the state it wrote, read after its transaction committed."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.auth import access_tokens, tokens
from app.issues import service as issues
from app.issues.inputs import MAX_BULK_IDS
from app.projects import service as projects
from models import ApiToken, Issue, Project, ProjectAccessToken
from schema.alert_mutations import AlertMutations
from schema.context import Context
from schema.errors import renamed_fields
from schema.permissions import AUTHENTICATED, actor
from schema.types.common import IssueStateEnum, model_id
from schema.types.issue import IssueType
from schema.types.project import ProjectType
from schema.types.rollbar import AccessTokenScopeEnum, AccessTokenType
from schema.types.token import CreatedToken


@strawberry.type
class Mutation(AlertMutations):
    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def create_project(self, name: str) -> ProjectType:
        return ProjectType.of(await projects.create_project(name))

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def update_project(self, id: strawberry.ID, name: str) -> ProjectType:
        project_id = model_id(id, Project, "id", "project")
        return ProjectType.of(await projects.update_project(project_id, {"name": name}))

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Events accepted per minute; null returns to the server default.",
    )
    async def set_project_rate_limit(
        self, id: strawberry.ID, per_minute: int | None
    ) -> ProjectType:
        project_id = model_id(id, Project, "id", "project")
        with renamed_fields(rate_limit_per_minute="perMinute"):
            changes = {"rate_limit_per_minute": per_minute}
            return ProjectType.of(await projects.update_project(project_id, changes))

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="How long and how many events are kept: `days` null returns to the server "
        "default (FAULTLINE_RETENTION_DAYS), `maxEvents` null means no cap. Sets both.",
    )
    async def set_project_retention(
        self, id: strawberry.ID, days: int | None, max_events: int | None
    ) -> ProjectType:
        project_id = model_id(id, Project, "id", "project")
        with renamed_fields(retention_days="days", max_events="maxEvents"):
            changes = {"retention_days": days, "max_events": max_events}
            return ProjectType.of(await projects.update_project(project_id, changes))

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Gone from every API and from ingestion at once; its issues and events "
        "are removed in the background.",
    )
    async def delete_project(self, id: strawberry.ID) -> bool:
        await projects.delete_project(model_id(id, Project, "id", "project"))
        return True

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def update_issue(
        self, info: Info[Context, None], id: strawberry.ID, state: IssueStateEnum
    ) -> IssueType:
        issue_id = model_id(id, Issue, "id", "issue")
        who = await actor(info.context)
        return IssueType.of(await issues.change_state(issue_id, state.value, actor=who))

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description=f"All or none: an unknown id changes nothing. At most {MAX_BULK_IDS:,} ids.",
    )
    async def bulk_update_issues(
        self, info: Info[Context, None], ids: list[strawberry.ID], state: IssueStateEnum
    ) -> list[IssueType]:
        issue_ids = [model_id(i, Issue, "ids", "issue") for i in ids]
        who = await actor(info.context)
        changed = await issues.bulk_set_state(issue_ids, state.value, actor=who)
        return [IssueType.of(i) for i in changed]

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def delete_issue(self, id: strawberry.ID) -> bool:
        await issues.delete_issue(model_id(id, Issue, "id", "issue"))
        return True

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def create_token(self, description: str | None = None) -> CreatedToken:
        return CreatedToken.of(await tokens.create_token(description))

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def delete_token(self, id: strawberry.ID) -> bool:
        await tokens.delete_token(model_id(id, ApiToken, "id", "token"))
        return True

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="A Rollbar project access token with any set of scopes.",
    )
    async def create_access_token(
        self, project_id: strawberry.ID, scopes: list[AccessTokenScopeEnum]
    ) -> AccessTokenType:
        project = await projects.get_project(model_id(project_id, Project, "projectId", "project"))
        values = [scope.value.value for scope in scopes]
        return AccessTokenType.of(await access_tokens.create_token(project.id, values))

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def revoke_access_token(self, project_id: strawberry.ID, id: strawberry.ID) -> bool:
        project = model_id(project_id, Project, "projectId", "project")
        await access_tokens.revoke_token(
            project, model_id(id, ProjectAccessToken, "id", "access token")
        )
        return True
