"""A write that meets another connection's write waits for it (up to the lock timeout) and then
succeeds: on SQLite too, where a deferred transaction that read first would fail at once."""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg

from models import IssueHistory
from tests.integration.sentry import event_envelope, exception_event, new_project

HOLD_S = 0.3


async def _hold_issue_row(database_url: str, issue_id: int, held: asyncio.Event) -> None:
    """Write to the issue row in a transaction of another connection, commit after HOLD_S."""
    if database_url.startswith("sqlite://"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite://"), isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE issue SET event_count = event_count WHERE id = ?", (issue_id,))
            held.set()
            await asyncio.sleep(HOLD_S)
            conn.execute("COMMIT")
        finally:
            conn.close()
        return
    pg = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        async with pg.transaction():
            await pg.execute("UPDATE issue SET event_count = event_count WHERE id = $1", issue_id)
            held.set()
            await asyncio.sleep(HOLD_S)
    finally:
        await pg.close()


async def test_a_state_change_waits_for_another_writer_then_succeeds(
    http, server, auth, database_url
):
    project = await new_project(server)
    async with http.post(
        project.envelope_url, data=event_envelope(exception_event()), headers=project.auth
    ) as resp:
        assert resp.status == 200
    async with http.get(server(f"/api/projects/{project.id}/issues"), headers=auth) as resp:
        (issue,) = (await resp.json())["data"]
    held = asyncio.Event()
    holder = asyncio.create_task(_hold_issue_row(database_url, issue["id"], held))
    holding = asyncio.create_task(held.wait())
    # The holder's own failure (it never holds the row) ends the wait with its error.
    done, _ = await asyncio.wait({holder, holding}, timeout=30, return_when="FIRST_COMPLETED")
    holding.cancel()
    if holder in done:
        holder.result()
    assert held.is_set(), "the other writer did not take the row within 30 s"
    async with http.patch(
        server(f"/api/issues/{issue['id']}"), json={"state": "resolved"}, headers=auth
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["state"] == "resolved"
    await holder
    history = await IssueHistory.filter(issue_id=issue["id"]).values_list("to_state", flat=True)
    assert history == ["resolved"]
