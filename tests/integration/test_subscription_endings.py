"""How subscriptions end: their token deleted (by any API, the CLI, or unheard during an outage
of the broker's source) or their project deleted. Both backends, real WebSocket clients."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from app.database import asyncpg_dsn
from app.notifications import PostgresBroker
from models import ApiToken
from tests.integration.graphql import data
from tests.integration.notifying import (
    broker_of,
    next_change,
    notifying_server,
    only_issue,
    send,
    wait_until,
)
from tests.integration.processes import faultline_env, run_cli
from tests.integration.sentry import new_project
from tests.integration.subscribing import PROTOCOLS, TRANSPORT_WS, connected, subscribed

CREATED = "subscription($p: ID) { issueCreated(projectId: $p) { id } }"
UPDATED = "subscription($p: ID) { issueUpdated(projectId: $p) { id } }"
CHANGED = "subscription($p: ID) { issueChanged(projectId: $p) { kind issueId lost } }"
DELETED_TOKEN = ("the API token of this connection was deleted", {"code": "UNAUTHENTICATED"})
MADE = 'mutation { createToken(description: "doomed") { id token } }'


def _codes(errors: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(e["message"], e["extensions"]) for e in errors]


async def _doomed_token(http, server, auth) -> dict[str, str]:
    made: dict[str, str] = (await data(http, server, MADE, headers=auth))["createToken"]
    return made


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_deleting_a_token_with_graphql_ends_its_subscriptions_at_once(
    http, server, token, auth, protocol
):
    project = await new_project(server)
    doomed = await _doomed_token(http, server, auth)
    variables = {"p": str(project.id)}
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, doomed["token"], protocol) as session,
        connected(dedicated, token, protocol) as other,
        subscribed(dedicated, session, CREATED, variables) as created,
        subscribed(dedicated, session, CHANGED) as changed,
        subscribed(dedicated, other, CREATED, variables) as unaffected,
    ):
        deletion = "mutation($i: ID!) { deleteToken(id: $i) }"
        assert await data(http, dedicated.server, deletion, {"i": doomed["id"]}, auth) == {
            "deleteToken": True
        }
        # No change is needed to end them: the deletion itself is heard.
        assert _codes(await created.errors()) == [DELETED_TOKEN]
        assert _codes(await changed.errors()) == [DELETED_TOKEN]
        await wait_until(lambda: broker_of(dedicated).subscribers == 1)
        await send(http, dedicated, project, "after")  # the other token's subscription goes on
        issue = await only_issue(project, "after")
        assert await unaffected.next() == {"issueCreated": {"id": str(issue.id)}}


@pytest.mark.parametrize("missed", [False, True], ids=["heard", "rechecked"])
async def test_a_token_deleted_by_the_cli_or_unheard_ends_its_subscriptions(
    http, server, auth, missed
):
    """The CLI is another process: PostgreSQL's NOTIFY reaches the server; on SQLite, and for
    a deletion nobody heard (behind the broker's back), the broker's recheck finds it."""
    project = await new_project(server)
    doomed = await _doomed_token(http, server, auth)
    url = server.settings.database_url
    async with (
        notifying_server(url) as (dedicated, _),
        connected(dedicated, doomed["token"], TRANSPORT_WS) as session,
        subscribed(dedicated, session, UPDATED, {"p": str(project.id)}) as updates,
    ):
        broker = broker_of(dedicated)
        if missed:
            assert await ApiToken.filter(id=int(doomed["id"])).delete() == 1
        else:
            done = await asyncio.to_thread(
                run_cli, ["token", "delete", doomed["id"]], faultline_env(url)
            )
            assert done.returncode == 0, done.stderr
        if missed or not url.startswith("postgres"):
            assert updates.pending() == 0
            assert broker.subscribers == 1  # nothing told the broker yet
            await broker.recheck()
        assert _codes(await updates.errors()) == [DELETED_TOKEN]
        await wait_until(lambda: broker.subscribers == 0)


async def test_a_token_deleted_while_the_listener_was_down_is_found_after_it_reconnects(
    http, server, auth
):
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("only PostgreSQL's LISTEN connection can be lost")
    project = await new_project(server)
    doomed = await _doomed_token(http, server, auth)
    url = server.settings.database_url
    async with (
        notifying_server(url) as (dedicated, _),
        connected(dedicated, doomed["token"], TRANSPORT_WS) as session,
        subscribed(dedicated, session, CHANGED, {"p": str(project.id)}) as changes,
    ):
        broker = broker_of(dedicated)
        assert isinstance(broker, PostgresBroker)
        first_pid = broker.listener_pid
        # Deleted without a word (as if its NOTIFY had come while nobody listened), then the
        # listener loses its session: the broker rechecks once it listens again.
        assert await ApiToken.filter(id=int(doomed["id"])).delete() == 1
        admin = await asyncpg.connect(asyncpg_dsn(url))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first_pid)
        finally:
            await admin.close()
        assert _codes(await changes.errors()) == [DELETED_TOKEN]
        assert broker.listener_pid not in (None, first_pid)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_deleting_a_project_ends_its_subscriptions_not_found(
    http, server, token, auth, protocol
):
    project, other = await new_project(server, "Doomed"), await new_project(server, "Kept")
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as probe,
    ):
        for function in ("alpha", "beta"):
            await send(http, dedicated, project, function)
            await next_change(probe)
        alpha, beta = await only_issue(project, "alpha"), await only_issue(project, "beta")
        async with (
            connected(dedicated, token, protocol) as session,
            subscribed(dedicated, session, CHANGED, {"p": str(project.id)}) as changes,
            subscribed(dedicated, session, CREATED, {"p": str(project.id)}) as created,
            subscribed(dedicated, session, CHANGED) as everything,
            subscribed(dedicated, session, CHANGED, {"p": str(other.id)}) as elsewhere,
        ):
            async with http.delete(
                dedicated.server(f"/api/projects/{project.id}"), headers=auth
            ) as resp:
                assert resp.status == 204
            gone = [
                {"issueChanged": {"kind": "DELETED", "issueId": str(i), "lost": 0}}
                for i in (alpha.id, beta.id)
            ]
            # Its issues' DELETED changes first, then the end.
            assert [await changes.next() for _ in gone] == gone
            ended = [(f"project {project.id} was deleted", {"code": "NOT_FOUND"})]
            assert _codes(await changes.errors()) == ended
            assert _codes(await created.errors()) == ended
            # Subscriptions to every project or to another one go on.
            assert [await everything.next() for _ in gone] == gone
            await send(http, dedicated, other, "gamma")
            gamma = await only_issue(other, "gamma")
            heard = {"kind": "CREATED", "issueId": str(gamma.id), "lost": 0}
            assert await elsewhere.next() == {"issueChanged": heard}
            assert await everything.next() == {"issueChanged": heard}
            await wait_until(lambda: broker_of(dedicated).subscribers == 3)  # 2 + the probe
