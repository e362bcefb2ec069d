"""Notifications across processes on PostgreSQL: another server's changes, a listener that
loses its session, foreign payloads on the channel."""

from __future__ import annotations

import asyncpg
import pytest

from app.database import asyncpg_dsn
from app.notifications import IssueChange, PostgresBroker
from app.notifications.changes import CHANNEL
from tests.conftest import free_port
from tests.integration.notifying import (
    CREATED,
    OPEN,
    broker_of,
    next_change,
    notifying_server,
    only_issue,
    send,
    wait_until,
)
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.sentry import event_envelope, exception_event, new_project


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
