"""Projects over HTTP: the Rustrak shapes, slugs, DSNs, updates, deletes and pagination."""

from __future__ import annotations

import re
import uuid

import aiohttp
import pytest

from models import Event, Issue, Project
from tests.conftest import Server
from tests.integration import seed
from tests.integration.purging import purge

NO_STATS = {
    "accepted": 0,
    "rejected": {"unauthorized": 0, "rate_limited": 0, "too_large": 0, "invalid": 0, "timeout": 0},
}
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")


async def create(
    http: aiohttp.ClientSession, server: Server, auth: dict[str, str], name: str
) -> dict:
    async with http.post(server("/api/projects"), json={"name": name}, headers=auth) as resp:
        assert resp.status == 201, await resp.text()
        return await resp.json()


async def test_create_project_returns_the_documented_shape_with_a_dsn(http, server, auth):
    body = await create(http, server, auth, "My App")
    key = uuid.UUID(body["sentry_key"])
    assert body == {
        "id": body["id"],
        "name": "My App",
        "slug": "my-app",
        "sentry_key": str(key),
        "dsn": f"http://{key.hex}@127.0.0.1:{server.settings.port}/{body['id']}",
        "rate_limit_per_minute": None,
        "retention_days": None,
        "max_events": None,
        "created_at": body["created_at"],
    }
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", body["sentry_key"]
    )
    assert ISO_Z.match(body["created_at"])
    assert (await Project.get(id=body["id"])).sentry_key == key.hex


@pytest.mark.parametrize(
    ("names", "slugs"),
    [
        (["My App", "my app", "MY-APP"], ["my-app", "my-app-2", "my-app-3"]),
        (["  Billing  Service!! "], ["billing-service"]),
        (["!!!"], ["project"]),
        (["Ünïcode app"], ["n-code-app"]),
    ],
    ids=["same-name-gets-suffixes", "punctuation-and-spaces", "no-letters", "non-ascii-dropped"],
)
async def test_slugs_are_derived_from_names_and_unique(http, server, auth, names, slugs):
    assert [(await create(http, server, auth, n))["slug"] for n in names] == slugs


async def test_get_project_by_id(http, server, auth):
    created = await create(http, server, auth, "api")
    async with http.get(server(f"/api/projects/{created['id']}"), headers=auth) as resp:
        assert resp.status == 200
        assert await resp.json() == {**created, "stats": NO_STATS}


async def test_patch_renames_and_keeps_the_slug_and_key(http, server, auth):
    created = await create(http, server, auth, "old name")
    url = server(f"/api/projects/{created['id']}")
    async with http.patch(url, json={"name": "New Name"}, headers=auth) as resp:
        assert resp.status == 200
        assert await resp.json() == {**created, "name": "New Name"}
    async with http.get(url, headers=auth) as resp:
        assert (await resp.json())["name"] == "New Name"


async def test_patch_sets_and_clears_the_rate_limit(http, server, auth):
    created = await create(http, server, auth, "limited")
    url = server(f"/api/projects/{created['id']}")
    async with http.patch(url, json={"rate_limit_per_minute": 120}, headers=auth) as resp:
        assert resp.status == 200
        assert await resp.json() == {**created, "rate_limit_per_minute": 120}
    assert (await Project.get(id=created["id"])).rate_limit_per_minute == 120
    async with http.patch(url, json={"rate_limit_per_minute": None}, headers=auth) as resp:
        assert resp.status == 200
        assert await resp.json() == created
    assert (await Project.get(id=created["id"])).rate_limit_per_minute is None


@pytest.mark.parametrize(
    ("body", "status", "error", "field"),
    [
        ({}, 400, "name: is required", "name"),
        ({"name": ""}, 400, "name: must not be empty", "name"),
        ({"name": "   "}, 400, "name: must not be empty", "name"),
        ({"name": 42}, 400, "name: must be a string", "name"),
        ({"name": "x" * 201}, 400, "name: must be at most 200 characters", "name"),
    ],
    ids=["missing", "empty", "blank", "not-a-string", "too-long"],
)
async def test_create_rejects_invalid_names_naming_the_field(
    http, server, auth, body, status, error, field
):
    async with http.post(server("/api/projects"), json=body, headers=auth) as resp:
        assert resp.status == status
        assert await resp.json() == {"error": error, "field": field}
    assert await Project.all().count() == 0


@pytest.mark.parametrize(
    ("body", "error", "field"),
    [
        ({"slug": "x"}, "slug: is not a field that can be changed", "slug"),
        (
            {"rate_limit_per_minute": -1},
            "rate_limit_per_minute: must be between 0 and 10000000",
            "rate_limit_per_minute",
        ),
        (
            {"rate_limit_per_minute": "10"},
            "rate_limit_per_minute: must be a non-negative integer or null",
            "rate_limit_per_minute",
        ),
        (
            {"rate_limit_per_minute": True},
            "rate_limit_per_minute: must be a non-negative integer or null",
            "rate_limit_per_minute",
        ),
        ({"name": None}, "name: is required", "name"),
    ],
    ids=["unknown-field", "negative-limit", "string-limit", "bool-limit", "null-name"],
)
async def test_patch_rejects_invalid_fields(http, server, auth, body, error, field):
    created = await create(http, server, auth, "p")
    async with http.patch(
        server(f"/api/projects/{created['id']}"), json=body, headers=auth
    ) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": error, "field": field}
    assert (await Project.get(id=created["id"])).name == "p"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"name": ', "malformed JSON body: Expecting value: line 1 column 10 (char 9)"),
        (b'["name"]', "body must be a JSON object"),
        (b"\xff\xfe", "malformed JSON body: not valid UTF-8"),
    ],
    ids=["truncated", "array", "not-utf8"],
)
async def test_malformed_bodies_are_400(http, server, auth, raw, error):
    headers = {**auth, "Content-Type": "application/json"}
    async with http.post(server("/api/projects"), data=raw, headers=headers) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": error}


async def test_delete_project_removes_its_issues_and_events(http, server, auth):
    created = await create(http, server, auth, "doomed")
    other = await create(http, server, auth, "kept")
    for project_id in (created["id"], other["id"]):
        project = await Project.get(id=project_id)
        issue = await seed.issue(project, 1)
        await seed.event(issue, 1)
    async with http.delete(server(f"/api/projects/{created['id']}"), headers=auth) as resp:
        assert resp.status == 204
    async with http.get(server(f"/api/projects/{created['id']}"), headers=auth) as resp:
        assert resp.status == 404
        assert await resp.json() == {"error": f"project {created['id']} not found"}
    await purge(server)
    assert await Issue.filter(project_id=created["id"]).count() == 0
    assert await Event.filter(project_id=created["id"]).count() == 0
    assert await Event.filter(project_id=other["id"]).count() == 1


async def test_project_list_paginates_with_stable_cursors(http, server, auth):
    ids = [(await create(http, server, auth, f"p{i}"))["id"] for i in range(5)]
    seen: list[int] = []
    url = server("/api/projects?limit=2")
    pages = 0
    while url:
        async with http.get(url, headers=auth) as resp:
            body = await resp.json()
        pages += 1
        seen += [p["id"] for p in body["data"]]
        if pages == 1:  # a row created mid-way lands on a later page, nothing repeats
            ids.append((await create(http, server, auth, "late"))["id"])
        cursor = body["next_cursor"]
        url = server(f"/api/projects?limit=2&cursor={cursor}") if cursor else None
    assert seen == ids
    assert pages == 3


async def test_default_page_is_50_and_limit_is_capped_at_100(http, server, auth):
    await Project.bulk_create(
        [Project(name=f"p{i}", slug=f"p{i}", sentry_key=uuid.uuid4().hex) for i in range(120)]
    )
    async with http.get(server("/api/projects"), headers=auth) as resp:
        body = await resp.json()
        assert len(body["data"]) == 50
        assert body["next_cursor"] is not None
    async with http.get(server("/api/projects?limit=100"), headers=auth) as resp:
        assert len((await resp.json())["data"]) == 100


@pytest.mark.parametrize(
    ("query", "error", "field"),
    [
        ("limit=0", "limit: must be an integer from 1 to 100", "limit"),
        ("limit=101", "limit: must be an integer from 1 to 100", "limit"),
        ("limit=ten", "limit: must be an integer from 1 to 100", "limit"),
        ("cursor=%%%", "cursor: is not a cursor returned by this API", "cursor"),
        ("cursor=e30", "cursor: is not a cursor returned by this API", "cursor"),
        ("cursor=WyJ4Il0", "cursor: is not a cursor returned by this API", "cursor"),
    ],
    ids=[
        "zero",
        "above-max",
        "not-a-number",
        "garbage-cursor",
        "object-cursor",
        "wrong-type-cursor",
    ],
)
async def test_bad_pagination_parameters_are_400(http, server, auth, query, error, field):
    await create(http, server, auth, "p")
    async with http.get(server(f"/api/projects?{query}"), headers=auth) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": error, "field": field}
