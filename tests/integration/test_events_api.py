"""Events over HTTP: summaries newest first, and the full event by its SDK id."""

from __future__ import annotations

import json
import uuid

import pytest

from models import Project
from tests.integration import seed

PAYLOAD = {
    "event_id": "550e8400e29b41d4a716446655440000",
    "logentry": {"formatted": "boom", "message": "boom"},
    "exception": {
        "values": [
            {
                "type": "TypeError",
                "value": "boom",
                "stacktrace": {"frames": [{"function": "f", "lineno": 3}]},
            }
        ]
    },
    "breadcrumbs": {"values": [{"category": "ui.click", "message": "clicked"}]},
    "contexts": {"runtime": {"name": "CPython", "version": "3.11.7"}},
    "request": {"url": "http://example.com/x", "method": "GET"},
    "sdk": {"name": "sentry.python", "version": "2.75.0"},
}


@pytest.fixture
async def issue(server):
    project = await Project.create(name="p", slug="p", sentry_key=uuid.uuid4().hex)
    return await seed.issue(project, 1)


async def test_events_are_listed_newest_first_as_summaries(http, server, auth, issue):
    older = await seed.event(issue, 1, event_id="550e8400e29b41d4a716446655440000")
    newer = await seed.event(issue, 2, environment="staging", release=None, user=None)
    async with http.get(server(f"/api/issues/{issue.id}/events"), headers=auth) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body == {
        "data": [
            {
                "id": str(uuid.UUID(newer.event_id)),
                "timestamp": "2026-01-15T10:32:00Z",
                "environment": "staging",
                "release": None,
                "user": None,
            },
            {
                "id": "550e8400-e29b-41d4-a716-446655440000",
                "timestamp": "2026-01-15T10:31:00Z",
                "environment": "production",
                "release": "1.0.0",
                "user": {"id": "123", "email": "user@example.com"},
            },
        ],
        "next_cursor": None,
    }
    assert older.id < newer.id


async def test_event_list_paginates(http, server, auth, issue):
    made = [await seed.event(issue, minute) for minute in range(5)]
    ids: list[str] = []
    cursor = None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        async with http.get(server(f"/api/issues/{issue.id}/events{query}"), headers=auth) as resp:
            body = await resp.json()
        ids += [e["id"] for e in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert ids == [str(uuid.UUID(e.event_id)) for e in reversed(made)]


@pytest.mark.parametrize(
    "event_id",
    ["550e8400-e29b-41d4-a716-446655440000", "550e8400e29b41d4a716446655440000"],
    ids=["dashed", "hex"],
)
async def test_full_event_has_stacktrace_breadcrumbs_tags_contexts_request(
    http, server, auth, issue, event_id
):
    await seed.event(
        issue,
        1,
        event_id="550e8400e29b41d4a716446655440000",
        payload=PAYLOAD,
        level="warning",
        platform="python",
    )
    async with http.get(server(f"/api/events/{event_id}"), headers=auth) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body == {
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "issue_id": issue.id,
        "project_id": issue.project_id,
        "timestamp": "2026-01-15T10:31:00Z",
        "received_at": "2026-01-15T10:31:01Z",
        "environment": "production",
        "release": "1.0.0",
        "user": {"id": "123", "email": "user@example.com"},
        "level": "warning",
        "platform": "python",
        "message": "boom",
        "tags": {"browser": "Firefox"},
        "logentry": PAYLOAD["logentry"],
        "exception": PAYLOAD["exception"],
        "breadcrumbs": PAYLOAD["breadcrumbs"],
        "contexts": PAYLOAD["contexts"],
        "request": PAYLOAD["request"],
        "sdk": PAYLOAD["sdk"],
    }


@pytest.mark.parametrize("event_id", ["550e8400-e29b-41d4-a716-446655440001", "not-a-uuid"])
async def test_unknown_event_is_404(http, server, auth, issue, event_id):
    async with http.get(server(f"/api/events/{event_id}"), headers=auth) as resp:
        assert resp.status == 404
        assert await resp.json() == {"error": f"event {event_id} not found"}


async def test_a_stored_lone_surrogate_is_sent_as_its_json_escape(http, server, auth, issue):
    event = await seed.event(issue, 1, payload='{"extra": {"x": "a\\ud800b"}}')
    async with http.get(server(f"/api/events/{event.event_id}"), headers=auth) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
        raw = await resp.read()
    assert b'"x":"a\\ud800b"' in raw
    assert json.loads(raw)["extra"] == {"x": "a\ud800b"}
