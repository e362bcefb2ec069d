"""API tokens over HTTP, and the Bearer check in front of every /api route."""

from __future__ import annotations

import hashlib
import re

import pytest

from models import ApiToken

ROUTES = [
    ("GET", "/api/projects"),
    ("POST", "/api/projects"),
    ("GET", "/api/projects/1"),
    ("PATCH", "/api/projects/1"),
    ("DELETE", "/api/projects/1"),
    ("GET", "/api/projects/1/issues"),
    ("GET", "/api/issues/1"),
    ("PATCH", "/api/issues/1"),
    ("DELETE", "/api/issues/1"),
    ("GET", "/api/issues/1/events"),
    ("GET", "/api/issues/1/history"),
    ("GET", "/api/events/550e8400-e29b-41d4-a716-446655440000"),
    ("GET", "/api/tokens"),
    ("POST", "/api/tokens"),
    ("DELETE", "/api/tokens/1"),
]


async def test_create_token_shows_it_once_and_stores_only_a_hash(http, server, auth):
    async with http.post(
        server("/api/tokens"), json={"description": "CI/CD Pipeline"}, headers=auth
    ) as resp:
        assert resp.status == 201
        created = await resp.json()
    assert re.fullmatch(r"[0-9a-f]{40}", created["token"])
    assert created["description"] == "CI/CD Pipeline"
    assert created["created_at"].endswith("Z")
    stored = await ApiToken.get(id=created["id"])
    assert stored.token_hash == hashlib.sha256(created["token"].encode()).hexdigest()
    async with http.get(server("/api/tokens"), headers=auth) as resp:
        listed = (await resp.json())["data"]
    mine = next(t for t in listed if t["id"] == created["id"])
    assert mine == {
        "id": created["id"],
        "token": created["token"][:4] + "...****",
        "description": "CI/CD Pipeline",
        "created_at": created["created_at"],
        "last_used_at": None,
    }
    assert created["token"] not in str(listed)


async def test_new_token_works_and_deleted_token_stops_working(http, server, auth):
    async with http.post(server("/api/tokens"), json={}, headers=auth) as resp:
        created = await resp.json()
    assert created["description"] == ""
    new_auth = {"Authorization": f"Bearer {created['token']}"}
    async with http.get(server("/api/projects"), headers=new_auth) as resp:
        assert resp.status == 200
    async with http.delete(server(f"/api/tokens/{created['id']}"), headers=auth) as resp:
        assert resp.status == 204
    async with http.get(server("/api/projects"), headers=new_auth) as resp:
        assert resp.status == 401
        assert await resp.json() == {"error": "invalid API token"}
    async with http.delete(server(f"/api/tokens/{created['id']}"), headers=auth) as resp:
        assert resp.status == 404
        assert await resp.json() == {"error": f"token {created['id']} not found"}


async def test_using_a_token_records_when_it_was_last_used(http, server, auth):
    async with http.get(server("/api/tokens"), headers=auth) as resp:
        (token,) = (await resp.json())["data"]
    assert token["last_used_at"].endswith("Z")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"description": 5}, "description: must be a string"),
        ({"description": "x" * 256}, "description: must be at most 255 characters"),
    ],
    ids=["not-a-string", "too-long"],
)
async def test_invalid_token_description_is_400(http, server, auth, body, error):
    async with http.post(server("/api/tokens"), json=body, headers=auth) as resp:
        assert resp.status == 400
        assert await resp.json() == {"error": error, "field": "description"}


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, "missing Authorization: Bearer <token> header"),
        ({"Authorization": "Basic dXNlcjpwdw=="}, "Authorization header must be 'Bearer <token>'"),
        ({"Authorization": "Bearer"}, "Authorization header must be 'Bearer <token>'"),
        ({"Authorization": "Bearer " + "0" * 40}, "invalid API token"),
        ({"Authorization": "Bearer not-hex"}, "invalid API token"),
    ],
    ids=["missing", "wrong-scheme", "empty", "unknown", "malformed"],
)
async def test_every_api_route_requires_a_valid_token(http, server, method, path, headers, error):
    async with http.request(method, server(path), json={"name": "x"}, headers=headers) as resp:
        assert resp.status == 401
        assert await resp.json() == {"error": error}


async def test_unknown_routes_are_json_404(http, server, auth):
    for path in ("/api/nothing", "/api/projects/abc", "/nowhere"):
        async with http.get(server(path), headers=auth) as resp:
            assert resp.status == 404
            assert await resp.json() == {"error": f"not found: {path}"}


async def test_wrong_method_is_json_405(http, server, auth):
    async with http.put(server("/api/projects"), headers=auth) as resp:
        assert resp.status == 405
        assert await resp.json() == {"error": "method PUT not allowed on /api/projects"}
        assert set(resp.headers["Allow"].split(",")) == {"GET", "HEAD", "POST"}
