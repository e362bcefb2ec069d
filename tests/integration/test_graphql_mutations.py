"""GraphQL mutations over real HTTP on both backends: each returns the state it wrote."""

from __future__ import annotations

import pytest

from app.auth import tokens
from models import ApiToken, Event, Issue, IssueHistory, Project
from tests.integration import seed
from tests.integration.graphql import data, execute
from tests.integration.purging import purge

PROJECT = "id name slug rateLimitPerMinute"


@pytest.fixture
async def project(server) -> Project:
    return await Project.create(
        name="My App", slug="my-app", sentry_key="0123456789abcdef0123456789abcdef"
    )


def codes(result: dict) -> list[tuple[str, str | None]]:
    return [(e["extensions"]["code"], e["extensions"].get("field")) for e in result["errors"]]


async def test_create_project_returns_it_and_stores_it(http, server, auth):
    found = await data(
        http,
        server,
        f'mutation {{ createProject(name: " Shop Front ") {{ {PROJECT} }} }}',
        headers=auth,
    )
    stored = await Project.get(slug="shop-front")
    assert found["createProject"] == {
        "id": str(stored.id),
        "name": "Shop Front",
        "slug": "shop-front",
        "rateLimitPerMinute": None,
    }


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "name: must not be empty"),
        ("a\x00b", "name: must not contain control characters"),
        ("x" * 201, "name: must be at most 200 characters"),
    ],
)
async def test_create_project_refuses_bad_names_naming_the_field(http, server, auth, name, message):
    result = await execute(
        http, server, "mutation($n: String!) { createProject(name: $n) { id } }", {"n": name}, auth
    )
    assert result["data"] is None
    assert result["errors"][0]["message"] == message
    assert codes(result) == [("BAD_USER_INPUT", "name")]
    assert await Project.all().count() == 0


async def test_update_project_and_rate_limit_return_what_they_wrote(http, server, auth, project):
    pid = str(project.id)
    renamed = await data(
        http,
        server,
        f'mutation {{ updateProject(id: "{pid}", name: "Renamed") {{ {PROJECT} }} }}',
        headers=auth,
    )
    assert renamed["updateProject"] == {
        "id": pid,
        "name": "Renamed",
        "slug": "my-app",
        "rateLimitPerMinute": None,
    }
    limited = await data(
        http,
        server,
        f'mutation {{ setProjectRateLimit(id: "{pid}", perMinute: 60) {{ {PROJECT} }} }}',
        headers=auth,
    )
    assert limited["setProjectRateLimit"]["rateLimitPerMinute"] == 60
    assert (await Project.get(id=project.id)).rate_limit_per_minute == 60
    reset = await data(
        http,
        server,
        f'mutation {{ setProjectRateLimit(id: "{pid}", perMinute: null) {{ {PROJECT} }} }}',
        headers=auth,
    )
    assert reset["setProjectRateLimit"] == {
        "id": pid,
        "name": "Renamed",
        "slug": "my-app",
        "rateLimitPerMinute": None,
    }
    assert (await Project.get(id=project.id)).rate_limit_per_minute is None


async def test_a_negative_rate_limit_names_the_argument(http, server, auth, project):
    result = await execute(
        http,
        server,
        f'mutation {{ setProjectRateLimit(id: "{project.id}", perMinute: -1) {{ id }} }}',
        headers=auth,
    )
    assert result["errors"][0]["message"] == "perMinute: must be between 0 and 10000000"
    assert codes(result) == [("BAD_USER_INPUT", "perMinute")]


async def test_delete_project_takes_its_issues_and_events(http, server, auth, project):
    issue = await seed.issue(project, 1)
    await seed.event(issue, 1)
    found = await data(
        http, server, f'mutation {{ deleteProject(id: "{project.id}") }}', headers=auth
    )
    assert found == {"deleteProject": True}
    await purge(server)
    assert (await Project.all().count(), await Issue.all().count(), await Event.all().count()) == (
        0,
        0,
        0,
    )
    again = await execute(
        http, server, f'mutation {{ deleteProject(id: "{project.id}") }}', headers=auth
    )
    assert again["errors"][0]["message"] == f"project {project.id} not found"
    assert codes(again) == [("NOT_FOUND", None)]


async def test_update_issue_returns_the_new_state_and_writes_history(http, server, auth, project):
    issue = await seed.issue(project, 1)
    found = await data(
        http,
        server,
        f'mutation {{ updateIssue(id: "{issue.id}", state: RESOLVED) {{ id state history {{ from to }} }} }}',
        headers=auth,
    )
    assert found["updateIssue"] == {
        "id": str(issue.id),
        "state": "RESOLVED",
        "history": [{"from": "open", "to": "resolved"}],
    }
    assert (await Issue.get(id=issue.id)).state == "resolved"


async def test_an_unknown_state_is_a_validation_error(http, server, auth, project):
    issue = await seed.issue(project, 1)
    result = await execute(
        http,
        server,
        f'mutation {{ updateIssue(id: "{issue.id}", state: CLOSED) {{ id }} }}',
        headers=auth,
    )
    assert codes(result) == [("GRAPHQL_VALIDATION_FAILED", None)]
    assert (await Issue.get(id=issue.id)).state == "open"


async def test_bulk_update_changes_every_issue_in_one_go(http, server, auth, project):
    one, two, three = [await seed.issue(project, n) for n in (1, 2, 3)]
    await Issue.filter(id=two.id).update(state="muted")
    ids = [str(three.id), str(one.id), str(two.id), str(one.id)]
    found = await data(
        http,
        server,
        "mutation($ids: [ID!]!) { bulkUpdateIssues(ids: $ids, state: RESOLVED) { id state } }",
        {"ids": ids},
        auth,
    )
    assert found["bulkUpdateIssues"] == [
        {"id": str(three.id), "state": "RESOLVED"},
        {"id": str(one.id), "state": "RESOLVED"},
        {"id": str(two.id), "state": "RESOLVED"},
    ]
    history = (
        await IssueHistory.all().order_by("id").values_list("issue_id", "from_state", "to_state")
    )
    assert history == [
        (three.id, "open", "resolved"),
        (one.id, "open", "resolved"),
        (two.id, "muted", "resolved"),
    ]


async def test_bulk_update_with_an_unknown_id_changes_nothing(http, server, auth, project):
    one = await seed.issue(project, 1)
    result = await execute(
        http,
        server,
        "mutation($ids: [ID!]!) { bulkUpdateIssues(ids: $ids, state: MUTED) { id } }",
        {"ids": [str(one.id), "999999"]},
        auth,
    )
    assert result["data"] is None
    assert result["errors"][0]["message"] == "issue 999999 not found"
    assert codes(result) == [("NOT_FOUND", None)]
    assert (await Issue.get(id=one.id)).state == "open"
    assert await IssueHistory.all().count() == 0


async def test_bulk_update_refuses_more_than_1000_issues(http, server, auth, project):
    result = await execute(
        http,
        server,
        "mutation($ids: [ID!]!) { bulkUpdateIssues(ids: $ids, state: MUTED) { id } }",
        {"ids": [str(n) for n in range(1, 1002)]},
        auth,
    )
    assert result["errors"][0]["message"] == "ids: at most 1000 issues at once"
    assert codes(result) == [("BAD_USER_INPUT", "ids")]


async def test_delete_issue(http, server, auth, project):
    issue = await seed.issue(project, 1)
    found = await data(http, server, f'mutation {{ deleteIssue(id: "{issue.id}") }}', headers=auth)
    assert found == {"deleteIssue": True}
    assert await Issue.filter(id=issue.id).count() == 0
    again = await execute(
        http, server, f'mutation {{ deleteIssue(id: "{issue.id}") }}', headers=auth
    )
    assert codes(again) == [("NOT_FOUND", None)]


async def test_create_token_shows_the_full_token_once_and_it_works(http, server, auth):
    found = await data(
        http,
        server,
        'mutation { createToken(description: "ci") { id token description createdAt } }',
        headers=auth,
    )
    created = found["createToken"]
    record = await ApiToken.get(id=int(created["id"]))
    assert created == {
        "id": str(record.id),
        "token": created["token"],
        "description": "ci",
        "createdAt": record.created_at.isoformat(),
    }
    assert tokens.hash_token(created["token"]) == record.token_hash
    listed = await data(
        http,
        server,
        "{ tokens { id token } }",
        headers={"Authorization": f"Bearer {created['token']}"},
    )
    assert {"id": str(record.id), "token": created["token"][:4] + "...****"} in listed["tokens"]


async def test_delete_token_revokes_it(http, server, auth):
    new = await tokens.create_token("doomed")
    found = await data(
        http, server, f'mutation {{ deleteToken(id: "{new.record.id}") }}', headers=auth
    )
    assert found == {"deleteToken": True}
    result = await execute(
        http, server, "{ tokens { id } }", headers={"Authorization": f"Bearer {new.token}"}
    )
    assert result["errors"][0]["message"] == "invalid API token"
    assert codes(result) == [("UNAUTHENTICATED", None)]
