"""Rollbar's item API by project token: items, item by counter, PATCH, instances."""

from __future__ import annotations

from models import (
    Event,
    Issue,
    IssueHistory,
    IssueState,
    Project,
    ProjectAccessToken,
    TokenScope,
)
from tests.integration import seed
from tests.integration.rollbar_sdk import item, new_rollbar_project, trace


async def post_items(http, project, *items):
    for body in items:
        async with http.post(project.item_url, json=body, headers=project.header()) as resp:
            assert resp.status == 200, await resp.text()


async def call(http, method, url, headers, **kwargs):
    async with http.request(method, url, headers=headers, allow_redirects=False, **kwargs) as r:
        return r.status, r.headers.copy(), await r.json()


async def two_items(http, project):
    crash = item(
        body={"trace": trace("KeyError", "'k'", [("/srv/a.py", "f", "d['k']")])},
        environment="staging",
        language="python",
    )
    await post_items(http, project, crash, item(level="warning"))
    return await Issue.filter(project_id=project.id).order_by("counter")


async def test_items_are_listed_with_their_fields_and_filters(http, server):
    project = await new_rollbar_project(server)
    crash, message = await two_items(http, project)
    read = project.header(TokenScope.READ)
    status, _, body = await call(http, "GET", server("/api/1/items"), read)
    assert status == 200
    assert body["err"] == 0
    assert (body["result"]["page"], body["result"]["total_count"]) == (1, 2)
    listed = {i["id"]: i for i in body["result"]["items"]}
    assert listed[crash.id] == {
        "id": crash.id,
        "counter": 1,
        "project_id": project.id,
        "title": "KeyError: 'k'",
        "level": "error",
        "status": "active",
        "environment": "staging",
        "platform": "python",
        "hash": crash.fingerprint,
        "total_occurrences": 1,
        "first_occurrence_timestamp": int(crash.first_seen.timestamp()),
        "last_occurrence_timestamp": int(crash.last_seen.timestamp()),
        "resolved_in_version": None,
    }
    assert (listed[message.id]["title"], listed[message.id]["level"]) == ("hello", "warning")
    for query, expected in (
        ("level=warning", [message.id]),
        ("environment=staging", [crash.id]),
        ("status=active", sorted([crash.id, message.id])),
        ("status=resolved", []),
    ):
        _, _, body = await call(http, "GET", server(f"/api/1/items?{query}"), read)
        assert sorted(i["id"] for i in body["result"]["items"]) == expected, query
        assert body["result"]["total_count"] == len(expected)


async def test_items_page_by_100(http, server):
    project = await new_rollbar_project(server)
    for n in range(1, 102):
        await seed.issue(await Project.get(id=project.id), n)
    read = project.header(TokenScope.READ)
    _, _, first = await call(http, "GET", server("/api/1/items"), read)
    _, _, second = await call(http, "GET", server("/api/1/items?page=2"), read)
    assert (len(first["result"]["items"]), first["result"]["total_count"]) == (100, 101)
    assert (second["result"]["page"], len(second["result"]["items"])) == (2, 1)
    assert second["result"]["items"][0]["counter"] == 1  # oldest last: last seen first


async def test_scopes_and_other_projects(http, server):
    project = await new_rollbar_project(server)
    other = await new_rollbar_project(server, "Other")
    (theirs, _) = await two_items(http, other)
    status, _, body = await call(
        http, "GET", server("/api/1/items"), project.header(TokenScope.POST_SERVER_ITEM)
    )
    assert (status, body) == (
        403,
        {
            "err": 1,
            "message": "insufficient privileges: read scope is required but the access token "
            "only has post_server_item.",
        },
    )
    read = project.header(TokenScope.READ)
    for path in (
        f"/api/1/item/{theirs.id}",
        f"/api/1/item/{theirs.id}/instances",
        "/api/1/item/99999999999999999999",
    ):
        status, _, body = await call(http, "GET", server(path), read)
        assert (status, body) == (404, {"err": 1, "message": "Item not found in this project."})
    status, _, body = await call(
        http,
        "PATCH",
        server(f"/api/1/item/{theirs.id}"),
        project.header(TokenScope.WRITE),
        json={"status": "resolved"},
    )
    assert status == 404
    status, _, body = await call(
        http, "PATCH", server(f"/api/1/item/{theirs.id}"), read, json={"status": "resolved"}
    )
    assert status == 403
    url = server(f"/api/1/items?access_token={project.tokens[TokenScope.READ]}")
    assert (await call(http, "GET", url, {}))[0] == 200
    status, _, body = await call(http, "GET", server("/api/1/items?page=0"), read)
    assert (status, body) == (
        400,
        {"err": 1, "message": "page: must be an integer from 1 to 10000"},
    )


async def test_get_an_item_by_id_and_by_counter(http, server):
    project = await new_rollbar_project(server)
    crash, _ = await two_items(http, project)
    read = project.header(TokenScope.READ)
    status, _, body = await call(http, "GET", server(f"/api/1/item/{crash.id}"), read)
    assert (status, body["result"]["id"], body["result"]["counter"]) == (200, crash.id, 1)
    status, headers, body = await call(http, "GET", server("/api/1/item_by_counter/1"), read)
    path = f"/api/1/item/{crash.id}"
    assert (status, headers["Location"]) == (301, path)
    assert body == {"err": 0, "result": {"itemId": crash.id, "path": path, "uri": path}}
    status, _, body = await call(http, "GET", server("/api/1/item_by_counter/3"), read)
    assert (status, body) == (404, {"err": 1, "message": "Item not found in this project."})


async def test_patch_changes_the_issue_as_rest_and_graphql_see_it(http, server, auth):
    project = await new_rollbar_project(server)
    crash, _ = await two_items(http, project)
    write = project.header(TokenScope.WRITE)
    url = server(f"/api/1/item/{crash.id}")
    status, _, body = await call(http, "PATCH", url, write, json={"status": "resolved"})
    assert (status, body["result"]["status"]) == (200, "resolved")
    async with http.get(server(f"/api/issues/{crash.id}"), headers=auth) as resp:
        assert (await resp.json())["state"] == "resolved"
    history = await IssueHistory.filter(issue_id=crash.id)
    writer = await ProjectAccessToken.get(token=project.tokens[TokenScope.WRITE])
    assert [(h.from_state, h.to_state, h.actor) for h in history] == [
        ("open", "resolved", f"Rollbar access token #{writer.id}")
    ]
    status, _, body = await call(
        http, "PATCH", url, write, json={"status": "muted", "level": "critical", "title": "Renamed"}
    )
    assert status == 200
    assert (body["result"]["status"], body["result"]["level"], body["result"]["title"]) == (
        "muted",
        "critical",
        "Renamed",
    )
    issue = await Issue.get(id=crash.id)
    assert (issue.state, issue.level, issue.title) == (IssueState.MUTED, "fatal", "Renamed")
    for patch, message in (
        ({"status": "archived"}, "status must be one of active, resolved, muted"),
        ({"level": "fatal"}, "level must be one of critical, error, warning, info, debug"),
        ({"title": 3}, "title must be a string"),
        ({"owner": 1}, "owner is not a field that can be changed"),
        ({}, "body must name a field to change: status, level, title, resolved_in_version"),
    ):
        status, _, body = await call(http, "PATCH", url, write, json=patch)
        assert (status, body) == (422, {"err": 1, "message": message}), patch
    status, _, body = await call(http, "PATCH", url, write, json={"title": "  "})
    assert (status, body) == (400, {"err": 1, "message": "title: must be 1 to 255 characters"})


async def test_instances_newest_first_20_per_page(http, server):
    project = await new_rollbar_project(server)
    bodies = [item(custom={"n": n}) for n in range(21)]
    await post_items(http, project, *bodies)
    issue = await Issue.get(project_id=project.id)
    read = project.header(TokenScope.READ)
    _, _, first = await call(http, "GET", server(f"/api/1/item/{issue.id}/instances"), read)
    _, _, second = await call(http, "GET", server(f"/api/1/item/{issue.id}/instances?page=2"), read)
    assert (len(first["result"]["instances"]), first["result"]["page"]) == (20, 1)
    assert (len(second["result"]["instances"]), second["result"]["page"]) == (1, 2)
    events = await Event.filter(issue_id=issue.id).order_by("-timestamp", "-id")
    listed = first["result"]["instances"] + second["result"]["instances"]
    assert [i["id"] for i in listed] == [e.id for e in events]
    instance = listed[-1]
    assert instance["item_id"] == issue.id
    assert instance["data"]["uuid"] == bodies[0]["data"]["uuid"]
    assert (instance["data"]["environment"], instance["data"]["level"]) == ("production", "info")
    status, _, body = await call(http, "GET", server(f"/api/1/instance/{instance['id']}"), read)
    assert (status, body) == (200, {"err": 0, "result": instance})
    other = await new_rollbar_project(server, "Other")
    status, _, body = await call(
        http, "GET", server(f"/api/1/instance/{instance['id']}"), other.header(TokenScope.READ)
    )
    assert (status, body) == (404, {"err": 1, "message": "Instance not found in this project."})


async def test_api_tokens_are_account_tokens_listing_projects(http, server, token):
    project = await new_rollbar_project(server)
    status, _, body = await call(
        http, "GET", server("/api/1/projects"), {"X-Rollbar-Access-Token": token}
    )
    assert status == 200
    assert [p["id"] for p in body["result"]] == [project.id]
    assert body["result"][0]["name"] == "Rollbar App"
    for headers, message in (
        ({}, "access token required"),
        ({"X-Rollbar-Access-Token": "f" * 40}, "invalid access token"),
        (project.header(TokenScope.READ), "invalid access token"),
    ):
        status, _, body = await call(http, "GET", server("/api/1/projects"), headers)
        assert (status, body) == (403, {"err": 1, "message": message})
