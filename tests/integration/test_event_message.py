"""The event's message column: stored at ingestion (Sentry and Rollbar), read by lists without
the payload, and derived from the payload for rows stored before the column existed."""

from __future__ import annotations

import json
import uuid

import pytest

from app.events.message import event_message
from app.events.service import payload_of
from models import Event, Project
from tests.integration import seed
from tests.integration.graphql import data
from tests.integration.rollbar_sdk import item, new_rollbar_project, trace
from tests.integration.sentry import event_envelope, exception_event, new_project
from tests.integration.statements import recording


async def test_sentry_events_store_their_message(http, server):
    project = await new_project(server)
    sent = {
        "logentry": {"logentry": {"message": "Payment %s failed", "params": ["7"]}},
        "formatted": {
            "logentry": {"message": "Payment %s failed", "formatted": "Payment 7 failed"}
        },
        "top-level": {"message": "plain text"},
        "exception": exception_event(),
    }
    ids: dict[str, str] = {}
    for name, event in sent.items():
        ids[name] = uuid.uuid4().hex
        body = event_envelope({"event_id": ids[name], **event})
        async with http.post(project.envelope_url, data=body, headers=project.auth) as resp:
            assert resp.status == 200, await resp.text()
    stored = {e.event_id: e for e in await Event.filter(project_id=project.id)}
    assert {name: (stored[i].message, stored[i].message_stored) for name, i in ids.items()} == {
        "logentry": ("Payment %s failed", True),
        "formatted": ("Payment 7 failed", True),
        "top-level": ("plain text", True),
        "exception": (None, True),
    }
    # The same rule as rows without the column: what their payload says.
    assert all(e.message == event_message(payload_of(e)) for e in stored.values())


async def test_rollbar_items_store_their_message(http, server):
    project = await new_rollbar_project(server)
    sent = {
        "message": item(),
        "empty message": item({"message": {"body": ""}}),
        "crash report": item({"crash_report": {"raw": "SIGSEGV at 0x0\nframe 1"}}),
        "trace": item({"trace": trace("KeyError", "'id'", [("app.py", "main", "x()")])}),
    }
    uuids: dict[str, str] = {}
    for name, body in sent.items():
        uuids[name] = uuid.UUID(body["data"]["uuid"]).hex
        async with http.post(project.item_url, json=body, headers=project.header()) as resp:
            assert resp.status == 200, await resp.text()
    stored = {e.event_id: e for e in await Event.filter(project_id=project.id)}
    assert {name: (stored[i].message, stored[i].message_stored) for name, i in uuids.items()} == {
        "message": ("hello", True),
        "empty message": ("", True),
        "crash report": ("SIGSEGV at 0x0", True),
        "trace": (None, True),
    }
    assert all(e.message == event_message(payload_of(e)) for e in stored.values())


@pytest.fixture
async def project(server) -> Project:
    return await Project.create(
        name="My App", slug="my-app", sentry_key="0123456789abcdef0123456789abcdef"
    )


def _payload(message: str) -> str:
    return json.dumps(
        {
            "logentry": {"formatted": message},
            "exception": {"values": [{"type": "TypeError", "value": message}]},
            "breadcrumbs": {"values": [{"message": f"crumb of {message}"}]},
        }
    )


async def _new_and_old_rows(project: Project) -> tuple[str, str]:
    """Issue 1's latest event has its message stored (and a payload saying otherwise, so an
    answer shows where it came from); issue 2's is a row stored before the column was."""
    first, second = await seed.issue(project, 1), await seed.issue(project, 2)
    await seed.event(
        first, 1, payload=_payload("from the payload 1"), message="stored", message_stored=True
    )
    await seed.event(second, 1, payload=_payload("from the payload 2"))
    return str(first.id), str(second.id)


LIST = """query($projectId: ID!) { issues(projectId: $projectId, sort: FIRST_SEEN, direction: ASC) {
  edges { node { id latestEvent { environment message } } } } }"""


async def test_a_list_shows_stored_messages_and_derives_those_of_older_rows(
    http, server, auth, project
):
    first, second = await _new_and_old_rows(project)
    found = await data(http, server, LIST, {"projectId": str(project.id)}, auth)
    assert [e["node"] for e in found["issues"]["edges"]] == [
        {"id": first, "latestEvent": {"environment": "production", "message": "stored"}},
        {
            "id": second,
            "latestEvent": {"environment": "production", "message": "from the payload 2"},
        },
    ]


async def test_payload_fields_of_a_latest_event_are_read_however_they_are_selected(
    http, server, auth, project
):
    first, _ = await _new_and_old_rows(project)
    query = """query($projectId: ID!) {
      issues(projectId: $projectId, sort: FIRST_SEEN, direction: ASC) { edges { node {
        direct: latestEvent { message exceptions { value } }
        spread: latestEvent { message ...Crumbs }
        inline: latestEvent { ... on Event { message exceptions { value } } }
      } } } }
    fragment Crumbs on Event { breadcrumbs { message } }"""
    found = await data(http, server, query, {"projectId": str(project.id)}, auth)
    nodes = [e["node"] for e in found["issues"]["edges"]]
    assert nodes == [
        {
            "direct": {"message": message, "exceptions": [{"value": f"from the payload {n}"}]},
            "spread": {
                "message": message,
                "breadcrumbs": [{"message": f"crumb of from the payload {n}"}],
            },
            "inline": {"message": message, "exceptions": [{"value": f"from the payload {n}"}]},
        }
        for n, message in ((1, "stored"), (2, "from the payload 2"))
    ]
    detail = await data(
        http,
        server,
        "query($id: ID!) { issue(id: $id) { latestEvent { message raw } } }",
        {"id": first},
        auth,
    )
    assert detail["issue"]["latestEvent"] == {
        "message": "stored",
        "raw": json.loads(_payload("from the payload 1")),
    }


async def test_a_list_of_messages_reads_no_stored_payload(http, server, auth, project):
    await _new_and_old_rows(project)
    with recording() as sent:
        await data(http, server, LIST, {"projectId": str(project.id)}, auth)
    latest = [s for s in sent.sql if "ORDER BY e.timestamp DESC" in s]
    assert len(latest) == 1
    # The payload only of rows whose message is not stored.
    assert "event.*" not in latest[0]
    assert "CASE WHEN event.message_stored THEN NULL ELSE event.payload END" in latest[0]


async def test_latest_events_read_ahead_for_a_page_serve_every_selection(
    http, server, auth, project
):
    # The page reads its latest events itself; selections through fragments of the
    # connection, of the edge and of the project's own issue list are all served.
    await _new_and_old_rows(project)
    query = """query($projectId: ID!) {
      issues(projectId: $projectId, sort: FIRST_SEEN, direction: ASC) { ...Page }
      project(id: $projectId) { issues(sort: FIRST_SEEN, direction: ASC) {
        edges { node { latestEvent { message } } } } }
    }
    fragment Page on IssueConnection { edges { ... on IssueEdge { node { ...Latest } } } }
    fragment Latest on Issue { latestEvent { message exceptions { value } } }"""
    found = await data(http, server, query, {"projectId": str(project.id)}, auth)
    assert [e["node"]["latestEvent"] for e in found["issues"]["edges"]] == [
        {"message": "stored", "exceptions": [{"value": "from the payload 1"}]},
        {"message": "from the payload 2", "exceptions": [{"value": "from the payload 2"}]},
    ]
    assert [e["node"]["latestEvent"] for e in found["project"]["issues"]["edges"]] == [
        {"message": "stored"},
        {"message": "from the payload 2"},
    ]


async def test_an_issue_without_events_in_a_page_has_no_latest_event(http, server, auth, project):
    issue = await seed.issue(project, 1)
    found = await data(http, server, LIST, {"projectId": str(project.id)}, auth)
    assert found["issues"]["edges"] == [{"node": {"id": str(issue.id), "latestEvent": None}}]


async def test_a_page_serves_every_column_field_of_its_latest_events(http, server, auth, project):
    issue = await seed.issue(project, 1)
    older = await seed.event(issue, 1)
    latest = await seed.event(issue, 2, message="stored", message_stored=True)
    fields = """id timestamp receivedAt environment release level platform message
      user { id email username ipAddress } tags { key value } issue { id }
      previousEvent { id } nextEvent { id }"""
    query = f"""query($projectId: ID!, $id: ID!) {{
      issues(projectId: $projectId) {{ edges {{ node {{ latestEvent {{ {fields} }} }} }} }}
      event(id: $id) {{ {fields} }} }}"""
    found = await data(
        http, server, query, {"projectId": str(project.id), "id": latest.event_id}, auth
    )
    listed = found["issues"]["edges"][0]["node"]["latestEvent"]
    assert listed == found["event"]
    assert listed == {
        "id": str(uuid.UUID(hex=latest.event_id)),
        "timestamp": "2026-01-15T10:32:00+00:00",
        "receivedAt": "2026-01-15T10:32:01+00:00",
        "environment": "production",
        "release": "1.0.0",
        "level": "error",
        "platform": "other",
        "message": "stored",
        "user": {"id": "123", "email": "user@example.com", "username": None, "ipAddress": None},
        "tags": [{"key": "browser", "value": "Firefox"}],
        "issue": {"id": str(issue.id)},
        "previousEvent": {"id": str(uuid.UUID(hex=older.event_id))},
        "nextEvent": None,
    }
