"""A project's Rollbar access tokens and deploys."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from app.auth.access_tokens import scopes_of, sorted_scopes
from models import Deploy, DeployStatus, ProjectAccessToken, TokenScope


@strawberry.enum(name="AccessTokenScope")
class AccessTokenScopeEnum(Enum):
    POST_SERVER_ITEM = TokenScope.POST_SERVER_ITEM
    POST_CLIENT_ITEM = TokenScope.POST_CLIENT_ITEM
    READ = TokenScope.READ
    WRITE = TokenScope.WRITE


@strawberry.enum(name="DeployStatus")
class DeployStatusEnum(Enum):
    STARTED = DeployStatus.STARTED
    SUCCEEDED = DeployStatus.SUCCEEDED
    FAILED = DeployStatus.FAILED
    TIMED_OUT = DeployStatus.TIMED_OUT


@strawberry.type(name="AccessToken", description="A Rollbar project access token.")
class AccessTokenType:
    id: strawberry.ID
    token: str
    scopes: list[AccessTokenScopeEnum]
    created_at: datetime

    @classmethod
    def of(cls, record: ProjectAccessToken) -> AccessTokenType:
        scopes = sorted_scopes(scopes_of(record.scopes))
        return cls(
            id=strawberry.ID(str(record.id)),
            token=record.token,
            scopes=[AccessTokenScopeEnum(TokenScope(s)) for s in scopes],
            created_at=record.created_at,
        )


@strawberry.type(name="Deploy")
class DeployType:
    id: strawberry.ID
    environment: str
    revision: str
    rollbar_username: str | None
    local_username: str | None
    comment: str | None
    status: DeployStatusEnum
    start_time: datetime
    finish_time: datetime | None

    @classmethod
    def of(cls, record: Deploy) -> DeployType:
        return cls(
            id=strawberry.ID(str(record.id)),
            environment=record.environment,
            revision=record.revision,
            rollbar_username=record.rollbar_username,
            local_username=record.local_username,
            comment=record.comment,
            status=DeployStatusEnum(DeployStatus(record.status)),
            start_time=record.start_time,
            finish_time=record.finish_time,
        )
