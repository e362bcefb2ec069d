"""The event store and a deleted project: a batch refuses the events of a project marked
deleted (PROJECT_GONE) and stores the others; on PostgreSQL a batch waiting behind the
deletion's lock refuses them once it commits, and the deletion waits for a batch under way."""

from __future__ import annotations

import asyncio
import dataclasses

import asyncpg
import pytest

from app.database import Limits, asyncpg_dsn
from app.errors import NotFound
from app.ingest.records import Outcome, Receipt
from app.ingest.store import open_store
from app.projects import service as projects
from app.retention import sweeper as sweeping
from models import Event, IngestCount, Issue, RateWindow
from tests.conftest import Server
from tests.integration.notifying import record


async def waiting_for_a_lock(observer: asyncpg.Connection) -> int:
    """Other sessions of this database that wait for a lock (polled until one does)."""
    waiting = 0
    for _ in range(500):
        await observer.execute("SELECT pg_stat_clear_snapshot()")
        waiting = await observer.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        if waiting:
            break
        await asyncio.sleep(0.02)
    return int(waiting)


def postgres_only(server: Server) -> None:
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("SQLite has one writer: a batch never waits for a row lock")


async def test_a_batch_stores_the_live_projects_events_and_refuses_the_deleted_ones(server):
    live = await projects.create_project("Live")
    doomed = await projects.create_project("Doomed")
    store = open_store(server.settings.database_url, Limits.of(server.settings))
    limited = dataclasses.replace(record(doomed.id, "b"), rate_limit_per_minute=100)
    try:
        async with sweeping._PURGING:  # rows the purge would remove must not be there at all
            await projects.delete_project(doomed.id)
            receipts = await store.store_batch([record(live.id, "a"), limited])
            assert receipts == [Receipt(Outcome.STORED), Receipt(Outcome.PROJECT_GONE)]
            for model in (Event, Issue, RateWindow, IngestCount):
                assert await model.filter(project_id=doomed.id).count() == 0, model
    finally:
        await store.close()
    assert await Event.filter(project_id=live.id).count() == 1


async def test_a_batch_waiting_behind_a_deletion_refuses_its_events_once_it_commits(server):
    postgres_only(server)
    project = await projects.create_project("Raced")
    store = open_store(server.settings.database_url, Limits.of(server.settings))
    deleter = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
    try:
        async with deleter.transaction():
            await deleter.execute(
                "UPDATE project SET deleted_at = now(), slug = $2 WHERE id = $1",
                project.id,
                f"~deleted-{project.id}",
            )
            stored = asyncio.create_task(store.store_batch([record(project.id, "a")]))
            assert await waiting_for_a_lock(deleter) == 1
        assert await stored == [Receipt(Outcome.PROJECT_GONE)]
    finally:
        await deleter.close()
        await store.close()
    assert await Event.filter(project_id=project.id).count() == 0


async def test_a_deletion_waits_for_a_batch_under_way_which_stores_its_events(server):
    postgres_only(server)
    project = await projects.create_project("Busy")
    batch = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
    try:
        async with sweeping._PURGING:
            async with batch.transaction():
                # What a batch's first statement holds until its commit.
                await batch.execute(
                    "SELECT id FROM project WHERE id = $1 FOR KEY SHARE", project.id
                )
                deletion = asyncio.create_task(projects.delete_project(project.id))
                assert await waiting_for_a_lock(batch) == 1
                assert not deletion.done()
            await deletion
    finally:
        await batch.close()
    with pytest.raises(NotFound, match=f"project {project.id} not found"):
        await projects.get_project(project.id)
