"""GraphQL subscriptions over real WebSocket clients (gql), both protocols, both backends.

Each test starts a server of its own with a stepped clock (tests/integration/notifying.py) and
drives it with real HTTP: envelopes, REST and GraphQL mutations.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from gql import gql
from gql.transport.exceptions import TransportQueryError

from app.database import asyncpg_dsn
from app.notifications import PostgresBroker
from models import Issue
from tests.integration.graphql import data, execute
from tests.integration.notifying import (
    broker_of,
    next_change,
    notifying_server,
    only_issue,
    send,
    wait_until,
)
from tests.integration.sentry import new_project
from tests.integration.subscribing import PROTOCOLS, TRANSPORT_WS, connected, subscribed

CREATED = """subscription($p: ID) {
  issueCreated(projectId: $p) { id shortId title state eventCount project { id } }
}"""
UPDATED = """subscription($p: ID) {
  issueUpdated(projectId: $p) { id state eventCount history { to cause } }
}"""
CHANGED = """subscription($p: ID) {
  issueChanged(projectId: $p) {
    kind issueId projectId state lost interrupted issue { id state eventCount }
  }
}"""


DELETED_TOKEN = ("the API token of this connection was deleted", {"code": "UNAUTHENTICATED"})


def _codes(errors: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(e["message"], e["extensions"]) for e in errors]


def created(issue: Issue, short_id: str, event_count: int = 1) -> dict[str, object]:
    return {
        "issueCreated": {
            "id": str(issue.id),
            "shortId": short_id,
            "title": "ValueError: bad",
            "state": "OPEN",
            "eventCount": event_count,
            "project": {"id": str(issue.project_id)},
        }
    }


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_issue_created_fires_once_per_new_issue_of_its_project(http, server, token, protocol):
    project, other = await new_project(server, "My App"), await new_project(server, "Other")
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, token, protocol) as session,
        subscribed(dedicated, session, CREATED, {"p": str(project.id)}) as mine,
        subscribed(dedicated, session, CREATED) as everyone,
    ):
        await send(http, dedicated, project, "alpha")
        alpha = await only_issue(project, "alpha")
        assert await mine.next() == created(alpha, "MY-APP-1")
        assert await everyone.next() == created(alpha, "MY-APP-1")

        await send(http, dedicated, project, "alpha")  # an event of an existing issue
        await send(http, dedicated, other, "gamma")  # a new issue of another project
        gamma = await only_issue(other, "gamma")
        assert await everyone.next() == created(gamma, "OTHER-1")
        await send(http, dedicated, project, "beta")
        beta = await only_issue(project, "beta")
        # Nothing came between: not alpha's second event, not the other project's issue.
        assert await mine.next() == created(beta, "MY-APP-2")
        assert await everyone.next() == created(beta, "MY-APP-2")
        assert (mine.pending(), everyone.pending()) == (0, 0)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_issue_updated_fires_on_rest_graphql_and_regressions(
    http, server, token, auth, protocol
):
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        broker_of(dedicated).subscribe(project.id) as probe,
    ):
        for function in ("alpha", "beta"):
            await send(http, dedicated, project, function)
            await next_change(probe)  # heard: the subscription below cannot hear it late
        alpha, beta = await only_issue(project, "alpha"), await only_issue(project, "beta")
        async with (
            connected(dedicated, token, protocol) as session,
            subscribed(dedicated, session, UPDATED, {"p": str(project.id)}) as updates,
        ):
            async with http.patch(
                dedicated.server(f"/api/issues/{alpha.id}"),
                json={"state": "resolved"},
                headers=auth,
            ) as resp:
                assert resp.status == 200
            assert await updates.next() == {
                "issueUpdated": {
                    "id": str(alpha.id),
                    "state": "RESOLVED",
                    "eventCount": 1,
                    "history": [{"to": "resolved", "cause": "user"}],
                }
            }
            await send(http, dedicated, project, "alpha")  # a regression
            assert await updates.next() == {
                "issueUpdated": {
                    "id": str(alpha.id),
                    "state": "OPEN",
                    "eventCount": 2,
                    "history": [
                        {"to": "resolved", "cause": "user"},
                        {"to": "open", "cause": "regression"},
                    ],
                }
            }
            mutation = "mutation($i: ID!) { updateIssue(id: $i, state: MUTED) { id } }"
            await data(http, dedicated.server, mutation, {"i": str(beta.id)}, auth)
            assert (await updates.next())["issueUpdated"]["state"] == "MUTED"
            bulk = "mutation($ids: [ID!]!) { bulkUpdateIssues(ids: $ids, state: RESOLVED) { id } }"
            await data(http, dedicated.server, bulk, {"ids": [str(alpha.id), str(beta.id)]}, auth)
            heard = [(await updates.next())["issueUpdated"] for _ in range(2)]
            assert sorted((h["id"], h["state"]) for h in heard) == sorted(
                [(str(alpha.id), "RESOLVED"), (str(beta.id), "RESOLVED")]
            )
            await send(http, dedicated, project, "gamma")  # a new issue is no update
            await send(http, dedicated, project, "beta")  # beta regresses
            found = (await updates.next())["issueUpdated"]
            assert (found["id"], found["state"], found["eventCount"]) == (str(beta.id), "OPEN", 2)
            assert updates.pending() == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_issue_changed_tells_every_kind_coalesces_counts_and_nulls_deleted_issues(
    http, server, token, auth, protocol
):
    project, other = await new_project(server, "My App"), await new_project(server, "Other")
    async with (
        notifying_server(server.settings.database_url) as (dedicated, clock),
        # A subscription of the test's own beside the WebSocket's: the broker hands both the
        # same changes at once, so its queue shows when the WebSocket's COUNT was deferred.
        broker_of(dedicated).subscribe(project.id) as probe,
        connected(dedicated, token, protocol) as session,
        subscribed(dedicated, session, CHANGED, {"p": str(project.id)}) as changes,
    ):

        def change(kind: str, issue_id: int, state: str | None, issue: object) -> dict:
            return {
                "issueChanged": {
                    "kind": kind,
                    "issueId": str(issue_id),
                    "projectId": str(project.id),
                    "state": state,
                    "lost": 0,
                    "interrupted": 0,
                    "issue": issue,
                }
            }

        async def heard() -> dict:
            await next_change(probe)
            return await changes.next()

        await send(http, dedicated, project, "alpha")
        alpha = await only_issue(project, "alpha")
        issue = {"id": str(alpha.id), "state": "OPEN", "eventCount": 1}
        assert await heard() == change("CREATED", alpha.id, "OPEN", issue)
        await send(http, dedicated, project, "alpha")
        assert await heard() == change("COUNT", alpha.id, None, {**issue, "eventCount": 2})
        # Within the same second: deferred to its end, the second one absorbed by the first.
        await send(http, dedicated, project, "alpha")
        await send(http, dedicated, project, "alpha")
        await send(http, dedicated, other, "elsewhere")  # another project's: not heard
        await wait_until(lambda: probe.next_due() is not None)
        clock.advance(1.0)
        async with http.patch(
            dedicated.server(f"/api/issues/{alpha.id}"), json={"state": "resolved"}, headers=auth
        ) as resp:
            assert resp.status == 200
        resolved = {"id": str(alpha.id), "state": "RESOLVED", "eventCount": 4}
        assert await heard() == change("COUNT", alpha.id, None, resolved)
        assert await heard() == change("STATE", alpha.id, "RESOLVED", resolved)
        await send(http, dedicated, project, "alpha")
        reopened = {"id": str(alpha.id), "state": "OPEN", "eventCount": 5}
        assert await heard() == change("REGRESSED", alpha.id, "OPEN", reopened)
        deleted = "mutation($i: ID!) { deleteIssue(id: $i) }"
        await data(http, dedicated.server, deleted, {"i": str(alpha.id)}, auth)
        assert await heard() == change("DELETED", alpha.id, None, None)
        assert changes.pending() == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    ("project_id", "message", "extensions"),
    [
        ("999999999", "project 999999999 not found", {"code": "NOT_FOUND"}),
        (
            "abc",
            "projectId: must be a numeric id",
            {"code": "BAD_USER_INPUT", "field": "projectId"},
        ),
    ],
)
async def test_an_unknown_project_is_an_error_and_subscribes_nothing(
    server, token, protocol, project_id, message, extensions
):
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, token, protocol) as session,
    ):
        for document in (CREATED, UPDATED, CHANGED):
            async with subscribed(dedicated, session, document, {"p": project_id}) as failed:
                errors = await failed.errors()
            assert _codes(errors) == [(message, extensions)]
        assert broker_of(dedicated).subscribers == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_deleting_the_token_ends_its_subscriptions_unauthenticated(
    http, server, auth, protocol
):
    project = await new_project(server)
    made = 'mutation { createToken(description: "doomed") { id token } }'
    doomed = (await data(http, server, made, headers=auth))["createToken"]
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, doomed["token"], protocol) as session,
    ):
        async with subscribed(dedicated, session, CREATED, {"p": str(project.id)}) as live:
            await send(http, dedicated, project, "before")
            assert (await live.next())["issueCreated"]["shortId"] == "MY-APP-1"
            async with http.delete(
                dedicated.server(f"/api/tokens/{doomed['id']}"), headers=auth
            ) as resp:
                assert resp.status == 204
            await send(http, dedicated, project, "after")
            errors = await live.errors()
        assert _codes(errors) == [DELETED_TOKEN]
        await wait_until(lambda: broker_of(dedicated).subscribers == 0)
        # The connection stays open, but nothing more runs on it.
        async with subscribed(dedicated, session, CREATED) as again:
            assert _codes(await again.errors()) == [DELETED_TOKEN]
        if protocol == TRANSPORT_WS:  # graphql-ws runs subscriptions only
            with pytest.raises(TransportQueryError) as failure:
                await session.execute(gql("{ projects { id } }"))
            assert failure.value.errors is not None
            assert _codes(failure.value.errors) == [DELETED_TOKEN]


async def test_a_query_over_a_websocket_fails_once_its_token_is_deleted(http, server, auth):
    made = 'mutation { createToken(description: "doomed") { id token } }'
    doomed = (await data(http, server, made, headers=auth))["createToken"]
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, doomed["token"], TRANSPORT_WS) as session,
    ):
        query = gql("{ tokens { description } }")
        assert await session.execute(query) == {
            "tokens": [{"description": "tests"}, {"description": "doomed"}]
        }
        async with http.delete(
            dedicated.server(f"/api/tokens/{doomed['id']}"), headers=auth
        ) as resp:
            assert resp.status == 204
        with pytest.raises(TransportQueryError) as failure:
            await session.execute(query)
        assert failure.value.errors is not None
        assert _codes(failure.value.errors) == [DELETED_TOKEN]


async def test_a_subscription_over_http_is_refused_naming_websockets(http, server, auth):
    message = "subscriptions run over a WebSocket on /graphql (graphql-transport-ws or graphql-ws)"
    for document in (CREATED, UPDATED, CHANGED):
        result = await execute(http, server, document, headers=auth)
        assert result["data"] is None
        assert _codes(result["errors"]) == [(message, {"code": "BAD_USER_INPUT"})]
    async with http.get(
        server("/graphql"), params={"query": "subscription { issueCreated { id } }"}, headers=auth
    ) as resp:
        assert resp.status == 200
        assert _codes((await resp.json())["errors"]) == [(message, {"code": "BAD_USER_INPUT"})]


async def test_issue_changed_counts_the_times_the_server_stopped_hearing(http, server, token):
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("only PostgreSQL's LISTEN connection can be lost")
    project = await new_project(server)
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, token, TRANSPORT_WS) as session,
        subscribed(dedicated, session, CHANGED, {"p": str(project.id)}) as changes,
    ):
        broker = broker_of(dedicated)
        assert isinstance(broker, PostgresBroker)
        first_pid = broker.listener_pid
        admin = await asyncpg.connect(asyncpg_dsn(server.settings.database_url))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first_pid)
        finally:
            await admin.close()
        await wait_until(lambda: broker.listener_pid not in (None, first_pid))
        await send(http, dedicated, project, "after_gap")
        found = (await changes.next())["issueChanged"]
        assert (found["kind"], found["lost"], found["interrupted"]) == ("CREATED", 0, 1)
