"""Rollbar's `resolved_in_version`: stored by PATCH, shown by the item API and GraphQL, and
deciding which later occurrences reopen the item (raw HTTP and pyrollbar)."""

from __future__ import annotations

import rollbar

from models import Issue, IssueHistory, IssueState, ProjectAccessToken, TokenScope
from tests.integration.graphql import data
from tests.integration.rollbar_sdk import item, new_rollbar_project, with_pyrollbar
from tests.integration.test_rollbar_api import call, post_items

RESOLVED_IN = "query($id: ID!) { issue(id: $id) { state resolvedInVersion } }"


async def one_item(http, project, **data):
    await post_items(http, project, item(**data))
    return await Issue.get(project_id=project.id)


async def patch(http, server, project, issue_id, body, scope=TokenScope.WRITE):
    url = server(f"/api/1/item/{issue_id}")
    return await call(http, "PATCH", url, project.header(scope), json=body)


async def history(issue_id):
    rows = await IssueHistory.filter(issue_id=issue_id).order_by("id")
    return [(h.from_state, h.to_state, h.cause) for h in rows]


async def test_resolved_in_version_is_stored_shown_and_cleared(http, server, auth):
    project = await new_rollbar_project(server)
    issue = await one_item(http, project, code_version="1.1.0")
    status, _, body = await patch(
        http, server, project, issue.id, {"status": "resolved", "resolved_in_version": "1.2.0"}
    )
    assert (status, body["result"]["status"], body["result"]["resolved_in_version"]) == (
        200,
        "resolved",
        "1.2.0",
    )
    read = project.header(TokenScope.READ)
    _, _, got = await call(http, "GET", server(f"/api/1/item/{issue.id}"), read)
    assert got["result"]["resolved_in_version"] == "1.2.0"
    shown = await data(http, server, RESOLVED_IN, {"id": str(issue.id)}, auth)
    assert shown == {"issue": {"state": "RESOLVED", "resolvedInVersion": "1.2.0"}}
    writer = await ProjectAccessToken.get(token=project.tokens[TokenScope.WRITE])
    rows = await IssueHistory.filter(issue_id=issue.id)
    assert [(h.from_state, h.to_state, h.actor) for h in rows] == [
        ("open", "resolved", f"Rollbar access token #{writer.id}")
    ]
    # Resolving again names another version: no new history row, the version changes.
    _, _, body = await patch(
        http, server, project, issue.id, {"status": "resolved", "resolved_in_version": 130}
    )
    assert body["result"]["resolved_in_version"] == "130"
    assert await history(issue.id) == [("open", "resolved", "user")]
    # Resolving without a version clears it; so does any other state.
    _, _, body = await patch(http, server, project, issue.id, {"status": "resolved"})
    assert (body["result"]["status"], body["result"]["resolved_in_version"]) == ("resolved", None)
    await patch(http, server, project, issue.id, {"status": "resolved", "resolved_in_version": "2"})
    _, _, body = await patch(http, server, project, issue.id, {"status": "muted"})
    assert (body["result"]["status"], body["result"]["resolved_in_version"]) == ("muted", None)
    assert (await Issue.get(id=issue.id)).resolved_in_version is None
    # Through REST too: the one service clears it.
    await patch(http, server, project, issue.id, {"status": "resolved", "resolved_in_version": "3"})
    async with http.patch(
        server(f"/api/issues/{issue.id}"), json={"state": "open"}, headers=auth
    ) as resp:
        assert resp.status == 200
    assert (await Issue.get(id=issue.id)).resolved_in_version is None


async def test_only_occurrences_of_the_resolved_version_or_later_reactivate(http, server):
    project = await new_rollbar_project(server)
    issue = await one_item(http, project, code_version="1.1.0")
    await patch(
        http, server, project, issue.id, {"status": "resolved", "resolved_in_version": "1.10"}
    )
    await post_items(http, project, item(code_version="1.9.3"), item(code_version="1.1.0"))
    stored = await Issue.get(id=issue.id)
    assert (stored.state, stored.event_count, stored.resolved_in_version) == (
        IssueState.RESOLVED,
        3,
        "1.10",
    )
    await post_items(http, project, item(code_version="1.10.0"))
    stored = await Issue.get(id=issue.id)
    assert (stored.state, stored.event_count, stored.resolved_in_version) == (
        IssueState.OPEN,
        4,
        None,
    )
    assert await history(issue.id) == [
        ("open", "resolved", "user"),
        ("resolved", "open", "regression"),
    ]
    # Once reopened the version is gone: resolved without one, any occurrence reactivates.
    await patch(http, server, project, issue.id, {"status": "resolved"})
    await post_items(http, project, item(code_version="0.1"))
    assert (await Issue.get(id=issue.id)).state == IssueState.OPEN


async def test_occurrences_without_a_version_or_with_unordered_ones_reactivate(http, server):
    project = await new_rollbar_project(server)
    issue = await one_item(http, project)
    for occurrence in (item(), item(code_version="deadbeef"), item(code_version="abc123")):
        await patch(
            http, server, project, issue.id, {"status": "resolved", "resolved_in_version": "abc123"}
        )
        await post_items(http, project, occurrence)
        stored = await Issue.get(id=issue.id)
        assert (stored.state, stored.resolved_in_version) == (IssueState.OPEN, None), occurrence


async def test_patch_refuses_bad_versions_and_changes_nothing_then(http, server):
    project = await new_rollbar_project(server)
    issue = await one_item(http, project)
    for body, status, message in (
        (
            {"resolved_in_version": "1.2"},
            422,
            'resolved_in_version can only be given with status "resolved"',
        ),
        (
            {"status": "active", "resolved_in_version": "1.2"},
            422,
            'resolved_in_version can only be given with status "resolved"',
        ),
        (
            {"status": "resolved", "resolved_in_version": True},
            422,
            "resolved_in_version must be a string",
        ),
        (
            {"status": "resolved", "resolved_in_version": ["1"]},
            422,
            "resolved_in_version must be a string",
        ),
        (
            {"status": "resolved", "resolved_in_version": "1" * 41},
            422,
            "resolved_in_version must be at most 40 characters",
        ),
        (
            {"status": "resolved", "resolved_in_version": "  ", "title": "Renamed"},
            400,
            "resolved_in_version: must be 1 to 40 characters",
        ),
        (
            {"status": "resolved", "resolved_in_version": "1\n2", "level": "critical"},
            400,
            "resolved_in_version: must not contain control characters",
        ),
    ):
        got = await patch(http, server, project, issue.id, body)
        assert (got[0], got[2]) == (status, {"err": 1, "message": message}), body
    stored = await Issue.get(id=issue.id)
    assert (stored.state, stored.title, stored.level, stored.resolved_in_version) == (
        IssueState.OPEN,
        "hello",
        "info",
        None,
    )
    assert await IssueHistory.filter(issue_id=issue.id).count() == 0
    got = await patch(http, server, project, issue.id, {"status": "resolved"}, TokenScope.READ)
    assert got[0] == 403


async def test_labels_and_state_change_in_one_call(http, server):
    project = await new_rollbar_project(server)
    issue = await one_item(http, project)
    status, _, body = await patch(
        http,
        server,
        project,
        issue.id,
        {"status": "resolved", "resolved_in_version": "2.0", "level": "critical", "title": "Fixed"},
    )
    assert status == 200
    shown = {k: body["result"][k] for k in ("status", "resolved_in_version", "level", "title")}
    assert shown == {
        "status": "resolved",
        "resolved_in_version": "2.0",
        "level": "critical",
        "title": "Fixed",
    }
    stored = await Issue.get(id=issue.id)
    assert (stored.state, stored.level, stored.title) == (IssueState.RESOLVED, "fatal", "Fixed")


async def test_pyrollbar_code_versions_against_a_resolved_version(http, server):
    project = await new_rollbar_project(server)
    token = project.tokens[TokenScope.POST_SERVER_ITEM]

    def report() -> None:
        rollbar.report_message("payment failed", "error")

    await with_pyrollbar(token, server, report, code_version="3.4.1")
    issue = await Issue.get(project_id=project.id)
    await patch(
        http, server, project, issue.id, {"status": "resolved", "resolved_in_version": "3.5.0"}
    )
    await with_pyrollbar(token, server, report, code_version="3.4.1")
    stored = await Issue.get(id=issue.id)
    assert (stored.state, stored.event_count) == (IssueState.RESOLVED, 2)
    await with_pyrollbar(token, server, report, code_version="3.5.0")
    stored = await Issue.get(id=issue.id)
    assert (stored.state, stored.event_count, stored.resolved_in_version) == (
        IssueState.OPEN,
        3,
        None,
    )
