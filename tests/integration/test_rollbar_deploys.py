"""Rollbar's deploy API: create (JSON, urlencoded, multipart), list, get, PATCH; scopes."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from models import Deploy, TokenScope
from tests.integration.rollbar_sdk import new_rollbar_project


async def call(http, method, url, headers=None, **kwargs):
    async with http.request(method, url, headers=headers or {}, **kwargs) as resp:
        return resp.status, await resp.json()


async def test_create_list_get_and_finish_a_deploy(http, server):
    project = await new_rollbar_project(server)
    body = {
        "environment": "production",
        "revision": "abc123",
        "rollbar_username": "alice",
        "local_username": "al",
        "comment": "release 1.2",
        "status": "started",
    }
    status, created = await call(
        http, "POST", server("/api/1/deploy/"), project.header(), json=body
    )
    deploy = await Deploy.get(project_id=project.id)
    assert (status, created) == (200, {"data": {"deploy_id": deploy.id}})
    assert deploy.finish_time is None
    read = project.header(TokenScope.READ)
    status, got = await call(http, "GET", server(f"/api/1/deploy/{deploy.id}"), read)
    expected = {
        "id": deploy.id,
        "project_id": project.id,
        "environment": "production",
        "revision": "abc123",
        "rollbar_username": "alice",
        "local_username": "al",
        "user_id": None,
        "comment": "release 1.2",
        "status": "started",
        "start_time": int(deploy.start_time.timestamp()),
        "finish_time": None,
    }
    assert (status, got) == (200, {"err": 0, "result": expected})
    status, patched = await call(
        http,
        "PATCH",
        server(f"/api/1/deploy/{deploy.id}"),
        project.header(),
        json={"status": "succeeded"},
    )
    finished = await Deploy.get(id=deploy.id)
    assert finished.finish_time is not None
    assert (status, patched["result"]["status"]) == (200, "succeeded")
    assert patched["result"]["finish_time"] == int(finished.finish_time.timestamp())
    status, listed = await call(http, "GET", server("/api/1/deploys"), read)
    assert status == 200
    assert listed["result"]["page"] == 1
    assert [d["id"] for d in listed["result"]["deploys"]] == [deploy.id]


async def test_form_bodies_and_token_fields_as_deploy_scripts_send_them(http, server):
    project = await new_rollbar_project(server)
    token = project.tokens[TokenScope.POST_SERVER_ITEM]
    data = aiohttp.FormData(
        {"access_token": token, "environment": "prod", "revision": "r1"}, default_to_multipart=True
    )
    status, _ = await call(http, "POST", server("/api/1/deploy"), data=data)
    assert status == 200
    status, _ = await call(
        http,
        "POST",
        server("/api/1/deploy/"),
        data={"access_token": token, "environment": "prod", "head_long": "r2"},
    )
    assert status == 200
    deploys = await Deploy.filter(project_id=project.id).order_by("id")
    assert [(d.environment, d.revision, d.status.value) for d in deploys] == [
        ("prod", "r1", "succeeded"),
        ("prod", "r2", "succeeded"),
    ]
    assert all(d.finish_time is not None for d in deploys)


async def test_deploy_scopes_and_errors(http, server):
    project = await new_rollbar_project(server)
    url = server("/api/1/deploy/")
    for scope in (TokenScope.POST_CLIENT_ITEM, TokenScope.READ):
        status, body = await call(
            http, "POST", url, project.header(scope), json={"environment": "e", "revision": "r"}
        )
        assert (status, body["err"]) == (403, 1)
    status, body = await call(http, "POST", url, json={"environment": "e", "revision": "r"})
    assert (status, body) == (403, {"err": 1, "message": "access token required"})
    for payload, message in (
        ({"revision": "r"}, "environment is missing and it is required."),
        ({"environment": "e"}, "revision is missing and it is required."),
        (
            {"environment": "e", "revision": "r", "status": "done"},
            "status should be one of started, succeeded, failed, timed_out.",
        ),
        (
            {"environment": "e" * 256, "revision": "r"},
            "environment should be at most 255 characters.",
        ),
    ):
        status, body = await call(http, "POST", url, project.header(), json=payload)
        assert (status, body) == (422, {"err": 1, "message": message}), payload
    status, body = await call(
        http,
        "POST",
        url,
        {**project.header(), "Content-Type": "application/json"},
        data=b"{oops",
    )
    assert (status, body["err"]) == (400, 1)
    other = await new_rollbar_project(server, "Other")
    _, created = await call(
        http, "POST", url, other.header(), json={"environment": "e", "revision": "r"}
    )
    theirs = created["data"]["deploy_id"]
    status, body = await call(
        http, "GET", server(f"/api/1/deploy/{theirs}"), project.header(TokenScope.READ)
    )
    assert (status, body) == (404, {"err": 1, "message": "Deploy not found in this project."})
    status, body = await call(
        http,
        "PATCH",
        server(f"/api/1/deploy/{theirs}"),
        other.header(TokenScope.READ),
        json={"status": "failed"},
    )
    assert status == 403
    status, body = await call(
        http,
        "PATCH",
        server(f"/api/1/deploy/{theirs}"),
        other.header(TokenScope.WRITE),
        json={"revision": "x"},
    )
    assert (status, body) == (
        422,
        {"err": 1, "message": "revision is not a field that can be changed"},
    )


async def test_deploys_page_by_20_newest_first(http, server):
    project = await new_rollbar_project(server)
    for n in range(21):
        await Deploy.create(
            project_id=project.id, environment="e", revision=f"r{n}", start_time=datetime.now(UTC)
        )
    read = project.header(TokenScope.READ)
    _, first = await call(http, "GET", server("/api/1/deploys"), read)
    _, second = await call(http, "GET", server("/api/1/deploys/?page=2"), read)
    assert [d["revision"] for d in first["result"]["deploys"]] == [
        f"r{n}" for n in range(20, 0, -1)
    ]
    assert [d["revision"] for d in second["result"]["deploys"]] == ["r0"]
