"""GraphQL events over real HTTP on both backends: every field, neighbours, masking."""

from __future__ import annotations

import json
import uuid

import pytest

from models import Event, Issue, Project
from tests.integration import seed
from tests.integration.graphql import data, execute


@pytest.fixture
async def project(server) -> Project:
    return await Project.create(
        name="My App", slug="my-app", sentry_key="0123456789abcdef0123456789abcdef"
    )


PAYLOAD = {
    "logentry": {"formatted": "boom happened", "message": "boom %s"},
    "exception": {
        "values": [
            {
                "type": "TypeError",
                "value": "boom",
                "module": "app.views",
                "stacktrace": {
                    "frames": [
                        {
                            "filename": "app/views.py",
                            "abs_path": "/srv/app/views.py",
                            "function": "handler",
                            "module": "app.views",
                            "lineno": 20,
                            "colno": 4,
                            "context_line": "raise TypeError('boom')",
                            "pre_context": ["def handler():"],
                            "post_context": [""],
                            "in_app": True,
                            "vars": {"x": 1, "s": "'a'"},
                        },
                        {"function": "odd", "lineno": "not a number", "in_app": "yes"},
                    ]
                },
            }
        ]
    },
    "breadcrumbs": {
        "values": [
            {
                "timestamp": 1768473000.5,
                "category": "ui.click",
                "message": "clicked",
                "level": "info",
                "type": "default",
                "data": {"id": "b"},
            },
            {"timestamp": "2026-01-15T10:30:00Z", "message": "iso time"},
        ]
    },
    "contexts": {"runtime": {"name": "CPython", "version": "3.11.7"}},
    "request": {"url": "http://example.com/x", "method": "GET"},
    "sdk": {"name": "sentry.python", "version": "2.75.0"},
}
EVENT_FIELDS = """
  id timestamp receivedAt environment release level platform message
  user { id email username ipAddress } tags { key value }
  exceptions { type value module stacktrace { frames {
    filename absPath function module lineno colno contextLine preContext postContext inApp vars
  } } }
  breadcrumbs { timestamp category message level type data }
  contexts request sdk issue { id shortId }
"""


async def test_event_renders_every_field(http, server, auth, project):
    issue = await seed.issue(project, 1)
    await seed.event(
        issue,
        5,
        event_id="550e8400e29b41d4a716446655440000",
        level="error",
        platform="python",
        user={"id": 123, "email": "user@example.com", "username": "u", "ip_address": "10.0.0.1"},
        tags={"browser": "Firefox", "os": "Linux"},
        payload=PAYLOAD,
    )
    found = await data(
        http,
        server,
        f'{{ event(id: "550e8400-e29b-41d4-a716-446655440000") {{ {EVENT_FIELDS} }} }}',
        headers=auth,
    )
    assert found["event"] == {
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "timestamp": "2026-01-15T10:35:00+00:00",
        "receivedAt": "2026-01-15T10:35:01+00:00",
        "environment": "production",
        "release": "1.0.0",
        "level": "error",
        "platform": "python",
        "message": "boom happened",
        "user": {
            "id": "123",
            "email": "user@example.com",
            "username": "u",
            "ipAddress": "10.0.0.1",
        },
        "tags": [{"key": "browser", "value": "Firefox"}, {"key": "os", "value": "Linux"}],
        "exceptions": [
            {
                "type": "TypeError",
                "value": "boom",
                "module": "app.views",
                "stacktrace": {
                    "frames": [
                        {
                            "filename": "app/views.py",
                            "absPath": "/srv/app/views.py",
                            "function": "handler",
                            "module": "app.views",
                            "lineno": 20,
                            "colno": 4,
                            "contextLine": "raise TypeError('boom')",
                            "preContext": ["def handler():"],
                            "postContext": [""],
                            "inApp": True,
                            "vars": {"x": 1, "s": "'a'"},
                        },
                        {
                            "filename": None,
                            "absPath": None,
                            "function": "odd",
                            "module": None,
                            "lineno": None,
                            "colno": None,
                            "contextLine": None,
                            "preContext": [],
                            "postContext": [],
                            "inApp": None,
                            "vars": None,
                        },
                    ]
                },
            }
        ],
        "breadcrumbs": [
            {
                "timestamp": "2026-01-15T10:30:00.500000+00:00",
                "category": "ui.click",
                "message": "clicked",
                "level": "info",
                "type": "default",
                "data": {"id": "b"},
            },
            {
                "timestamp": "2026-01-15T10:30:00+00:00",
                "category": None,
                "message": "iso time",
                "level": None,
                "type": None,
                "data": None,
            },
        ],
        "contexts": {"runtime": {"name": "CPython", "version": "3.11.7"}},
        "request": {"url": "http://example.com/x", "method": "GET"},
        "sdk": {"name": "sentry.python", "version": "2.75.0"},
        "issue": {"id": str(issue.id), "shortId": "MY-APP-1"},
    }


async def test_event_raw_is_the_whole_stored_payload(http, server, auth, project):
    issue = await seed.issue(project, 1)
    event = await seed.event(issue, 1, payload=PAYLOAD)
    empty = await seed.event(issue, 2, payload="[1, 2]")  # no object: an empty one
    query = "query($id: ID!) { event(id: $id) { raw } }"
    found = await data(http, server, query, {"id": event.event_id}, headers=auth)
    assert found == {"event": {"raw": PAYLOAD}}
    found = await data(http, server, query, {"id": empty.event_id}, headers=auth)
    assert found == {"event": {"raw": {}}}


async def test_previous_and_next_event_walk_the_issue_in_time_order(http, server, auth, project):
    issue = await seed.issue(project, 1)
    other = await seed.issue(project, 2)
    ids = {}
    # Two events share minute 2: the id breaks the tie.
    for name, minute in [("a", 1), ("b", 2), ("c", 2), ("d", 3)]:
        ids[name] = (await seed.event(issue, minute)).event_id
    await seed.event(other, 2)  # another issue's event is never a neighbour
    query = "query($id: ID!) { event(id: $id) { previousEvent { id } nextEvent { id } } }"

    def dashed(name: str | None) -> dict[str, str] | None:
        return {"id": str(uuid.UUID(ids[name]))} if name else None

    for name, before, after in [
        ("a", None, "b"),
        ("b", "a", "c"),
        ("c", "b", "d"),
        ("d", "c", None),
    ]:
        found = await data(http, server, query, {"id": ids[name]}, auth)
        assert found["event"] == {"previousEvent": dashed(before), "nextEvent": dashed(after)}


async def test_issue_events_connection_and_latest_event(http, server, auth, project):
    issue = await seed.issue(project, 1)
    events = [await seed.event(issue, minute) for minute in (1, 2, 3)]
    query = """query($id: ID!, $after: String) { issue(id: $id) {
      latestEvent { id }
      events(first: 2, after: $after) {
        totalCount edges { node { id } } pageInfo { hasNextPage endCursor }
      }
    } }"""
    first = (await data(http, server, query, {"id": str(issue.id)}, auth))["issue"]
    dashed = [str(uuid.UUID(e.event_id)) for e in reversed(events)]
    assert first["latestEvent"] == {"id": dashed[0]}
    assert first["events"]["totalCount"] == 3
    assert [e["node"]["id"] for e in first["events"]["edges"]] == dashed[:2]
    assert first["events"]["pageInfo"]["hasNextPage"] is True
    after = first["events"]["pageInfo"]["endCursor"]
    second = (await data(http, server, query, {"id": str(issue.id), "after": after}, auth))["issue"]
    assert [e["node"]["id"] for e in second["events"]["edges"]] == dashed[2:]
    assert second["events"]["pageInfo"] == {"hasNextPage": False, "endCursor": None}


async def test_an_issue_without_events_has_no_latest_event(http, server, auth, project):
    issue = await seed.issue(project, 1)
    found = await data(
        http, server, f'{{ issue(id: "{issue.id}") {{ latestEvent {{ id }} }} }}', headers=auth
    )
    assert found == {"issue": {"latestEvent": None}}


async def test_a_corrupt_stored_event_is_masked_and_logged(http, server, auth, project, caplog):
    issue = await seed.issue(project, 1)
    event = await seed.event(issue, 1)
    await Event.filter(id=event.id).update(payload="{not json")
    query = f'{{ event(id: "{event.event_id}") {{ id level message }} }}'
    with caplog.at_level("ERROR", logger="schema.errors"):
        result = await execute(http, server, query, headers=auth)
    # Only the field that failed is null: the rest of the event is still served.
    assert result["data"] == {
        "event": {"id": str(uuid.UUID(event.event_id)), "level": "error", "message": None}
    }
    assert result["errors"] == [
        {
            "message": "Unexpected error.",
            "locations": [{"line": 1, "column": 60}],
            "path": ["event", "message"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]
    assert "not json" not in json.dumps(result)
    assert [r.message for r in caplog.records] == [
        "unexpected error in GraphQL ['event', 'message']"
    ]
    assert caplog.records[0].exc_info is not None
    assert await Issue.filter(id=issue.id).count() == 1


async def test_an_event_cursor_of_another_list_is_bad_user_input(http, server, auth, project):
    issue = await seed.issue(project, 1)
    await seed.event(issue, 1)
    result = await execute(
        http,
        server,
        f'{{ issue(id: "{issue.id}") {{ events(after: "WzEsMl0") {{ totalCount }} }} }}',
        headers=auth,
    )
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        (
            "after: is not a cursor returned by this API",
            {"code": "BAD_USER_INPUT", "field": "after"},
        )
    ]


async def test_stored_json_orjson_refuses_is_still_answered(http, server, auth, project):
    # Rows stored before ingestion bounded integers and replaced lone surrogates: the standard
    # library parses them, and the answer is still complete, valid JSON.
    issue = await seed.issue(project, 1)
    event = await seed.event(issue, 1)
    payload = '{"contexts": {"big": 123456789012345678901234567890, "text": "a\\ud800b"}}'
    await Event.filter(id=event.id).update(payload=payload)
    async with http.post(
        server("/graphql"),
        json={"query": f'{{ event(id: "{event.event_id}") {{ contexts }} }}'},
        headers=auth,
    ) as resp:
        assert resp.status == 200
        assert resp.content_type == "application/json"
        raw = await resp.read()
    assert json.loads(raw) == {
        "data": {"event": {"contexts": {"big": 123456789012345678901234567890, "text": "a\ud800b"}}}
    }
