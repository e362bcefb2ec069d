"""Subscription: issue changes as they commit, for one project or for all of them.

Each subscription is one broker subscription (app.notifications), so its policy holds: changes
are never waited for by publishers, COUNTs are coalesced per issue per second, and a reader too
slow for its bounded queue loses the oldest changes (`IssueChange.lost` counts them). For every
message the loaders are fresh and the connection's token is looked up again: once it is deleted,
the subscription ends with UNAUTHENTICATED. The issue is read when the message is sent, so it
shows its state then; an issue deleted meanwhile is skipped (or null in `issueChanged`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from enum import Enum

import strawberry
from strawberry.types import Info

from app.notifications import ChangeKind, IssueChange
from app.projects import service as projects
from models import Issue, Project
from schema.context import Context
from schema.permissions import AUTHENTICATED, still_authenticated
from schema.types.common import BigInt, IssueStateEnum, model_id
from schema.types.issue import IssueType

_UPDATES = frozenset({ChangeKind.STATE, ChangeKind.REGRESSED})


@strawberry.enum(name="IssueChangeKind")
class IssueChangeKindEnum(Enum):
    CREATED = strawberry.enum_value(
        ChangeKind.CREATED, description="A new issue, with its first events committed."
    )
    REGRESSED = strawberry.enum_value(
        ChangeKind.REGRESSED, description="An event reopened a resolved issue."
    )
    STATE = strawberry.enum_value(ChangeKind.STATE, description="Someone changed the state.")
    COUNT = strawberry.enum_value(
        ChangeKind.COUNT,
        description="New events (at most one per issue per second; the last is never held back).",
    )
    DELETED = strawberry.enum_value(
        ChangeKind.DELETED, description="The issue is gone, alone or with its project."
    )


@strawberry.type(name="IssueChange")
class IssueChangeType:
    change: strawberry.Private[IssueChange]
    model: strawberry.Private[Issue | None]
    lost_count: strawberry.Private[int]
    interrupted_count: strawberry.Private[int]

    @strawberry.field
    def kind(self) -> IssueChangeKindEnum:
        return IssueChangeKindEnum(self.change.kind)

    @strawberry.field
    def issue_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.change.issue_id))

    @strawberry.field
    def project_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.change.project_id))

    @strawberry.field(
        description="The state the change left the issue in (CREATED, REGRESSED, STATE)."
    )
    def state(self) -> IssueStateEnum | None:
        return None if self.change.state is None else IssueStateEnum(self.change.state)

    @strawberry.field(description="The issue as it is now; null once it is deleted.")
    def issue(self) -> IssueType | None:
        return None if self.model is None else IssueType.of(self.model)

    @strawberry.field(
        description="Changes this subscription has dropped so far because its client read too "
        "slowly (the oldest go first): when it grows, refetch."
    )
    def lost(self) -> BigInt:
        return BigInt(self.lost_count)

    @strawberry.field(
        description="Times the server stopped hearing changes while this subscription was open "
        "(changes of such a gap are not delivered): when it grows, refetch."
    )
    def interrupted(self) -> BigInt:
        return BigInt(self.interrupted_count)


@dataclass(frozen=True, slots=True)
class _Heard:
    change: IssueChange
    issue: Issue | None
    lost: int
    interrupted: int


async def _subscribed_project(
    info: Info[Context, None], project_id: strawberry.ID | None
) -> int | None:
    """The project asked for (None: all); NOT_FOUND before anything is subscribed."""
    if project_id is None:
        return None
    wanted = model_id(project_id, Project, "projectId", "project")
    await projects.get_project(wanted)
    return wanted


async def _heard(
    context: Context, project_id: int | None, kinds: frozenset[ChangeKind]
) -> AsyncGenerator[_Heard, None]:
    """The changes of `kinds` of one project (None: all), each with its issue read fresh."""
    async with context.broker.subscribe(project_id) as subscription:
        async for change in subscription:
            if change.kind not in kinds:
                continue
            context.renew_loaders()
            await still_authenticated(context)
            issue = None
            if change.kind != ChangeKind.DELETED:
                issue = await context.loaders.issue.load(change.issue_id)
            yield _Heard(change, issue, subscription.lost, subscription.interrupted)


async def _issues(
    context: Context, project_id: int | None, kinds: frozenset[ChangeKind]
) -> AsyncGenerator[IssueType, None]:
    async with aclosing(_heard(context, project_id, kinds)) as heard:
        async for item in heard:
            if item.issue is not None:  # deleted since
                yield IssueType.of(item.issue)


async def _changes(
    context: Context, project_id: int | None
) -> AsyncGenerator[IssueChangeType, None]:
    async with aclosing(_heard(context, project_id, frozenset(ChangeKind))) as heard:
        async for item in heard:
            yield IssueChangeType(
                change=item.change,
                model=item.issue,
                lost_count=item.lost,
                interrupted_count=item.interrupted,
            )


# The resolvers are coroutines returning the stream: their argument errors come before it
# starts (an `error` message), not as its first result.
@strawberry.type
class Subscription:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Each new issue once, after its first events are committed.",
    )
    async def issue_created(
        self, info: Info[Context, None], project_id: strawberry.ID | None = None
    ) -> AsyncGenerator[IssueType, None]:
        wanted = await _subscribed_project(info, project_id)
        return _issues(info.context, wanted, frozenset({ChangeKind.CREATED}))

    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Issues whose state changed: by anyone through any API, or by a regression.",
    )
    async def issue_updated(
        self, info: Info[Context, None], project_id: strawberry.ID | None = None
    ) -> AsyncGenerator[IssueType, None]:
        wanted = await _subscribed_project(info, project_id)
        return _issues(info.context, wanted, _UPDATES)

    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Every change, with the counts of those lost: enough to keep a list current.",
    )
    async def issue_changed(
        self, info: Info[Context, None], project_id: strawberry.ID | None = None
    ) -> AsyncGenerator[IssueChangeType, None]:
        wanted = await _subscribed_project(info, project_id)
        return _changes(info.context, wanted)
