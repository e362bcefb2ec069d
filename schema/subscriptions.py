"""Subscription: issue changes as they commit, for one project or for all of them.

Each subscription is one broker subscription (app.notifications), so its policy holds: changes
are never waited for by publishers, COUNTs are coalesced per issue per second, and a reader too
slow for its bounded queue loses the oldest changes (`IssueChange.lost` counts them). For every
message the loaders are fresh. The issue is read when the message is sent (through the broker:
one read per change per process, not per subscriber, and none when `issueChanged` does not ask
for `issue`), so it shows its state then; an issue deleted meanwhile is skipped (or null in
`issueChanged`).

The token and the project are checked once, after subscribing; from then on the broker ends the
subscription when either is deleted: UNAUTHENTICATED at once for the token (and every later
operation of the connection fails), NOT_FOUND for the project after its issues' DELETED changes.
A web UI session has no deletion notice: its subscription checks the session at each message.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from enum import Enum

import strawberry
from strawberry.types import Info

from app.errors import NotFound
from app.notifications import Broker, ChangeKind, IssueChange
from app.notifications.subscription import ProjectDeleted, TokenRevoked
from app.projects import service as projects
from models import Project
from schema.context import Context, TokenPrincipal
from schema.permissions import AUTHENTICATED, still_authenticated, token_deleted
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
        description="New events: at most one per issue per second and 10 a second per "
        "subscription (busy issues take turns); the last count of every issue is delivered.",
    )
    DELETED = strawberry.enum_value(
        ChangeKind.DELETED, description="The issue is gone, alone or with its project."
    )


_KINDS = {ChangeKind(kind.name): kind for kind in IssueChangeKindEnum}


@strawberry.type(name="IssueChange")
class IssueChangeType:
    change: strawberry.Private[IssueChange]
    broker: strawberry.Private[Broker]
    lost_count: strawberry.Private[int]
    interrupted_count: strawberry.Private[int]

    @strawberry.field
    def kind(self) -> IssueChangeKindEnum:
        return _KINDS[self.change.kind]

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
    async def issue(self) -> IssueType | None:
        if self.change.kind == ChangeKind.DELETED:
            return None
        model = await self.broker.issue(self.change.issue_id)
        return None if model is None else IssueType.of(model)

    @strawberry.field(
        description="Changes this subscription has dropped so far (the oldest first) because "
        "they did not fit its queue of 1,000: its client read too slowly, or one commit changed "
        "more issues than that. Every change is either delivered or counted here: when it "
        "grows, refetch."
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
    """The changes of `kinds` of one project (None: all), until the token or project goes."""
    principal = context.principal
    token_id = principal.token_id if isinstance(principal, TokenPrincipal) else None
    async with context.broker.subscribe(project_id, token_id) as subscription:
        # Checked once subscribed: a deletion committed after this is heard by the broker.
        context.renew_loaders()
        await still_authenticated(context)
        if project_id is not None:
            await projects.get_project(project_id)
        try:
            async for change in subscription:
                if change.kind in kinds:
                    context.renew_loaders()
                    if token_id is None:  # a session: no deletion notice, so checked here
                        await still_authenticated(context)
                    yield _Heard(change, subscription.lost, subscription.interrupted)
        except TokenRevoked:
            raise token_deleted(context) from None
        except ProjectDeleted as ended:
            raise NotFound(str(ended)) from None


async def _issues(
    context: Context, project_id: int | None, kinds: frozenset[ChangeKind]
) -> AsyncGenerator[IssueType, None]:
    async with aclosing(_heard(context, project_id, kinds)) as heard:
        async for item in heard:
            issue = await context.broker.issue(item.change.issue_id)
            if issue is not None:  # deleted since
                yield IssueType.of(issue)


async def _changes(
    context: Context, project_id: int | None
) -> AsyncGenerator[IssueChangeType, None]:
    async with aclosing(_heard(context, project_id, frozenset(ChangeKind))) as heard:
        async for item in heard:
            yield IssueChangeType(
                change=item.change,
                broker=context.broker,
                lost_count=item.lost,
                interrupted_count=item.interrupted,
            )


# The resolvers are coroutines returning the stream: their argument errors come before it
# starts (an `error` message), not as its first result.
_ENDS = (
    " With `projectId`: once that project is deleted the subscription ends with a NOT_FOUND "
    "error (after its issues' DELETED changes, in issueChanged). Once the connection's token "
    "is deleted, it ends with UNAUTHENTICATED."
)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Each new issue once, after its first events are committed." + _ENDS,
    )
    async def issue_created(
        self, info: Info[Context, None], project_id: strawberry.ID | None = None
    ) -> AsyncGenerator[IssueType, None]:
        wanted = await _subscribed_project(info, project_id)
        return _issues(info.context, wanted, frozenset({ChangeKind.CREATED}))

    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Issues whose state changed: by anyone through any API, or by a regression."
        + _ENDS,
    )
    async def issue_updated(
        self, info: Info[Context, None], project_id: strawberry.ID | None = None
    ) -> AsyncGenerator[IssueType, None]:
        wanted = await _subscribed_project(info, project_id)
        return _issues(info.context, wanted, _UPDATES)

    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Every change, with the counts of those lost: enough to keep a list current."
        + _ENDS,
    )
    async def issue_changed(
        self, info: Info[Context, None], project_id: strawberry.ID | None = None
    ) -> AsyncGenerator[IssueChangeType, None]:
        wanted = await _subscribed_project(info, project_id)
        return _changes(info.context, wanted)
