"""Subscriptions under load: a WebSocket client that stops reading, and several processes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from gql import Client
from gql.transport.websockets import WebsocketsTransport

from models import Issue, Project
from tests.conftest import free_port
from tests.integration import seed
from tests.integration.dedicated import Dedicated
from tests.integration.graphql import data
from tests.integration.notifying import broker_of, notifying_server, only_issue, wait_until
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.sentry import SentryProject, event_envelope, exception_event, new_project
from tests.integration.subscribing import (
    TRANSPORT_WS,
    RawWebSocket,
    connected,
    listening,
    subscribed,
)

# A message of ~250 kB per new issue: a few of them fill every buffer between the server and a
# client that does not read (its receive buffer is kept small below).
BLOB = "x" * 250_000
HEAVY = "subscription($p: ID) { issueCreated(projectId: $p) { latestEvent { contexts } } }"
LIGHT = "subscription($p: ID) { issueChanged(projectId: $p) { kind issueId lost } }"
# ~8 kB a message: the server writes up to 256 KiB to a blocked socket before it waits
# (aiohttp's writer limit), some 30 of these.
MONTHS = " ".join(f"m{n}: frequency(period: MONTH) {{ start count }}" for n in range(5))
MEDIUM = (
    "subscription($p: ID) { issueChanged(projectId: $p) { kind issueId lost issue { "
    + MONTHS
    + " } } }"
)
BLOCKING_ISSUES = 24  # 6 MB: more than the server's send buffer (4 MiB at most) and the client's
CREATED_AT_A = """subscription($p: ID) {
  issueCreated(projectId: $p) { id shortId culprit eventCount }
}"""
FLOOD = 1_100  # state changes: more than a subscription's queue holds (1,000)


async def _send_blob(http: Any, dedicated: Dedicated, project: SentryProject, n: int) -> None:
    body = exception_event(function=f"blob_{n}", contexts={"blob": {"data": BLOB}})
    async with http.post(
        dedicated.server(f"/api/{project.id}/envelope/"),
        data=event_envelope(body),
        headers=project.auth,
    ) as resp:
        assert resp.status == 200, await resp.text()


async def test_a_client_that_stops_reading_blocks_nobody_and_is_told_what_it_lost(
    http, server, token, auth
):
    project = await new_project(server)
    await Issue.bulk_create(
        [
            Issue(
                project_id=project.id,
                fingerprint=f"{n:032x}",
                counter=n,
                type="TypeError",
                message="",
                title=f"TypeError: {n}",
                first_seen=seed.BASE_TIME,
                last_seen=seed.BASE_TIME + timedelta(minutes=n),
            )
            for n in range(1, FLOOD + 1)
        ]
    )
    await Project.filter(id=project.id).update(issue_counter=FLOOD)
    ids = [str(i.id) for i in await Issue.filter(project_id=project.id).order_by("id")]
    assert len(ids) == FLOOD
    variables = {"p": str(project.id)}
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, token, TRANSPORT_WS) as session,
        subscribed(dedicated, session, LIGHT, variables) as reader,
    ):
        broker = broker_of(dedicated)
        stuck = await RawWebSocket.connect(dedicated.server, TRANSPORT_WS)
        try:
            await stuck.send_json({"type": "connection_init", "payload": {"token": token}})
            assert await stuck.receive_json() == {"type": "connection_ack"}
            for n, query in enumerate((HEAVY, MEDIUM), start=1):
                before = broker.subscribers
                message = {"query": query, "variables": variables}
                await stuck.send_json({"id": str(n), "type": "subscribe", "payload": message})
                await wait_until(lambda before=before: broker.subscribers > before)
            # The stuck client reads nothing from here on; the server's sends to it block.
            for n in range(BLOCKING_ISSUES):
                await _send_blob(http, dedicated, project, n)
                assert (await reader.next())["issueChanged"]["kind"] == "CREATED"
            bulk = "mutation($ids: [ID!]!) { bulkUpdateIssues(ids: $ids, state: RESOLVED) { id } }"
            heard: list[dict[str, Any]] = []
            # One call at a time, each heard before the next: a burst of more changes than a queue
            # holds would overflow the reader's queue too, however fast it reads.
            for part in (ids[:1000], ids[1000:]):
                await data(http, dedicated.server, bulk, {"ids": part}, auth)
                heard += [(await reader.next())["issueChanged"] for _ in part]
            await _send_blob(http, dedicated, project, BLOCKING_ISSUES)  # ingestion goes on
            heard.append((await reader.next())["issueChanged"])
            assert [(h["kind"], h["lost"]) for h in heard] == [("STATE", 0)] * FLOOD + [
                ("CREATED", 0)
            ]
            assert sorted(h["issueId"] for h in heard[:FLOOD]) == sorted(ids)

            # Now the stuck client reads. Changes it was sent before the server blocked come first,
            # then one telling how many were dropped meanwhile; everything since was heard.
            light: list[dict[str, Any]] = []
            while not light or light[-1]["lost"] == 0:
                frame = await stuck.receive_json()
                if frame["id"] == "2":
                    light.append(frame["payload"]["data"]["issueChanged"])
            lost = light[-1]["lost"]
            assert 0 < lost < FLOOD
        finally:
            stuck.close()
        await wait_until(lambda: broker.subscribers == 1)  # the reader's; the stuck one ended


async def test_a_subscriber_of_one_process_hears_an_issue_ingested_by_another(http, server, token):
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("several server processes need PostgreSQL")
    project = await new_project(server)
    env = faultline_env(server.settings.database_url)
    ports = free_port(), free_port()
    a, b = await asyncio.gather(*(start_server(port, env) for port in ports))
    try:
        b_url = f"http://127.0.0.1:{ports[1]}"
        transport = WebsocketsTransport(
            url=f"ws://127.0.0.1:{ports[0]}/graphql", init_payload={"token": token}
        )

        async def ingest_at_b(function: str) -> None:
            async with http.post(
                f"{b_url}/api/{project.id}/envelope/",
                data=event_envelope(exception_event(function=function)),
                headers=project.auth,
            ) as resp:
                assert resp.status == 200

        async with (
            Client(transport=transport) as session,
            listening(session, CREATED_AT_A, {"p": str(project.id)}) as (created, _),
        ):
            # A does not say when it has subscribed: new issues go in at B until A tells of one.
            warm = 0
            while not created.pending():
                warm += 1
                await ingest_at_b(f"warm_{warm}")
                await wait_until(lambda: created.pending() > 0, timeout_s=2, fail=False)
            await ingest_at_b("target")
            target = await only_issue(project, "target")
            heard = [(await created.next())["issueCreated"]]
            while heard[-1]["culprit"] != "app.views in target":
                heard.append((await created.next())["issueCreated"])
            # Warm-up issues heard late are still heard, each once, before the target.
            assert [h["culprit"] for h in heard[:-1]] == [
                f"app.views in warm_{n}" for n in range(warm - len(heard) + 2, warm + 1)
            ]
            assert heard[-1] == {
                "id": str(target.id),
                "shortId": f"MY-APP-{target.counter}",
                "culprit": "app.views in target",
                "eventCount": 1,
            }
    finally:
        for proc in (a, b):
            assert await stop(proc) == 0
