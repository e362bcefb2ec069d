"""Helpers for notification tests: a server of the test's own with a stepped clock, its broker,
and waiting for what it hears."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp

from app.ingest.records import EventRecord
from app.notifications import BROKER, Broker, ChangeKind, IssueChange, Subscription
from models import Issue, IssueState
from tests.integration.dedicated import Dedicated, FakeClock, dedicated_server
from tests.integration.sentry import SentryProject, event_envelope, exception_event

# Short names for the expected changes of the tests.
CREATED, REGRESSED, STATE, COUNT, DELETED = (
    ChangeKind.CREATED,
    ChangeKind.REGRESSED,
    ChangeKind.STATE,
    ChangeKind.COUNT,
    ChangeKind.DELETED,
)
OPEN, RESOLVED, MUTED = IssueState.OPEN, IssueState.RESOLVED, IssueState.MUTED


@asynccontextmanager
async def notifying_server(database_url: str) -> AsyncIterator[tuple[Dedicated, FakeClock]]:
    clock = FakeClock.minute_start(time.time())
    async with dedicated_server(database_url, clock=clock) as dedicated:
        yield dedicated, clock


def broker_of(dedicated: Dedicated) -> Broker:
    return dedicated.app[BROKER]


async def next_change(subscription: Subscription, timeout_s: float = 10) -> IssueChange:
    return await asyncio.wait_for(subscription.get(), timeout_s)


async def send(
    http: aiohttp.ClientSession, dedicated: Dedicated, project: SentryProject, function: str
) -> None:
    async with http.post(
        dedicated.server(f"/api/{project.id}/envelope/"),
        data=event_envelope(exception_event(function=function)),
        headers=project.auth,
    ) as resp:
        assert resp.status == 200, await resp.text()


async def only_issue(project: SentryProject, function: str) -> Issue:
    """The issue of `function`'s events, read on a connection of the test's own."""
    (issue,) = await Issue.filter(project_id=project.id, culprit__contains=function)
    return issue


async def send_direct(dedicated: Dedicated, project: SentryProject, function: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            dedicated.server(f"/api/{project.id}/envelope/"),
            data=event_envelope(exception_event(function=function)),
            headers=project.auth,
        ) as resp,
    ):
        assert resp.status == 200


async def wait_until(
    predicate: Callable[[], bool], timeout_s: float = 10, *, fail: bool = True
) -> bool:
    """Whether `predicate` came true within `timeout_s`; fails the test if not, unless told."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() >= deadline:
            assert not fail, "condition not met in time"
            return False
        await asyncio.sleep(0.02)
    return True


def record(project_id: int, fingerprint: str, event_id: str | None = None) -> EventRecord:
    now = datetime.now(UTC)
    return EventRecord(
        project_id=project_id,
        event_id=event_id or uuid.uuid4().hex,
        timestamp=now,
        received_at=now,
        level="error",
        platform="python",
        environment=None,
        release=None,
        user_json=None,
        tags_json="{}",
        payload_json="{}",
        event_message=None,
        fingerprint=fingerprint,
        grouping_version="test",
        grouping_json="{}",
        title=f"Error {fingerprint}",
        type="Error",
        message="",
        culprit=fingerprint,
        rate_limit_per_minute=None,
    )


async def open_issues(
    dedicated: Dedicated, project: SentryProject, subscription: Subscription, *functions: str
) -> list[Issue]:
    """An issue per function, each heard as CREATED before the next (deliveries are async on
    PostgreSQL: a test subscribes first and consumes what its setup publishes)."""
    opened = []
    for function in functions:
        await send_direct(dedicated, project, function)
        issue = await only_issue(project, function)
        created = IssueChange(ChangeKind.CREATED, issue.id, project.id, IssueState.OPEN)
        assert await next_change(subscription) == created
        opened.append(issue)
    return opened
