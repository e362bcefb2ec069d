"""Deleting a project: answered at once, gone from every API and from ingestion at once, its
data purged in batches afterwards (by whichever process holds the purge lock, after a restart
too), nothing left behind even while events stream in. Both backends unless said."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import asyncpg
import pytest

from app.auth import access_tokens
from app.database import asyncpg_dsn
from app.errors import NotFound
from app.notifications import Deletions, on_deletions
from app.notifications.changes import DELETIONS_CHANNEL, encode_deletions
from app.projects import service as projects
from app.projects.naming import tombstone_slug
from app.retention import sweeper as sweeping
from app.retention.batches import Batches
from app.retention.purge import purge_project
from app.retention.sweeper import PURGE_LOCK_KEY, Sweeper
from models import Event, Issue, Project, TokenScope
from tests.conftest import Server
from tests.integration.dedicated import FakeClock, dedicated_server
from tests.integration.graphql import execute
from tests.integration.purging import nothing, purge, rows_of
from tests.integration.rollbar_sdk import item
from tests.integration.sentry import (
    SentryProject,
    event_envelope,
    exception_event,
    new_project,
)

MISSING_ID = 2_000_000_000


async def send(
    http: aiohttp.ClientSession, url: str, project: SentryProject, function: str = "handler"
) -> tuple[int, Any]:
    body = event_envelope(exception_event(function=function, tags={"zone": "eu"}))
    async with http.post(
        f"{url}/api/{project.id}/envelope/", data=body, headers=project.auth
    ) as resp:
        return resp.status, await resp.json()


def unknown_answer(project_id: int) -> tuple[int, dict[str, str]]:
    """What ingestion answers for a project id that never existed."""
    message = f"project {project_id} does not exist"
    return 404, {"error": message, "detail": message}


async def stored_project(
    http: aiohttp.ClientSession, server: Server, auth: dict[str, str]
) -> SentryProject:
    """A project with an issue of two events (with tags, hourly counts, history), a deploy."""
    project = await new_project(server, "Doomed App")
    for _ in range(2):
        assert (await send(http, server.url, project))[0] == 200
    (issue,) = await Issue.filter(project_id=project.id)
    async with http.patch(
        server(f"/api/issues/{issue.id}"), json={"state": "resolved"}, headers=auth
    ) as resp:
        assert resp.status == 200
    (deploy_token,) = [
        t.token
        for t in await access_tokens.list_tokens(project.id)
        if t.scopes == TokenScope.POST_SERVER_ITEM.value
    ]
    async with http.post(
        server("/api/1/deploy"),
        json={"environment": "production", "revision": "abc"},
        headers={"X-Rollbar-Access-Token": deploy_token},
    ) as resp:
        assert resp.status == 200, await resp.text()
    return project


async def delete(
    http: aiohttp.ClientSession, server: Server, project_id: int, auth: dict[str, str]
) -> None:
    async with http.delete(server(f"/api/projects/{project_id}"), headers=auth) as resp:
        assert (resp.status, await resp.read()) == (204, b"")


async def test_a_deleted_project_is_gone_from_every_api_at_once_and_purged_after(
    http, server, auth
):
    project = await stored_project(http, server, auth)
    (issue,) = await Issue.filter(project_id=project.id).select_related("project")
    (event,) = await Event.filter(project_id=project.id).limit(1)
    rollbar_tokens = {t.scopes: t.token for t in await access_tokens.list_tokens(project.id)}
    read = {"X-Rollbar-Access-Token": rollbar_tokens[TokenScope.READ.value]}
    post = {"X-Rollbar-Access-Token": rollbar_tokens[TokenScope.POST_SERVER_ITEM.value]}
    # No purge while the APIs are asked: they must ignore the marked row, not miss a purged one.
    async with sweeping._PURGING:
        await delete(http, server, project.id, auth)
        marked = await Project.get(id=project.id)
        assert marked.deleted_at is not None
        assert marked.slug == f"~deleted-{project.id}"

        for path, message in [
            (f"/api/projects/{project.id}", f"project {project.id} not found"),
            (f"/api/projects/{project.id}/issues", f"project {project.id} not found"),
            (f"/api/issues/{issue.id}", f"issue {issue.id} not found"),
            (f"/api/issues/{issue.id}/events", f"issue {issue.id} not found"),
            (f"/api/issues/{issue.id}/history", f"issue {issue.id} not found"),
            (f"/api/issues/{issue.id}/tags", f"issue {issue.id} not found"),
            (f"/api/issues/{issue.id}/frequency", f"issue {issue.id} not found"),
            (f"/api/events/{event.event_id}", f"event {event.event_id} not found"),
        ]:
            async with http.get(server(path), headers=auth) as resp:
                assert (resp.status, await resp.json()) == (404, {"error": message}), path
        async with http.patch(
            server(f"/api/issues/{issue.id}"), json={"state": "open"}, headers=auth
        ) as resp:
            assert (resp.status, await resp.json()) == (
                404,
                {"error": f"issue {issue.id} not found"},
            )
        async with http.get(server("/api/projects"), headers=auth) as resp:
            assert project.id not in [p["id"] for p in (await resp.json())["data"]]
        async with http.delete(server(f"/api/projects/{project.id}"), headers=auth) as resp:
            assert resp.status == 404

        found = await execute(
            http,
            server,
            "query($p: ID!, $i: ID!, $e: ID!, $s: String!) { projects { id } "
            "project(id: $p) { id } issue(id: $i) { id } issueByShortId(shortId: $s) { id } "
            "issueByEventId(eventId: $e) { id } event(id: $e) { id } }",
            {
                "p": str(project.id),
                "i": str(issue.id),
                "e": event.event_id,
                "s": f"DOOMED-APP-{issue.counter}",
            },
            headers=auth,
        )
        assert str(project.id) not in [p["id"] for p in found["data"]["projects"]]
        assert sorted(e["path"][0] for e in found["errors"]) == [
            "event",
            "issue",
            "issueByEventId",
            "issueByShortId",
            "project",
        ]
        assert {e["extensions"]["code"] for e in found["errors"]} == {"NOT_FOUND"}

        for method, path, headers, body in [
            ("GET", "/api/1/items", read, None),
            ("GET", f"/api/1/item/{issue.id}", read, None),
            ("POST", "/api/1/item/", post, item()),
        ]:
            async with http.request(method, server(path), headers=headers, json=body) as resp:
                assert resp.status == 403, path
                token = headers["X-Rollbar-Access-Token"]
                assert (await resp.json())["message"] == f"access token not found: {token}"

        assert await send(http, server.url, project) == unknown_answer(project.id)
        assert await send(http, server.url, dataclasses.replace(project, id=MISSING_ID)) == (
            unknown_answer(MISSING_ID)
        )
        # Its slug is free at once.
        async with http.post(
            server("/api/projects"), json={"name": "Doomed App"}, headers=auth
        ) as resp:
            assert (resp.status, (await resp.json())["slug"]) == (201, "doomed-app")
        issue_ids = [issue.id]
        assert (await rows_of(project.id, issue_ids))["event"] == 2

    await purge(server)
    counts = await rows_of(project.id, issue_ids)
    assert counts == nothing(counts)


async def test_the_purge_goes_in_batches_and_leaves_other_projects_alone(http, server, auth):
    doomed = await stored_project(http, server, auth)
    kept = await new_project(server, "Kept App")
    for function in ("a", "b", "c"):
        assert (await send(http, server.url, kept, function))[0] == 200
    for function in ("d", "e", "f", "g"):
        assert (await send(http, server.url, doomed, function))[0] == 200
    issue_ids = await Issue.filter(project_id=doomed.id).values_list("id", flat=True)
    before = await rows_of(kept.id, [])
    async with sweeping._PURGING:  # the purge of this test's, not the one the deletion wakes
        await delete(http, server, doomed.id, auth)
        await purge_project(Batches(2), doomed.id)
    counts = await rows_of(doomed.id, issue_ids)
    assert counts == nothing(counts)
    assert await rows_of(kept.id, []) == before
    assert await Event.filter(project_id=kept.id).count() == 3


async def test_deleting_a_project_while_events_stream_in_refuses_them_and_leaves_nothing(
    http, server, auth
):
    project = await new_project(server, "Streaming App")
    deleted = asyncio.Event()
    after_deletion: list[tuple[int, Any]] = []
    answers: list[int] = []
    streaming = asyncio.Event()

    async def sender(n: int) -> None:
        while True:
            was_deleted = deleted.is_set()
            answer = await send(http, server.url, project, f"fn_{n % 3}")
            answers.append(answer[0])
            if answers.count(200) >= 40:
                streaming.set()
            if was_deleted:
                after_deletion.append(answer)
                if len([a for a in after_deletion if a[0] == 404]) >= 20:
                    return

    senders = [asyncio.create_task(sender(n)) for n in range(8)]
    await asyncio.wait_for(streaming.wait(), timeout=120)
    # Every sender has stored events by now: the three issues exist, no other will open.
    issue_ids = await Issue.filter(project_id=project.id).values_list("id", flat=True)
    assert len(issue_ids) == 3
    await delete(http, server, project.id, auth)
    deleted.set()
    await asyncio.wait_for(asyncio.gather(*senders), timeout=120)

    assert set(answers) <= {200, 404}, answers
    # Every request sent after the 204 got the answer of a project that never existed.
    assert set(map(str, after_deletion)) == {str(unknown_answer(project.id))}
    await purge(server)
    counts = await rows_of(project.id, issue_ids)
    assert counts == nothing(counts)
    # Late requests for the purged project get the same answer.
    assert await send(http, server.url, project) == unknown_answer(project.id)


async def test_ingestion_forgets_a_deleted_project_at_once_though_its_cache_would_keep_it(
    http, server, auth
):
    # The clock never moves: only the deletion can empty the cached project keys.
    async with dedicated_server(
        server.settings.database_url, clock=FakeClock.minute_start(time.time())
    ) as dedicated:
        project = await new_project(dedicated.server)
        assert (await send(http, dedicated.server.url, project))[0] == 200
        async with http.post(project.envelope_url, data=b"", headers=project.auth) as resp:
            assert resp.status == 400  # cached as live: the body is read
        await delete(http, dedicated.server, project.id, auth)
        # Refused before the body is read: as an unknown project.
        async with http.post(project.envelope_url, data=b"", headers=project.auth) as resp:
            assert (resp.status, await resp.json()) == unknown_answer(project.id)


async def test_a_project_marked_before_a_restart_is_purged_when_a_server_starts(http, server, auth):
    project = await stored_project(http, server, auth)
    issue_ids = await Issue.filter(project_id=project.id).values_list("id", flat=True)
    # What a process leaves that committed the deletion and stopped before purging (and
    # whose notice nobody heard).
    assert await Project.filter(id=project.id).update(
        deleted_at=datetime.now(UTC), slug=tombstone_slug(project.id)
    )
    async with http.get(server(f"/api/projects/{project.id}"), headers=auth) as resp:
        assert resp.status == 404
    async with dedicated_server(server.settings.database_url):
        # Its sweeper purges what is marked as it starts.
        while await Project.filter(id=project.id).exists():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    counts = await rows_of(project.id, issue_ids)
    assert counts == nothing(counts)


class Interrupted(Exception):
    pass


class StopsAfter(Batches):
    """Batches that fail (a process stopping) after deleting `left` batches."""

    def __init__(self, size: int, left: int) -> None:
        super().__init__(size)
        self.left = left

    async def delete(self, *args: Any, **kwargs: Any) -> AsyncIterator[list[tuple[Any, ...]]]:
        async for rows in super().delete(*args, **kwargs):
            yield rows
            self.left -= 1
            if self.left == 0:
                raise Interrupted


async def test_a_purge_cut_short_is_finished_by_the_next(http, server, auth):
    project = await stored_project(http, server, auth)
    for function in ("d", "e", "f"):
        assert (await send(http, server.url, project, function))[0] == 200
    issue_ids = await Issue.filter(project_id=project.id).values_list("id", flat=True)
    async with sweeping._PURGING:
        await delete(http, server, project.id, auth)
        with pytest.raises(Interrupted):
            await purge_project(StopsAfter(size=2, left=2), project.id)
        left = await rows_of(project.id, issue_ids)
        assert (left["project"], left["event"], left["issue"]) == (1, 1, 4)
    await purge(server)
    counts = await rows_of(project.id, issue_ids)
    assert counts == nothing(counts)


async def test_a_purge_waits_for_another_process_holding_the_lock(http, server, auth):
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("SQLite has one server process")
    project = await stored_project(http, server, auth)
    holder = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
    try:
        # Another process purging: this one's purge, woken by the deletion, does nothing.
        assert await holder.fetchval("SELECT pg_try_advisory_lock($1)", PURGE_LOCK_KEY)
        await delete(http, server, project.id, auth)
        assert await Sweeper(server.settings).purge_once() is None
        assert await Event.filter(project_id=project.id).count() == 2
        assert await Project.filter(id=project.id).count() == 1
    finally:
        await holder.close()
    await purge(server)
    assert await Project.filter(id=project.id).count() == 0


async def test_a_deletion_notice_from_another_process_runs_the_deletion_hooks(server):
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("only PostgreSQL has other processes")
    heard: asyncio.Queue[Deletions] = asyncio.Queue()
    stop = on_deletions(heard.put_nowait)
    other = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
    try:
        (payload,) = encode_deletions(Deletions(projects=(MISSING_ID,)))
        await other.execute("SELECT pg_notify($1, $2)", DELETIONS_CHANNEL, payload)
        assert await asyncio.wait_for(heard.get(), timeout=30) == Deletions((), (MISSING_ID,))
    finally:
        stop()
        await other.close()


async def test_a_deleted_projects_name_makes_the_same_slug(server):
    first = await projects.create_project("Reused")
    await projects.delete_project(first.id)
    second = await projects.create_project("Reused")
    assert (first.slug, second.slug) == ("reused", "reused")
    assert second.id != first.id
    with pytest.raises(NotFound, match=f"project {first.id} not found"):
        await projects.get_project(first.id)
    await purge(server)
    assert [p.id for p in await Project.all()] == [second.id]
