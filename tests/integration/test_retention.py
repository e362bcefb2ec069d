"""The retention sweeper on both backends: events ingested through the real envelope endpoint
with timestamps in the past, swept by `sweep_once(now)` as of a chosen moment."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from app.database import Limits, asyncpg_dsn
from app.ingest.records import Outcome, Receipt
from app.ingest.store import open_store
from app.issues import service as issues
from app.projects import service as projects
from app.retention.policy import cutoff
from app.retention.sweeper import RETENTION_LOCK_KEY, Sweeper, SweepReport
from models import Event, Issue, IssueHistory, IssueHourly, IssueTag, IssueTagKey
from tests.conftest import Server
from tests.integration.dedicated import dedicated_server
from tests.integration.notifying import (
    DELETED,
    broker_of,
    next_change,
    notifying_server,
    record,
)
from tests.integration.sentry import SentryProject, ingest, new_project

NOW = datetime.now(UTC).replace(microsecond=0)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def issue_of(project: SentryProject, function: str) -> Issue:
    (issue,) = await Issue.filter(project_id=project.id, culprit__contains=function)
    return issue


def sweeper(server: Server, batch_size: int = 1_000) -> Sweeper:
    return Sweeper(dataclasses.replace(server.settings, retention_batch_size=batch_size))


async def event_times(issue_id: int) -> list[datetime]:
    rows = await Event.filter(issue_id=issue_id).order_by("timestamp").values_list("timestamp")
    return [at for (at,) in rows]


async def test_expired_events_go_in_batches_and_an_emptied_issue_goes_with_its_history(
    http, server
):
    project = await new_project(server)
    await projects.update_project(project.id, {"retention_days": 7})
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as sub,
    ):
        for days in (20, 10, 9, 8, 1):
            await ingest(http, dedicated.server.url, project, "kept_fn", days_ago(days))
        for days in (15, 12):
            await ingest(http, dedicated.server.url, project, "gone_fn", days_ago(days))
        kept, gone = await issue_of(project, "kept_fn"), await issue_of(project, "gone_fn")
        await issues.change_state(gone.id, "resolved")
        assert await IssueHistory.filter(issue_id=gone.id).count() == 1
        assert await IssueHourly.filter(issue_id=gone.id).count() == 2
        assert await IssueTag.filter(issue_id=gone.id).count() > 0

        report = await sweeper(server, batch_size=2).sweep_once(NOW)

        assert report == SweepReport(expired=6, evicted=0, issues_removed=1, transactions=3)
        assert await event_times(kept.id) == [days_ago(1)]
        assert await Issue.filter(id=gone.id).count() == 0
        for model in (Event, IssueHistory, IssueHourly, IssueTag, IssueTagKey):
            assert await model.filter(issue_id=gone.id).count() == 0, model
        after = await Issue.get(id=kept.id)
        assert (after.event_count, after.first_seen, after.last_seen) == (
            5,
            days_ago(20),
            days_ago(1),
        )
        heard = await next_change(sub)
        while heard.kind != DELETED:  # ingestion's CREATED and COUNT come first
            heard = await next_change(sub)
        assert (heard.kind, heard.issue_id, heard.project_id) == (DELETED, gone.id, project.id)
        assert await sweeper(server, batch_size=2).sweep_once(NOW) == SweepReport()


async def test_the_server_default_applies_when_the_project_sets_none(http, server):
    project = await new_project(server)
    await ingest(http, server.url, project, "old_fn", days_ago(25))
    await ingest(http, server.url, project, "old_fn", days_ago(5))
    swept = Sweeper(dataclasses.replace(server.settings, retention_days=10))
    assert await swept.sweep_once(NOW) == SweepReport(expired=1, transactions=1)
    assert await event_times((await issue_of(project, "old_fn")).id) == [days_ago(5)]
    # At the default of 90 days nothing is old enough.
    assert await sweeper(server).sweep_once(NOW) == SweepReport()


async def test_max_events_evicts_the_oldest_across_issues(http, server):
    project = await new_project(server)
    other = await new_project(server, "Other")
    await projects.update_project(project.id, {"max_events": 3})
    for days in (6, 5):
        await ingest(http, server.url, project, "older_fn", days_ago(days))
    for days in (4, 3, 2, 1):
        await ingest(http, server.url, project, "newer_fn", days_ago(days))
    await ingest(http, server.url, other, "elsewhere_fn", days_ago(6))
    older, newer = await issue_of(project, "older_fn"), await issue_of(project, "newer_fn")

    report = await sweeper(server, batch_size=2).sweep_once(NOW)

    assert report == SweepReport(expired=0, evicted=3, issues_removed=1, transactions=2)
    assert await Issue.filter(id=older.id).count() == 0
    assert await event_times(newer.id) == [days_ago(3), days_ago(2), days_ago(1)]
    assert (await Issue.get(id=newer.id)).event_count == 4
    assert await Event.filter(project_id=other.id).count() == 1
    assert await sweeper(server).sweep_once(NOW) == SweepReport()


async def test_an_ingest_during_a_sweep_loses_nothing(http, server):
    project = await new_project(server)
    await projects.update_project(project.id, {"retention_days": 1})
    old = [days_ago(2 + i / 100) for i in range(40)]
    for at in old:
        await ingest(http, server.url, project, "busy_fn", at)

    async def fresh() -> None:
        for _ in range(20):
            await ingest(http, server.url, project, "busy_fn", NOW)
            await ingest(http, server.url, project, "new_fn", NOW)

    report, _ = await asyncio.gather(sweeper(server, batch_size=3).sweep_once(NOW), fresh())

    assert report is not None
    assert (report.expired, report.evicted) == (40, 0)
    busy = await Issue.filter(project_id=project.id, culprit__contains="busy_fn")
    assert await Event.filter(project_id=project.id, timestamp__lt=days_ago(1)).count() == 0
    assert (
        await Event.filter(project_id=project.id, issue_id__in=[i.id for i in busy]).count() == 20
    )
    assert await Event.filter(project_id=project.id).count() == 40
    assert (await issue_of(project, "new_fn")).event_count == 20


async def test_one_process_sweeps_at_a_time(http, server):
    project = await new_project(server)
    await projects.update_project(project.id, {"retention_days": 1})
    await ingest(http, server.url, project, "locked_fn", days_ago(3))
    if server.settings.database_url.startswith("postgres"):
        holder = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
        try:
            assert await holder.fetchval("SELECT pg_try_advisory_lock($1)", RETENTION_LOCK_KEY)
            assert await sweeper(server).sweep_once(NOW) is None
            assert await Event.filter(project_id=project.id).count() == 1
        finally:
            await holder.close()
    first, second = await asyncio.gather(
        sweeper(server).sweep_once(NOW), sweeper(server).sweep_once(NOW)
    )
    assert sorted([first, second], key=lambda r: r is None) == [
        SweepReport(expired=1, issues_removed=1, transactions=1),
        None,
    ]
    assert await Event.filter(project_id=project.id).count() == 0


@pytest.mark.parametrize(
    ("days", "default", "expected"),
    [(None, 90, 90), (7, 90, 7), (1, 3650, 1)],
)
def test_the_cutoff_is_the_projects_days_or_the_default(days, default, expected):
    assert cutoff(NOW, days, default) == NOW - timedelta(days=expected)


async def test_the_server_sweeps_every_interval(http, server):
    project = await new_project(server)
    await projects.update_project(project.id, {"retention_days": 1})
    await ingest(http, server.url, project, "old_fn", days_ago(3))
    await ingest(http, server.url, project, "new_fn", NOW)
    async with dedicated_server(server.settings.database_url, retention_sweep_interval_s=1):
        # Until the sweep is done: its events deleted, then the emptied issue.
        old_issue = Issue.filter(project_id=project.id, culprit__contains="old_fn")
        for _ in range(100):
            swept = await Event.filter(project_id=project.id).count() == 1
            if swept and not await old_issue.exists():
                break
            await asyncio.sleep(0.1)
    assert await Event.filter(project_id=project.id).values_list("timestamp", flat=True) == [NOW]
    assert await Issue.filter(project_id=project.id, culprit__contains="old_fn").count() == 0


async def test_an_issue_deleted_while_a_batch_waits_for_it_is_opened_anew(http, server):
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("SQLite has one writer: a batch never waits for a row lock")
    project = await new_project(server)
    await ingest(http, server.url, project, "raced_fn", days_ago(1))
    old = await issue_of(project, "raced_fn")
    store = open_store(server.settings.database_url, Limits.of(server.settings))
    remover = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
    try:
        async with remover.transaction():
            await remover.execute("SELECT id FROM issue WHERE id = $1 FOR UPDATE", old.id)
            stored = asyncio.create_task(store.store_batch([record(project.id, old.fingerprint)]))
            for _ in range(500):  # until the batch waits for the issue's row lock
                await remover.execute("SELECT pg_stat_clear_snapshot()")
                waiting = await remover.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database() AND pid <> pg_backend_pid()"
                )
                if waiting:
                    break
                await asyncio.sleep(0.02)
            assert waiting == 1
            await remover.execute("DELETE FROM issue WHERE id = $1", old.id)
        assert await stored == [Receipt(Outcome.STORED)]
    finally:
        await remover.close()
        await store.close()
    new = await Issue.get(project_id=project.id, fingerprint=old.fingerprint)
    assert new.id != old.id
    assert (new.event_count, new.counter) == (1, 2)
    assert await Event.filter(issue_id=new.id).count() == 1
