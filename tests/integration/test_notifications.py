"""Issue change notifications heard through a running server's broker, on both backends.

Each test starts a server of its own (tests/integration/dedicated.py) with a stepped clock,
so COUNT coalescing is decided by the test, and reads that server's broker (`app[BROKER]`)
while it drives the server with real HTTP envelopes and REST calls.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from app.database import Limits, asyncpg_dsn
from app.ingest.store import open_store
from app.issues import service as issues
from app.notifications import IssueChange
from app.notifications.changes import CHANNEL, decode
from models import Issue
from tests.integration.notifying import (
    COUNT,
    CREATED,
    DELETED,
    OPEN,
    REGRESSED,
    RESOLVED,
    STATE,
    broker_of,
    next_change,
    notifying_server,
    only_issue,
    record,
    send,
    wait_until,
)
from tests.integration.sentry import event_envelope, exception_event, new_project


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
        await wait_until(lambda: sub.next_due() is not None)  # PostgreSQL delivers async
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
            assert [await next_change(sub) for _ in range(3)] == [
                IssueChange(CREATED, back.id, project.id, OPEN),
                IssueChange(CREATED, old.id, project.id, OPEN),
                IssueChange(STATE, back.id, project.id, RESOLVED),
            ]
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
            assert [r.outcome.value for r in outcomes] == ["stored"] * 5 + ["duplicate"]
            new_b, new_a = [await only_issue(project, f) for f in ("new_b", "new_a")]
            expected = [
                # Issues open in fingerprint order; CREATED come in id order.
                IssueChange(CREATED, new_a.id, project.id, OPEN),
                IssueChange(CREATED, new_b.id, project.id, OPEN),
                IssueChange(REGRESSED, back.id, project.id, OPEN),
                IssueChange(COUNT, old.id, project.id),
            ]
            assert [await next_change(sub) for _ in expected] == expected
            if listener is not None:  # all of them in one NOTIFY
                await wait_until(lambda: any(decode(p) == expected for p in raw))
    finally:
        await store.close()
        if listener is not None:
            await listener.close()


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
            body = event_envelope(exception_event(function=f"f{i % issues_made}"))
            async with (
                gate,
                http.post(
                    dedicated.server(f"/api/{project.id}/envelope/"),
                    data=body,
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
