"""Rollbar's item API beyond the basics: repeated filters, items by counter and by occurrence
uuid, and deleting one occurrence (raw HTTP)."""

from __future__ import annotations

from models import Event, Issue, IssueState, TokenScope
from tests.integration.rollbar_sdk import item, new_rollbar_project, trace
from tests.integration.test_rollbar_api import call, post_items


async def three_items(http, project):
    """counter 1: error in staging, 2: warning in production (resolved), 3: critical in qa."""
    crash = item(
        body={"trace": trace("KeyError", "'k'", [("/a.py", "f", "x")])}, environment="staging"
    )
    warning = item(level="warning")
    critical = item(body={"message": {"body": "down"}}, level="critical", environment="qa")
    await post_items(http, project, crash, warning, critical)
    issues = await Issue.filter(project_id=project.id).order_by("counter")
    await Issue.filter(id=issues[1].id).update(state=IssueState.RESOLVED)
    return issues, (crash, warning, critical)


async def listed(http, server, project, query):
    status, _, body = await call(
        http, "GET", server(f"/api/1/items?{query}"), project.header(TokenScope.READ)
    )
    assert status == 200, body
    return sorted(i["counter"] for i in body["result"]["items"]), body["result"]["total_count"]


async def test_filters_may_be_repeated(http, server):
    project = await new_rollbar_project(server)
    await three_items(http, project)
    for query, counters in (
        ("status=active", [1, 3]),
        ("status=active&status=resolved", [1, 2, 3]),
        ("status=resolved&status=muted", [2]),
        ("status=active&status=active", [1, 3]),
        ("level=error&level=critical", [1, 3]),
        ("level=warning&level=debug", [2]),
        ("environment=staging&environment=qa", [1, 3]),
        ("environment=staging&environment=nowhere", [1]),
        ("status=active&level=critical&level=warning", [3]),
        ("status=active&status=resolved&environment=production&environment=qa", [2, 3]),
    ):
        assert await listed(http, server, project, query) == (counters, len(counters)), query


async def test_repeated_filters_are_bounded_and_checked(http, server):
    project = await new_rollbar_project(server)
    read = project.header(TokenScope.READ)
    many = "&".join(f"environment=e{n}" for n in range(11))
    for query, message in (
        (many, "environment may be given at most 10 times"),
        ("status=active&status=archived", "status must be one of active, resolved, muted"),
        ("level=error&level=fatal", "level must be one of critical, error, warning, info, debug"),
        ("environment=a&environment=", "environment must be 1 to 255 characters"),
        ("environment=" + "e" * 256, "environment must be 1 to 255 characters"),
    ):
        status, _, body = await call(http, "GET", server(f"/api/1/items?{query}"), read)
        assert (status, body) == (422, {"err": 1, "message": message}), query
    status, _, body = await call(http, "GET", server("/api/1/items?environment=a%00b"), read)
    assert (status, body) == (
        400,
        {"err": 1, "message": "environment: must not contain control characters"},
    )
    ten = "&".join(f"environment=e{n}" for n in range(10))
    assert await listed(http, server, project, ten) == ([], 0)


async def test_an_item_by_counter_or_by_occurrence_uuid(http, server):
    project = await new_rollbar_project(server)
    issues, bodies = await three_items(http, project)
    read = project.header(TokenScope.READ)
    _, _, by_id = await call(http, "GET", server(f"/api/1/item/{issues[1].id}"), read)
    status, _, body = await call(http, "GET", server("/api/1/item?counter=2"), read)
    assert (status, body) == (200, by_id)
    assert body["result"]["counter"] == 2
    uuid = bodies[2]["data"]["uuid"]
    for path in (f"/api/1/item?uuid={uuid}", f"/api/1/item/?uuid={uuid.upper()}"):
        status, _, body = await call(http, "GET", server(path), read)
        assert (status, body["result"]["id"]) == (200, issues[2].id), path
    other = await new_rollbar_project(server, "Other")
    for path, status, message in (
        ("/api/1/item?counter=4", 404, "Item not found in this project."),
        ("/api/1/item?counter=0", 400, "counter: must be an integer from 1 to 2147483647"),
        ("/api/1/item?counter=2147483648", 400, "counter: must be an integer from 1 to 2147483647"),
        ("/api/1/item?counter=x", 400, "counter: must be an integer from 1 to 2147483647"),
        ("/api/1/item?counter=1&counter=2", 400, "counter: must be given at most once"),
        ("/api/1/item?uuid=not-a-uuid", 400, "Invalid UUID format"),
        ("/api/1/item?uuid=" + "a" * 5000, 400, "Invalid UUID format"),
        (
            "/api/1/item?uuid=6f1f3d1c-0000-4000-8000-000000000000",
            404,
            "UUID did not match any occurrence",
        ),
        ("/api/1/item", 422, "give either counter or uuid"),
        (f"/api/1/item?counter=1&uuid={uuid}", 422, "give either counter or uuid"),
    ):
        got = await call(http, "GET", server(path), read)
        assert (got[0], got[2]) == (status, {"err": 1, "message": message}), path
    # Another project's token finds neither its counters' items nor its occurrences.
    got = await call(http, "GET", server(f"/api/1/item?uuid={uuid}"), other.header(TokenScope.READ))
    assert (got[0], got[2]) == (404, {"err": 1, "message": "UUID did not match any occurrence"})
    got = await call(http, "GET", server("/api/1/item?counter=1"), project.header(TokenScope.WRITE))
    assert got[0] == 403


async def test_deleting_an_occurrence_keeps_its_item_and_counts(http, server):
    project = await new_rollbar_project(server)
    await post_items(http, project, item(), item())
    issue = await Issue.get(project_id=project.id)
    first, second = await Event.filter(issue_id=issue.id).order_by("id")
    write, read = project.header(TokenScope.WRITE), project.header(TokenScope.READ)
    other = await new_rollbar_project(server, "Other")
    for headers, status in ((read, 403), (other.header(TokenScope.WRITE), 404)):
        got = await call(http, "DELETE", server(f"/api/1/instance/{first.id}"), headers)
        assert got[0] == status
    status, _, body = await call(http, "DELETE", server(f"/api/1/instance/{first.id}"), write)
    assert (status, body) == (200, {"err": 0, "message": "The instance has been deleted"})
    assert [e.id for e in await Event.filter(issue_id=issue.id)] == [second.id]
    for method, headers in (("GET", read), ("DELETE", write)):
        got = await call(http, method, server(f"/api/1/instance/{first.id}"), headers)
        assert got[0:3:2] == (404, {"err": 1, "message": "Instance not found in this project."})
    got = await call(http, "DELETE", server("/api/1/instance/99999999999999999999"), write)
    assert got[0:3:2] == (404, {"err": 1, "message": "Instance not found in this project."})
    # The last one too: the item stays, counting the occurrences it received.
    await call(http, "DELETE", server(f"/api/1/instance/{second.id}"), write)
    _, _, body = await call(http, "GET", server(f"/api/1/item/{issue.id}"), read)
    assert body["result"]["total_occurrences"] == 2
    _, _, body = await call(http, "GET", server(f"/api/1/item/{issue.id}/instances"), read)
    assert body["result"]["instances"] == []
    # A new occurrence of it joins the same item.
    await post_items(http, project, item())
    assert [i.event_count for i in await Issue.filter(project_id=project.id)] == [3]
