"""GraphQL: a project's Rollbar access tokens and deploys; creating and revoking tokens."""

from __future__ import annotations

from datetime import UTC, datetime

from app.deploys import service as deploys
from models import Deploy, ProjectAccessToken, TokenScope
from tests.integration.graphql import data, execute
from tests.integration.rollbar_sdk import new_rollbar_project

TOKENS = "query($id: ID!) { project(id: $id) { accessTokens { id token scopes createdAt } } }"


async def test_access_tokens_are_listed_created_and_revoked(http, server, auth):
    project = await new_rollbar_project(server)
    variables = {"id": str(project.id)}
    listed = (await data(http, server, TOKENS, variables, auth))["project"]["accessTokens"]
    assert [t["scopes"] for t in listed] == [
        ["POST_SERVER_ITEM"],
        ["POST_CLIENT_ITEM"],
        ["READ"],
        ["WRITE"],
    ]
    assert [t["token"] for t in listed] == [project.tokens[scope] for scope in TokenScope]
    created = (
        await data(
            http,
            server,
            "mutation($p: ID!) { createAccessToken(projectId: $p, scopes: [WRITE, READ])"
            " { id token scopes } }",
            {"p": str(project.id)},
            auth,
        )
    )["createAccessToken"]
    stored = await ProjectAccessToken.get(id=int(created["id"]))
    assert created == {"id": str(stored.id), "token": stored.token, "scopes": ["READ", "WRITE"]}
    revoked = await data(
        http,
        server,
        "mutation($p: ID!, $id: ID!) { revokeAccessToken(projectId: $p, id: $id) }",
        {"p": str(project.id), "id": created["id"]},
        auth,
    )
    assert revoked == {"revokeAccessToken": True}
    listed = (await data(http, server, TOKENS, variables, auth))["project"]["accessTokens"]
    assert created["id"] not in [t["id"] for t in listed]
    again = await execute(
        http,
        server,
        "mutation($p: ID!, $id: ID!) { revokeAccessToken(projectId: $p, id: $id) }",
        {"p": str(project.id), "id": created["id"]},
        auth,
    )
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_deploys_newest_first(http, server, auth):
    project = await new_rollbar_project(server)
    first = await deploys.create_deploy(project.id, {"environment": "prod", "revision": "r1"})
    await Deploy.create(
        project_id=project.id,
        environment="prod",
        revision="r2",
        status="started",
        start_time=datetime(2026, 1, 1, tzinfo=UTC),
        comment="going out",
    )
    found = await data(
        http,
        server,
        "query($id: ID!) { project(id: $id) { deploys(first: 5) { environment revision"
        " status comment startTime finishTime } } }",
        {"id": str(project.id)},
        auth,
    )
    assert found["project"]["deploys"] == [
        {
            "environment": "prod",
            "revision": "r2",
            "status": "STARTED",
            "comment": "going out",
            "startTime": "2026-01-01T00:00:00+00:00",
            "finishTime": None,
        },
        {
            "environment": "prod",
            "revision": "r1",
            "status": "SUCCEEDED",
            "comment": None,
            "startTime": first.start_time.isoformat(),
            "finishTime": first.finish_time.isoformat() if first.finish_time else None,
        },
    ]
    bad = await execute(
        http,
        server,
        "query($id: ID!) { project(id: $id) { deploys(first: 0) { id } } }",
        {"id": str(project.id)},
        auth,
    )
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
