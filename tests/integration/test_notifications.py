"""Issue change notifications heard through a running server's broker, on both backends.

Each test starts a server of its own (tests/integration/dedicated.py) with a stepped clock,
so COUNT coalescing is decided by the test, and reads that server's broker (`app[BROKER]`)
while it drives the server with real HTTP envelopes and REST calls.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
import asyncpg
import pytest

from app.database import Limits, asyncpg_dsn
from app.errors import InvalidField, NotFound
from app.ingest.records import EventRecord
from app.ingest.store import open_store
from app.issues import service as issues
from app.notifications import (
    BROKER,
    Broker,
    ChangeKind,
    IssueChange,
    PostgresBroker,
    Subscription,
)
from app.notifications.changes import CHANNEL
from models import Issue, IssueHistory, IssueState
from tests.conftest import free_port
from tests.integration.dedicated import Dedicated, FakeClock, dedicated_server
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.sentry import SentryProject, event_envelope, exception_event, new_project

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


async def test_ingestion_and_the_rest_api_publish_the_exact_sequence(http, server, auth):
    project, other = await new_project(server, "seen"), await new_project(server, "other")
    async with (
        notifying_server(server.settings.database_url) as (dedicated, clock),
        broker_of(dedicated).subscribe(project.id) as sub,
        broker_of(dedicated).subscribe(None) as everyone,
        broker_of(dedicated).subscribe(other.id) as elsewhere,
    ):
        await send(http, dedicated, project, "alpha")
        created = await next_change(sub)
        # Heard only after the commit: another connection already sees the issue.
        alpha = await only_issue(project, "alpha")
        assert created == IssueChange(CREATED, alpha.id, project.id, OPEN)

        await send(http, dedicated, project, "alpha")
        assert await next_change(sub) == IssueChange(COUNT, alpha.id, project.id)
        await send(http, dedicated, project, "alpha")  # within the second: deferred
        await send(http, dedicated, project, "alpha")  # absorbed by the deferred one
        assert sub.poll() is None
        clock.advance(1.0)
        assert sub.poll() == IssueChange(COUNT, alpha.id, project.id)

        async with http.patch(
            dedicated.server(f"/api/issues/{alpha.id}"), json={"state": "resolved"}, headers=auth
        ) as resp:
            assert resp.status == 200
        assert await next_change(sub) == IssueChange(STATE, alpha.id, project.id, RESOLVED)
        async with http.patch(
            dedicated.server(f"/api/issues/{alpha.id}"), json={"state": "resolved"}, headers=auth
        ) as resp:
            assert resp.status == 200  # already resolved: no change, no history, no message

        await send(http, dedicated, project, "alpha")
        assert await next_change(sub) == IssueChange(REGRESSED, alpha.id, project.id, OPEN)
        await send(http, dedicated, project, "beta")
        beta = await only_issue(project, "beta")
        assert await next_change(sub) == IssueChange(CREATED, beta.id, project.id, OPEN)

        async with http.delete(dedicated.server(f"/api/issues/{alpha.id}"), headers=auth) as resp:
            assert resp.status == 204
        assert await next_change(sub) == IssueChange(DELETED, alpha.id, project.id)
        assert sub.poll() is None

        # Read only now: its one queued COUNT stood for all three.
        heard = [await next_change(everyone) for _ in range(6)]
        assert [(c.kind, c.issue_id) for c in heard] == [
            (CREATED, alpha.id),
            (COUNT, alpha.id),
            (STATE, alpha.id),
            (REGRESSED, alpha.id),
            (CREATED, beta.id),
            (DELETED, alpha.id),
        ]
        # Nothing of `project` reached the other project's subscriber before its own change.
        await send(http, dedicated, other, "gamma")
        gamma = await only_issue(other, "gamma")
        assert await next_change(elsewhere) == IssueChange(CREATED, gamma.id, other.id, OPEN)
        assert (sub.lost, everyone.lost, sub.interrupted) == (0, 0, 0)


async def test_bulk_state_changes_are_one_transaction_with_one_message_per_change(server):
    project = await new_project(server)
    async with notifying_server(server.settings.database_url) as (dedicated, _):
        names = ("first_fn", "second_fn", "third_fn")
        for function in names:
            await send_direct(dedicated, project, function)
        a, b, c = [await only_issue(project, f) for f in names]
        await issues.change_state(b.id, "muted")
        async with broker_of(dedicated).subscribe(project.id) as sub:
            written = await issues.bulk_set_state([c.id, a.id, b.id, c.id], "muted")
            assert [(i.id, i.state, i.project.id) for i in written] == [
                (c.id, MUTED, project.id),
                (a.id, MUTED, project.id),
                (b.id, MUTED, project.id),
            ]
            # Issues are changed (and heard) in the order given; b was muted already.
            assert [await next_change(sub) for _ in range(2)] == [
                IssueChange(STATE, c.id, project.id, MUTED),
                IssueChange(STATE, a.id, project.id, MUTED),
            ]
            history = await IssueHistory.filter(issue_id__in=[a.id, c.id]).order_by("id")
            assert [(h.issue_id, h.from_state, h.to_state, h.cause) for h in history] == [
                (c.id, "open", "muted", "user"),
                (a.id, "open", "muted", "user"),
            ]

            with pytest.raises(NotFound, match=r"^issues 999999999, 9223372036854775808 "):
                await issues.bulk_set_state([a.id, 999999999, 2**63], "open")
            with pytest.raises(InvalidField, match=r"^ids: at most 1000 issues"):
                await issues.bulk_set_state(list(range(1, 1002)), "open")
            with pytest.raises(InvalidField, match=r"^ids: must be issue ids"):
                await issues.bulk_set_state([a.id, "1"], "open")  # type: ignore[list-item]
            with pytest.raises(InvalidField, match=r"^state: must be one of"):
                await issues.bulk_set_state([a.id], "closed")
            assert await issues.bulk_set_state([], "open") == []
            # Nothing above changed anything: the next message is the next real change.
            await issues.change_state(a.id, "open")
            assert await next_change(sub) == IssueChange(STATE, a.id, project.id, OPEN)
            assert (await Issue.get(id=c.id)).state == MUTED


async def test_deleting_a_project_publishes_deleted_for_each_of_its_issues(http, server, auth):
    project = await new_project(server)
    async with notifying_server(server.settings.database_url) as (dedicated, _):
        names = ("first_fn", "second_fn")
        for function in names:
            await send_direct(dedicated, project, function)
        ids = sorted([(await only_issue(project, f)).id for f in names])
        async with broker_of(dedicated).subscribe(project.id) as sub:
            async with http.delete(
                dedicated.server(f"/api/projects/{project.id}"), headers=auth
            ) as resp:
                assert resp.status == 204
            assert [await next_change(sub) for _ in ids] == [
                IssueChange(DELETED, i, project.id) for i in ids
            ]


async def test_a_stuck_subscriber_blocks_neither_ingestion_nor_other_subscribers(http, server):
    project = await new_project(server)
    # SQLite shares the fanout code and differs only in its source: a shorter run suffices.
    postgres = server.settings.database_url.startswith("postgres")
    issues_made, events = (1_000, 5_000) if postgres else (1_200, 1_500)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as stuck,
        broker_of(dedicated).subscribe(project.id) as reader,
    ):
        heard: list[IssueChange] = []
        created: set[int] = set()

        async def read() -> None:
            async for change in reader:
                heard.append(change)
                if change.kind == CREATED:
                    created.add(change.issue_id)
                    if len(created) == issues_made:
                        return

        reading = asyncio.create_task(read())
        gate = asyncio.Semaphore(40)

        async def post(i: int) -> int:
            async with (
                gate,
                http.post(
                    dedicated.server(f"/api/{project.id}/envelope/"),
                    data=event_envelope(exception_event(function=f"f{i % issues_made}")),
                    headers=project.auth,
                ) as resp,
            ):
                return resp.status

        statuses = await asyncio.gather(*(post(i) for i in range(events)))
        assert statuses == [200] * events
        await asyncio.wait_for(reading, 30)
        ids = set(await Issue.filter(project_id=project.id).values_list("id", flat=True))
        assert created == ids
        assert sum(c.kind == CREATED for c in heard) == issues_made
        # The stepped clock never moved: at most one COUNT per issue got through.
        counts = [c.issue_id for c in heard if c.kind == COUNT]
        assert len(counts) == len(set(counts))
        assert {c.kind for c in heard} <= {CREATED, COUNT}
        assert reader.lost == 0
        assert stuck.lost > 0


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


async def wait_until(predicate: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def require_postgres(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        pytest.skip("several processes and LISTEN sessions need PostgreSQL")


async def test_a_change_made_by_another_process_reaches_this_one(http, server):
    require_postgres(server.settings.database_url)
    project = await new_project(server)
    port = free_port()
    other = await start_server(port, faultline_env(server.settings.database_url))
    try:
        async with (
            notifying_server(server.settings.database_url) as (dedicated, _),
            broker_of(dedicated).subscribe(project.id) as sub,
        ):
            async with http.post(
                f"http://127.0.0.1:{port}/api/{project.id}/envelope/",
                data=event_envelope(exception_event(function="elsewhere_fn")),
                headers=project.auth,
            ) as resp:
                assert resp.status == 200
            issue = await only_issue(project, "elsewhere_fn")
            assert await next_change(sub) == IssueChange(CREATED, issue.id, project.id, OPEN)
    finally:
        assert await stop(other) == 0


async def test_the_listener_reconnects_after_its_session_is_terminated(http, server):
    require_postgres(server.settings.database_url)
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as sub,
    ):
        broker = broker_of(dedicated)
        assert isinstance(broker, PostgresBroker)
        first_pid = broker.listener_pid
        assert first_pid is not None
        admin = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first_pid)
        finally:
            await admin.close()
        await wait_until(lambda: broker.listener_pid not in (None, first_pid))
        assert sub.interrupted == 1
        await send(http, dedicated, project, "after_reconnect_fn")
        issue = await only_issue(project, "after_reconnect_fn")
        assert await next_change(sub) == IssueChange(CREATED, issue.id, project.id, OPEN)


async def test_a_foreign_notification_on_the_channel_is_ignored(http, server, caplog):
    require_postgres(server.settings.database_url)
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(None) as sub,
    ):
        admin = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
        try:
            for payload in ('{"v":1,"g":[["COUNT",1,null,[true]]]}', "x" * 7_999):
                await admin.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
        finally:
            await admin.close()
        await send(http, dedicated, project, "after_garbage_fn")
        issue = await only_issue(project, "after_garbage_fn")
        assert await next_change(sub) == IssueChange(CREATED, issue.id, project.id, OPEN)
        # Logged once by each broker of this process (the session's server has one too).
        logged = {r.getMessage() for r in caplog.records if r.name == "app.notifications.postgres"}
        assert sorted(m.split(": ")[0] for m in logged) == [
            "ignoring a notification on faultline_issue_changes (ids must be positive integers)",
            "ignoring a notification on faultline_issue_changes (not JSON)",
        ]
        assert max(map(len, logged)) < 400  # the payload is quoted clipped


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
        fingerprint=fingerprint,
        grouping_version="test",
        grouping_json="{}",
        title=f"Error {fingerprint}",
        type="Error",
        message="",
        culprit=fingerprint,
        rate_limit_per_minute=None,
    )


async def test_one_batch_publishes_every_change_in_one_notification(server):
    url = server.settings.database_url
    project = await new_project(server)
    store = open_store(url, Limits.of(server.settings))
    raw: list[str] = []
    listener = None
    if url.startswith("postgres"):
        listener = await asyncpg.connect(asyncpg_dsn(url))
        await listener.add_listener(CHANNEL, lambda *args: raw.append(args[3]))
    try:
        async with (
            notifying_server(url) as (dedicated, _),
            broker_of(dedicated).subscribe(project.id) as sub,
        ):
            assert await store.store_batch([record(project.id, "old"), record(project.id, "back")])
            old, back = [await only_issue(project, f) for f in ("old", "back")]
            await issues.change_state(back.id, "resolved")
            while sub.poll() is not None:
                pass
            raw.clear()
            repeated = uuid.uuid4().hex
            outcomes = await store.store_batch(
                [
                    record(project.id, "new_b"),
                    record(project.id, "new_a", repeated),
                    record(project.id, "old"),
                    record(project.id, "new_b"),
                    record(project.id, "back"),
                    record(project.id, "new_a", repeated),
                ]
            )
            assert [o.value for o in outcomes] == ["stored"] * 5 + ["duplicate"]
            new_b, new_a = [await only_issue(project, f) for f in ("new_b", "new_a")]
            assert [await next_change(sub) for _ in range(4)] == [
                # Issues open in fingerprint order; CREATED come in id order.
                IssueChange(CREATED, new_a.id, project.id, OPEN),
                IssueChange(CREATED, new_b.id, project.id, OPEN),
                IssueChange(REGRESSED, back.id, project.id, OPEN),
                IssueChange(COUNT, old.id, project.id),
            ]
            if listener is not None:
                await wait_until(lambda: len(raw) >= 1)
                assert len(raw) == 1
    finally:
        await store.close()
        if listener is not None:
            await listener.close()
