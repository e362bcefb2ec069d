"""Per-project retention over REST and GraphQL on both backends: set, clear, refuse bad values."""

from __future__ import annotations

import pytest

from models import Project
from tests.integration.graphql import data, execute


@pytest.fixture
async def project(server) -> Project:
    return await Project.create(
        name="Kept", slug="kept", sentry_key="0123456789abcdef0123456789abcdef"
    )


async def test_patch_sets_and_clears_retention_and_the_cap(http, server, auth, project):
    url = server(f"/api/projects/{project.id}")
    async with http.patch(url, json={"retention_days": 7, "max_events": 500}, headers=auth) as r:
        assert r.status == 200
        body = await r.json()
    assert (body["retention_days"], body["max_events"]) == (7, 500)
    stored = await Project.get(id=project.id)
    assert (stored.retention_days, stored.max_events) == (7, 500)
    async with http.patch(
        url, json={"retention_days": None, "max_events": None}, headers=auth
    ) as r:
        assert r.status == 200
        body = await r.json()
    assert (body["retention_days"], body["max_events"]) == (None, None)
    stored = await Project.get(id=project.id)
    assert (stored.retention_days, stored.max_events) == (None, None)


@pytest.mark.parametrize(
    ("body", "error", "field"),
    [
        ({"retention_days": 0}, "retention_days: must be between 1 and 3650", "retention_days"),
        ({"retention_days": 3651}, "retention_days: must be between 1 and 3650", "retention_days"),
        ({"retention_days": "7"}, "retention_days: must be an integer or null", "retention_days"),
        ({"retention_days": True}, "retention_days: must be an integer or null", "retention_days"),
        ({"retention_days": 7.5}, "retention_days: must be an integer or null", "retention_days"),
        ({"max_events": 0}, "max_events: must be between 1 and 2147483647", "max_events"),
        (
            {"max_events": 2**63},
            "max_events: must be between 1 and 2147483647",
            "max_events",
        ),
        ({"max_events": [1]}, "max_events: must be an integer or null", "max_events"),
    ],
    ids=[
        "zero-days",
        "too-many-days",
        "string-days",
        "bool-days",
        "float-days",
        "zero-cap",
        "huge-cap",
        "list-cap",
    ],
)
async def test_patch_refuses_bad_retention_naming_the_field(
    http, server, auth, project, body, error, field
):
    async with http.patch(server(f"/api/projects/{project.id}"), json=body, headers=auth) as r:
        assert r.status == 400
        assert await r.json() == {"error": error, "field": field}
    stored = await Project.get(id=project.id)
    assert (stored.retention_days, stored.max_events) == (None, None)


async def test_graphql_sets_and_clears_retention(http, server, auth, project):
    pid = str(project.id)
    fields = "id retentionDays maxEvents"
    found = await data(
        http,
        server,
        f'mutation {{ setProjectRetention(id: "{pid}", days: 30, maxEvents: 10) {{ {fields} }} }}',
        headers=auth,
    )
    assert found == {"setProjectRetention": {"id": pid, "retentionDays": 30, "maxEvents": 10}}
    stored = await Project.get(id=project.id)
    assert (stored.retention_days, stored.max_events) == (30, 10)
    cleared = await data(
        http,
        server,
        f'mutation {{ setProjectRetention(id: "{pid}", days: null, maxEvents: null) '
        f"{{ {fields} }} }}",
        headers=auth,
    )
    assert cleared == {"setProjectRetention": {"id": pid, "retentionDays": None, "maxEvents": None}}
    stored = await Project.get(id=project.id)
    assert (stored.retention_days, stored.max_events) == (None, None)


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ("days: 0, maxEvents: null", "days: must be between 1 and 3650", "days"),
        ("days: 7, maxEvents: 0", "maxEvents: must be between 1 and 2147483647", "maxEvents"),
    ],
)
async def test_graphql_refuses_bad_retention_naming_the_argument(
    http, server, auth, project, arguments, message, field
):
    result = await execute(
        http,
        server,
        f'mutation {{ setProjectRetention(id: "{project.id}", {arguments}) {{ id }} }}',
        headers=auth,
    )
    assert result["data"] is None
    assert result["errors"][0]["message"] == message
    assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == field
    stored = await Project.get(id=project.id)
    assert (stored.retention_days, stored.max_events) == (None, None)
