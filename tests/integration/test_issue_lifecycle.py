"""Issue lifecycle driven by ingestion: counts, duplicates, regressions, mutes, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import aiohttp

from models import Event, Issue, IssueHistory
from tests.integration.sentry import SentryProject, event_envelope, exception_event, new_project


async def send(
    http: aiohttp.ClientSession, project: SentryProject, event: dict, **kw
) -> aiohttp.ClientResponse:
    async with http.post(
        project.envelope_url, data=event_envelope(event, **kw), headers=project.auth
    ) as resp:
        await resp.read()
        return resp


async def test_events_raise_count_and_last_seen_exactly(http, server):
    project = await new_project(server)
    for ts in ("2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z", "2026-11-20T11:00:00Z"):
        assert (await send(http, project, exception_event(timestamp=ts))).status == 200
    (issue,) = await Issue.filter(project_id=project.id)
    assert issue.event_count == 3
    assert issue.first_seen == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert issue.last_seen == datetime(2026, 11, 20, 12, tzinfo=UTC)


async def test_new_fingerprints_open_issues_with_the_next_short_id(http, server, auth):
    project = await new_project(server, "Shop Front")
    for function in ("a", "b", "a", "c"):
        await send(http, project, exception_event(function=function))
    async with http.get(server(f"/api/projects/{project.id}/issues"), headers=auth) as resp:
        issues = (await resp.json())["data"]
    assert sorted((i["short_id"], i["event_count"]) for i in issues) == [
        ("SHOP-FRONT-1", 2),
        ("SHOP-FRONT-2", 1),
        ("SHOP-FRONT-3", 1),
    ]


async def test_a_repeated_event_id_is_stored_once_and_still_acknowledged(http, server):
    project = await new_project(server)
    event = {"event_id": uuid.uuid4().hex, **exception_event()}
    for _ in range(3):
        async with http.post(
            project.envelope_url, data=event_envelope(event), headers=project.auth
        ) as resp:
            assert resp.status == 200
            assert await resp.json() == {"id": event["event_id"]}
    (issue,) = await Issue.filter(project_id=project.id)
    assert issue.event_count == 1
    assert await Event.filter(project_id=project.id).count() == 1


async def test_the_same_event_id_in_two_projects_is_two_events(http, server):
    first, second = await new_project(server, "a"), await new_project(server, "b")
    event = {"event_id": uuid.uuid4().hex, **exception_event()}
    for project in (first, second):
        assert (await send(http, project, event)).status == 200
    assert await Event.filter(event_id=event["event_id"]).count() == 2


async def test_an_event_for_a_resolved_issue_reopens_it_as_a_regression(http, server, auth):
    project = await new_project(server)
    await send(http, project, exception_event())
    (issue,) = await Issue.filter(project_id=project.id)
    async with http.patch(
        server(f"/api/issues/{issue.id}"), json={"state": "resolved"}, headers=auth
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["state"] == "resolved"
    assert (await Issue.get(id=issue.id)).state == "resolved"
    await send(http, project, exception_event())
    async with http.get(server(f"/api/issues/{issue.id}"), headers=auth) as resp:
        body = await resp.json()
    assert (body["state"], body["event_count"]) == ("open", 2)
    async with http.get(server(f"/api/issues/{issue.id}/history"), headers=auth) as resp:
        history = (await resp.json())["data"]
    assert [(h["from"], h["to"], h["cause"]) for h in history] == [
        ("open", "resolved", "user"),
        ("resolved", "open", "regression"),
    ]


async def test_a_muted_issue_stays_muted_and_keeps_counting(http, server, auth):
    project = await new_project(server)
    await send(http, project, exception_event())
    (issue,) = await Issue.filter(project_id=project.id)
    async with http.patch(
        server(f"/api/issues/{issue.id}"), json={"state": "muted"}, headers=auth
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["state"] == "muted"
    for _ in range(2):
        await send(http, project, exception_event())
    issue = await Issue.get(id=issue.id)
    assert (issue.state, issue.event_count) == ("muted", 3)
    assert await IssueHistory.filter(issue_id=issue.id).count() == 1


async def test_200_concurrent_events_of_a_new_fingerprint_make_one_issue(http, server):
    project = await new_project(server)
    statuses = await asyncio.gather(
        *(send(http, project, exception_event(function="burst")) for _ in range(200))
    )
    assert [r.status for r in statuses] == [200] * 200
    (issue,) = await Issue.filter(project_id=project.id)
    assert issue.event_count == 200
    assert issue.counter == 1
    assert await Event.filter(issue_id=issue.id).count() == 200
