"""What many subscribers cost the database (one issue read per change per process, no token
look-ups), and what they are told when one commit changes more issues than a queue holds."""

from __future__ import annotations

import re
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from models import Issue, Project
from tests.integration import seed
from tests.integration.graphql import data
from tests.integration.notifying import broker_of, next_change, notifying_server, send
from tests.integration.sentry import new_project
from tests.integration.statements import Statements, recording
from tests.integration.subscribing import TRANSPORT_WS, Listener, connected, subscribed

LIGHT = "subscription($p: ID) { issueChanged(projectId: $p) { kind issueId lost } }"
FULL = """subscription($p: ID) { issueChanged(projectId: $p) {
  kind issue { id state eventCount } } }"""
SUBSCRIBERS = 10
# The statement that reads the issue of a change (the broker's snapshot read).
# The issue read by id (with its project joined, as every API shows its short id).
ISSUE_READ = re.compile(
    r'FROM "issue"(?: LEFT OUTER JOIN "project" .*)? WHERE '
    r'(?:"issue__project"\."deleted_at" IS NULL AND )?"(?:issue"\.")?id" IN \('
)
# The broker's recheck: which of the open subscriptions' token ids still exist.
RECHECK = re.compile(r'^SELECT "id" "id" FROM "api_token" WHERE "id" IN \(')
ISSUES = 5_000


class _Statements(Statements):
    def issue_reads(self) -> int:
        return sum(1 for sql in self.sql if ISSUE_READ.search(sql))

    def token_reads(self) -> int:
        """Token reads but the broker's periodic recheck of open subscriptions' tokens (every
        RECHECK_INTERVAL_S of real time, which a slow window on a loaded machine can span)."""
        return sum(1 for sql in self.sql if "api_token" in sql and not RECHECK.search(sql))


async def test_subscribers_share_one_issue_read_per_change_and_look_up_no_token(
    http, server, token
):
    project = await new_project(server)
    variables = {"p": str(project.id)}
    async with AsyncExitStack() as stack:
        dedicated, clock = await stack.enter_async_context(
            notifying_server(server.settings.database_url)
        )
        probe = await stack.enter_async_context(broker_of(dedicated).subscribe(project.id))

        async def subscribers(document: str) -> list[Listener]:
            found = []
            for _ in range(SUBSCRIBERS):
                session = await stack.enter_async_context(connected(dedicated, token, TRANSPORT_WS))
                found.append(
                    await stack.enter_async_context(
                        subscribed(dedicated, session, document, variables)
                    )
                )
            return found

        async def heard_by(listeners: list[Listener]) -> list[dict[str, Any]]:
            await next_change(probe)
            return [(await listener.next())["issueChanged"] for listener in listeners]

        light = await subscribers(LIGHT)
        with recording(_Statements) as sql:
            await send(http, dedicated, project, "alpha")
            created = await heard_by(light)
        assert [c["kind"] for c in created] == ["CREATED"] * SUBSCRIBERS
        # Nobody asked for the issue: nobody read it; no message looked a token up.
        assert (sql.issue_reads(), sql.token_reads()) == (0, 0)

        full = await subscribers(FULL)
        clock.advance(1.0)  # the next COUNT of alpha is due at once
        with recording(_Statements) as sql:
            await send(http, dedicated, project, "alpha")
            counted = await heard_by(light + full)
        issue = {"id": created[0]["issueId"], "state": "OPEN", "eventCount": 2}
        assert counted[SUBSCRIBERS:] == [{"kind": "COUNT", "issue": issue}] * SUBSCRIBERS
        assert (sql.issue_reads(), sql.token_reads()) == (1, 0)


async def test_more_changes_than_a_queue_holds_are_each_heard_or_counted_in_lost(
    http, server, token, auth
):
    """5,000 issues resolved through bulkUpdateIssues (1,000 a call, back to back), then
    deleted with their project in one transaction: every change reaches the reader or is
    counted in `lost`, none twice."""
    project, other = await new_project(server, "Bulk"), await new_project(server, "Marker")
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
            for n in range(1, ISSUES + 1)
        ]
    )
    await Project.filter(id=project.id).update(issue_counter=ISSUES)
    ids = [str(i.id) for i in await Issue.filter(project_id=project.id).order_by("id")]
    bulk = "mutation($ids: [ID!]!) { bulkUpdateIssues(ids: $ids, state: RESOLVED) { id } }"
    async with (
        notifying_server(server.settings.database_url) as (dedicated, _),
        connected(dedicated, token, TRANSPORT_WS) as session,
        subscribed(dedicated, session, LIGHT) as reader,
    ):
        for start in range(0, ISSUES, 1_000):
            await data(http, dedicated.server, bulk, {"ids": ids[start : start + 1_000]}, auth)
        async with http.delete(
            dedicated.server(f"/api/projects/{project.id}"), headers=auth
        ) as resp:
            assert resp.status == 204
        await send(http, dedicated, other, "marker")  # after everything above
        heard = [(await reader.next())["issueChanged"]]
        while heard[-1]["kind"] != "CREATED":
            heard.append((await reader.next())["issueChanged"])
    *changes, marker = heard
    states = [c["issueId"] for c in changes if c["kind"] == "STATE"]
    deleted = [c["issueId"] for c in changes if c["kind"] == "DELETED"]
    assert len(states) + len(deleted) == len(changes)
    assert len(set(states)) == len(states)
    assert len(set(deleted)) == len(deleted)
    assert set(states) <= set(ids)
    assert set(deleted) <= set(ids)
    # Every change was heard or counted, and the counts only grow.
    assert len(changes) + marker["lost"] == 2 * ISSUES
    lost = [c["lost"] for c in heard]
    assert lost == sorted(lost)
    # The deletion alone is 5,000 changes in one commit: more than a queue holds.
    assert marker["lost"] >= ISSUES - 1_000
