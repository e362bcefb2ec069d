"""Rollbar project access tokens: four per new project, and their admin REST routes."""

from __future__ import annotations

import re
import sqlite3

import asyncpg

from app import database
from app.projects import service as projects
from models import ProjectAccessToken
from tests.conftest import recreate_pg_database
from tests.integration.processes import REPO

SCOPES = ["post_server_item", "post_client_item", "read", "write"]


async def test_a_new_project_gets_four_tokens_one_per_scope(http, server, auth):
    project = await projects.create_project("Tokens")
    async with http.get(server(f"/api/projects/{project.id}/access_tokens"), headers=auth) as r:
        assert r.status == 200
        listed = (await r.json())["data"]
    assert [t["scopes"] for t in listed] == [[scope] for scope in SCOPES]
    assert all(re.fullmatch(r"[0-9a-f]{32}", t["token"]) for t in listed)
    assert len({t["token"] for t in listed}) == 4
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", t["created_at"]) for t in listed)
    stored = await ProjectAccessToken.filter(project_id=project.id).order_by("id")
    assert [t.id for t in stored] == [t["id"] for t in listed]


async def test_create_with_any_scopes_then_revoke(http, server, auth):
    project = await projects.create_project("Tokens")
    url = server(f"/api/projects/{project.id}/access_tokens")
    async with http.post(url, json={"scopes": ["write", "read", "read"]}, headers=auth) as r:
        assert r.status == 201
        created = await r.json()
    assert created["scopes"] == ["read", "write"]
    assert re.fullmatch(r"[0-9a-f]{32}", created["token"])
    async with http.get(url, headers=auth) as r:
        assert (await r.json())["data"][-1] == created
    async with http.delete(f"{url}/{created['id']}", headers=auth) as r:
        assert r.status == 204
    async with http.get(url, headers=auth) as r:
        assert created["id"] not in [t["id"] for t in (await r.json())["data"]]
    stored = await ProjectAccessToken.get(id=created["id"])
    assert stored.revoked_at is not None
    async with http.delete(f"{url}/{created['id']}", headers=auth) as r:
        assert r.status == 404
        assert await r.json() == {
            "error": f"access token {created['id']} not found in project {project.id}"
        }


async def test_a_token_is_revoked_only_through_its_own_project(http, server, auth):
    mine = await projects.create_project("Mine")
    other = await projects.create_project("Other")
    token = (await ProjectAccessToken.filter(project_id=other.id).order_by("id"))[0]
    url = server(f"/api/projects/{mine.id}/access_tokens/{token.id}")
    async with http.delete(url, headers=auth) as r:
        assert r.status == 404
    assert (await ProjectAccessToken.get(id=token.id)).revoked_at is None


async def test_invalid_scopes_are_refused_naming_the_field(http, server, auth):
    project = await projects.create_project("Tokens")
    url = server(f"/api/projects/{project.id}/access_tokens")
    every = "post_server_item, post_client_item, read, write"
    for body, message in (
        ({}, f"scopes: must be a non-empty list of: {every}"),
        ({"scopes": []}, f"scopes: must be a non-empty list of: {every}"),
        ({"scopes": "read"}, f"scopes: must be a non-empty list of: {every}"),
        ({"scopes": ["admin"]}, f"scopes: each scope must be one of: {every}"),
        ({"scopes": [1]}, f"scopes: each scope must be one of: {every}"),
        ({"scopes": ["read"] * 5}, "scopes: must list each scope once (4 at most)"),
    ):
        async with http.post(url, json=body, headers=auth) as r:
            assert r.status == 400, body
            assert await r.json() == {"error": message, "field": "scopes"}


async def test_the_routes_need_an_api_token_and_an_existing_project(http, server, auth):
    project = await projects.create_project("Tokens")
    url = server(f"/api/projects/{project.id}/access_tokens")
    for method in ("GET", "POST"):
        async with http.request(method, url, json={"scopes": ["read"]}) as r:
            assert r.status == 401
            assert await r.json() == {"error": "missing Authorization: Bearer <token> header"}
    async with http.delete(f"{url}/1") as r:
        assert r.status == 401
    missing = server(f"/api/projects/{project.id + 1000}/access_tokens")
    async with http.get(missing, headers=auth) as r:
        assert r.status == 404
        assert await r.json() == {"error": f"project {project.id + 1000} not found"}
    async with http.get(server("/api/projects/99999999999999/access_tokens"), headers=auth) as r:
        assert r.status == 404


def _access_token_migration(dialect: str) -> str:
    (path,) = (REPO / "migrations" / dialect / "models").glob("*_access_tokens.py")
    return path.read_text()


async def _upgrade_sql(dialect: str) -> str:
    namespace: dict[str, object] = {}
    exec(compile(_access_token_migration(dialect), dialect, "exec"), namespace)
    upgrade = namespace["upgrade"]
    return str(await upgrade(None))  # type: ignore[operator]


async def test_the_sqlite_migration_gives_existing_projects_their_tokens(tmp_path):
    path = tmp_path / "existing.sqlite3"
    await database.migrate(f"sqlite://{path}")
    with sqlite3.connect(path) as conn:
        # As before the migration: projects, and no token table.
        conn.execute('DROP TABLE "project_access_token"')
        for n in (1, 2):
            conn.execute(
                "INSERT INTO project (name, slug, sentry_key, issue_counter, created_at)"
                f" VALUES ('p{n}', 'p{n}', '{n:032x}', 0, '2026-01-01 00:00:00+00:00')"
            )
        conn.executescript(await _upgrade_sql("sqlite"))
        rows = conn.execute(
            "SELECT project_id, scopes, token, created_at FROM project_access_token ORDER BY id"
        ).fetchall()
    assert [(p, s) for p, s, _, _ in rows] == [(p, s) for p in (1, 2) for s in sorted(SCOPES)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", token) for _, _, token, _ in rows)
    assert len({token for _, _, token, _ in rows}) == 8
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+00:00", c) for *_, c in rows)


async def test_the_postgres_migration_gives_existing_projects_their_tokens():
    url = await recreate_pg_database("faultline_token_migration")
    await database.migrate(url)
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute('DROP TABLE "project_access_token"')
        await conn.execute(
            "INSERT INTO project (name, slug, sentry_key, issue_counter, created_at)"
            " VALUES ('p1', 'p1', $1, 0, now()), ('p2', 'p2', $2, 0, now())",
            f"{1:032x}",
            f"{2:032x}",
        )
        await conn.execute(await _upgrade_sql("postgres"))
        rows = await conn.fetch(
            "SELECT p.slug, t.scopes, t.token FROM project_access_token t"
            " JOIN project p ON p.id = t.project_id ORDER BY t.id"
        )
    finally:
        await conn.close()
    assert [(r[0], r[1]) for r in rows] == [(p, s) for p in ("p1", "p2") for s in sorted(SCOPES)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", r[2]) for r in rows)
    assert len({r[2] for r in rows}) == 8
