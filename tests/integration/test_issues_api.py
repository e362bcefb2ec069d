"""Issues over HTTP: listing order and filters, detail, state changes with history, deletes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from models import ApiToken, Event, Issue, IssueHistory, Project
from tests.integration import seed


@pytest.fixture
async def project(server) -> Project:
    return await Project.create(name="My App", slug="my-app", sentry_key=uuid.uuid4().hex)


async def test_issues_are_listed_newest_last_seen_first_in_the_documented_shape(
    http, server, auth, project
):
    first = await seed.issue(project, 1, event_count=42)
    await seed.issue(project, 2)
    async with http.get(server(f"/api/projects/{project.id}/issues"), headers=auth) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert [i["short_id"] for i in body["data"]] == ["MY-APP-2", "MY-APP-1"]
    assert body["next_cursor"] is None
    assert body["data"][1] == {
        "id": first.id,
        "project_id": project.id,
        "short_id": "MY-APP-1",
        "type": "TypeError",
        "message": "problem 1",
        "title": "TypeError: problem 1",
        "culprit": "",
        "level": "error",
        "platform": "other",
        "state": "open",
        "event_count": 42,
        "first_seen": "2026-01-15T10:30:00Z",
        "last_seen": "2026-01-15T10:31:00Z",
    }


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("open", ["MY-APP-3"]),
        ("resolved", ["MY-APP-2"]),
        ("muted", ["MY-APP-1"]),
        (None, ["MY-APP-3", "MY-APP-2", "MY-APP-1"]),
    ],
    ids=["open", "resolved", "muted", "all"],
)
async def test_issue_list_filters_by_state(http, server, auth, project, state, expected):
    await seed.issue(project, 1, state="muted")
    await seed.issue(project, 2, state="resolved")
    await seed.issue(project, 3)
    query = f"?state={state}" if state else ""
    async with http.get(server(f"/api/projects/{project.id}/issues{query}"), headers=auth) as resp:
        assert [i["short_id"] for i in (await resp.json())["data"]] == expected


async def test_issue_list_paginates_by_last_seen_across_pages(http, server, auth, project):
    for n in range(1, 6):
        await seed.issue(project, n)
    short_ids: list[str] = []
    cursor = None
    while True:
        query = "?limit=2&state=open" + (f"&cursor={cursor}" if cursor else "")
        async with http.get(
            server(f"/api/projects/{project.id}/issues{query}"), headers=auth
        ) as resp:
            body = await resp.json()
        short_ids += [i["short_id"] for i in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert short_ids == [f"MY-APP-{n}" for n in (5, 4, 3, 2, 1)]


async def test_issues_of_an_unknown_project_are_404(http, server, auth):
    async with http.get(server("/api/projects/999999/issues"), headers=auth) as resp:
        assert resp.status == 404
        assert await resp.json() == {"error": "project 999999 not found"}


async def test_unknown_state_filter_is_400(http, server, auth, project):
    async with http.get(
        server(f"/api/projects/{project.id}/issues?state=closed"), headers=auth
    ) as resp:
        assert resp.status == 400
        assert await resp.json() == {
            "error": "state: must be one of open, resolved, muted",
            "field": "state",
        }


async def test_get_issue_includes_grouping(http, server, auth, project):
    issue = await seed.issue(
        project, 7, grouping_version="v1", grouping={"variant": "message", "values": ["x"]}
    )
    async with http.get(server(f"/api/issues/{issue.id}"), headers=auth) as resp:
        body = await resp.json()
    assert body["short_id"] == "MY-APP-7"
    assert body["grouping"] == {
        "version": "v1",
        "hash": f"{7:032x}",
        "variant": "message",
        "values": ["x"],
    }


@pytest.mark.parametrize(
    ("steps", "final", "history"),
    [
        (["resolved"], "resolved", [("open", "resolved")]),
        (["muted", "open"], "open", [("open", "muted"), ("muted", "open")]),
        (
            ["resolved", "muted", "resolved"],
            "resolved",
            [("open", "resolved"), ("resolved", "muted"), ("muted", "resolved")],
        ),
        (["open"], "open", []),
    ],
    ids=["resolve", "mute-then-reopen", "resolve-mute-resolve", "same-state-is-a-no-op"],
)
async def test_state_changes_are_recorded_in_history(
    http, server, auth, project, steps, final, history
):
    issue = await seed.issue(project, 1)
    for state in steps:
        async with http.patch(
            server(f"/api/issues/{issue.id}"), json={"state": state}, headers=auth
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["state"] == state
    assert (await Issue.get(id=issue.id)).state == final
    async with http.get(server(f"/api/issues/{issue.id}/history"), headers=auth) as resp:
        body = await resp.json()
    used = await ApiToken.get(description="tests")
    assert [(h["from"], h["to"], h["cause"], h["actor"]) for h in body["data"]] == [
        (a, b, "user", f"API token #{used.id} (tests)") for a, b in history
    ]
    assert all(h["at"].endswith("Z") for h in body["data"])


@pytest.mark.parametrize(
    ("body", "error", "field"),
    [
        ({"state": "closed"}, "state: must be one of open, resolved, muted", "state"),
        ({"state": None}, "state: must be one of open, resolved, muted", "state"),
        ({}, "state: is required", "state"),
        ({"state": "resolved", "title": "x"}, "title: is not a field that can be changed", "title"),
    ],
    ids=["unknown-state", "null-state", "missing", "extra-field"],
)
async def test_invalid_issue_updates_are_400_and_change_nothing(
    http, server, auth, project, body, error, field
):
    issue = await seed.issue(project, 1)
    async with http.patch(server(f"/api/issues/{issue.id}"), json=body, headers=auth) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": error, "field": field}
    assert (await Issue.get(id=issue.id)).state == "open"
    assert await IssueHistory.all().count() == 0


async def test_delete_issue_removes_its_events(http, server, auth, project):
    issue = await seed.issue(project, 1)
    kept = await seed.issue(project, 2)
    await seed.event(issue, 1)
    await seed.event(kept, 1)
    async with http.delete(server(f"/api/issues/{issue.id}"), headers=auth) as resp:
        assert resp.status == 204
    async with http.get(server(f"/api/issues/{issue.id}"), headers=auth) as resp:
        assert resp.status == 404
    assert await Event.filter(issue_id=issue.id).count() == 0
    assert await Event.filter(issue_id=kept.id).count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/issues/999999"),
        ("PATCH", "/api/issues/999999"),
        ("DELETE", "/api/issues/999999"),
        ("GET", "/api/issues/999999/events"),
        ("GET", "/api/issues/999999/history"),
    ],
)
async def test_unknown_issue_is_404(http, server, auth, method, path):
    async with http.request(method, server(path), json={"state": "open"}, headers=auth) as resp:
        assert resp.status == 404
        assert await resp.json() == {"error": "issue 999999 not found"}


# --- what Rustrak's own client sends ----------------------------------------------------------


@pytest.mark.parametrize(
    ("documented", "alias"),
    [
        ("state=open", "filter=open"),
        ("state=resolved", "filter=resolved"),
        ("state=muted", "filter=muted"),
        ("", "filter=all"),
        ("state=muted", "state=muted&filter=muted"),
    ],
)
async def test_rustrak_filter_lists_what_state_lists(
    http, server, auth, project, documented, alias
):
    await seed.issue(project, 1, state="muted")
    await seed.issue(project, 2, state="resolved")
    await seed.issue(project, 3)
    answers = []
    for query in (documented, alias):
        async with http.get(
            server(f"/api/projects/{project.id}/issues?{query}"), headers=auth
        ) as resp:
            assert resp.status == 200
            answers.append(await resp.json())
    assert answers[0] == answers[1]
    assert answers[0]["data"]


@pytest.fixture
async def shuffled(project) -> None:
    """Five issues whose last-seen order differs from the order they opened in."""
    for n, minute in zip(range(1, 6), (30, 10, 50, 20, 40), strict=True):
        await seed.issue(project, n, last_seen=seed.BASE_TIME + timedelta(minutes=minute))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [3, 5, 1, 4, 2]),
        ("sort=last_seen&order=desc", [3, 5, 1, 4, 2]),
        ("sort=last_seen&order=asc", [2, 4, 1, 5, 3]),
        ("sort=digest_order", [5, 4, 3, 2, 1]),
        ("sort=digest_order&order=asc", [1, 2, 3, 4, 5]),
        ("sort=digest_order&order=asc&page=2&per_page=2", [3, 4]),
        ("sort=digest_order&order=asc&page=3&per_page=2", [5]),
        ("sort=digest_order&order=asc&page=4&per_page=2", []),
        ("page=2&limit=3", [4, 2]),
        ("filter=open&sort=digest_order&order=desc&page=1&per_page=100", [5, 4, 3, 2, 1]),
    ],
)
async def test_rustrak_sort_order_and_pages(http, server, auth, project, shuffled, query, expected):
    async with http.get(server(f"/api/projects/{project.id}/issues?{query}"), headers=auth) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert [int(i["short_id"].rsplit("-", 1)[1]) for i in body["data"]] == expected


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_cursors_follow_digest_order_across_pages(
    http, server, auth, project, shuffled, order
):
    numbers: list[int] = []
    cursor = None
    while True:
        query = f"sort=digest_order&order={order}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        async with http.get(
            server(f"/api/projects/{project.id}/issues?{query}"), headers=auth
        ) as resp:
            body = await resp.json()
        numbers += [int(i["short_id"].rsplit("-", 1)[1]) for i in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert numbers == ([1, 2, 3, 4, 5] if order == "asc" else [5, 4, 3, 2, 1])


@pytest.mark.parametrize(
    ("steps", "history"),
    [
        ([({"is_resolved": True}, "resolved")], [("open", "resolved")]),
        ([({"is_muted": True}, "muted")], [("open", "muted")]),
        (
            [({"is_muted": True}, "muted"), ({"is_muted": False}, "open")],
            [("open", "muted"), ("muted", "open")],
        ),
        (
            [({"is_resolved": True}, "resolved"), ({"is_resolved": False}, "open")],
            [("open", "resolved"), ("resolved", "open")],
        ),
        (
            [({"is_resolved": False, "is_muted": True}, "muted")],
            [("open", "muted")],
        ),
        ([({"is_resolved": True, "state": "resolved"}, "resolved")], [("open", "resolved")]),
        ([({"is_resolved": False}, "open")], []),
    ],
    ids=[
        "resolve",
        "mute",
        "mute-unmute",
        "resolve-reopen",
        "muted-not-resolved",
        "agreeing",
        "noop",
    ],
)
async def test_rustrak_flags_change_state_like_state_does(
    http, server, auth, project, steps, history
):
    issue = await seed.issue(project, 1)
    for body, state in steps:
        async with http.patch(server(f"/api/issues/{issue.id}"), json=body, headers=auth) as resp:
            assert resp.status == 200
            answer = await resp.json()
        assert (answer["id"], answer["state"]) == (issue.id, state)
        assert (await Issue.get(id=issue.id)).state == state
    rows = await IssueHistory.filter(issue_id=issue.id).order_by("id")
    assert [(h.from_state, h.to_state, h.cause) for h in rows] == [
        (a, b, "user") for a, b in history
    ]


@pytest.mark.parametrize(
    ("query", "error", "field"),
    [
        ("state=open&filter=resolved", "filter: conflicts with state=open", "filter"),
        ("filter=everything", "filter: must be one of open, resolved, muted, all", "filter"),
        ("sort=title", "sort: must be one of last_seen, digest_order", "sort"),
        ("order=sideways", "order: must be one of asc, desc", "order"),
        ("page=0", "page: must be an integer from 1 to 10000", "page"),
        ("per_page=1000", "per_page: must be an integer from 1 to 100", "per_page"),
    ],
)
async def test_bad_rustrak_list_parameters_are_400(
    http, server, auth, project, query, error, field
):
    async with http.get(server(f"/api/projects/{project.id}/issues?{query}"), headers=auth) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": error, "field": field}


async def test_a_cursor_is_refused_by_a_list_in_another_order(http, server, auth, project):
    for n in range(1, 4):
        await seed.event(await seed.issue(project, n), n)

    async def get(path: str) -> tuple[int, dict]:
        async with http.get(server(path), headers=auth) as resp:
            return resp.status, await resp.json()

    issues = f"/api/projects/{project.id}/issues"
    _, first = await get(f"{issues}?limit=1")
    cursor = first["next_cursor"]
    # The same order under another filter is the same position.
    assert (await get(f"{issues}?limit=1&filter=open&cursor={cursor}"))[1]["data"][0][
        "short_id"
    ] == "MY-APP-2"
    issue_id = (await Issue.get(project_id=project.id, counter=3)).id
    await seed.event(await Issue.get(id=issue_id), 4)  # two events: a next page
    _, events = await get(f"/api/issues/{issue_id}/events?limit=1")
    refusal = {
        "error": "cursor: was made for another sort, direction or list; start again without it",
        "field": "cursor",
    }
    for path in (
        f"{issues}?limit=1&sort=digest_order&cursor={cursor}",
        f"{issues}?limit=1&order=asc&cursor={cursor}",
        f"{issues}?limit=1&cursor={events['next_cursor']}",
        f"/api/issues/{issue_id}/events?cursor={cursor}",
        f"/api/issues/{issue_id}/history?cursor={cursor}",
        f"/api/projects?cursor={cursor}",
    ):
        assert await get(path) == (400, refusal), path
