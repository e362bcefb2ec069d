"""Admin REST routes for a project's Rollbar access tokens, behind a Bearer API token.

    GET    /api/projects/{id}/access_tokens             {"data": [token, ...]}
    POST   /api/projects/{id}/access_tokens {"scopes"}  201 token
    DELETE /api/projects/{id}/access_tokens/{token_id}  204 (revoked)

These sit beside the other /api/projects routes and answer errors the same way
(`{"error": …}`); timestamps are ISO 8601 like theirs.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.auth import access_tokens
from app.auth.bearer import add_authenticated
from app.http import json_response, read_json_object
from app.ids import path_id
from app.projects import service as projects
from models import Project, ProjectAccessToken

routes = web.RouteTableDef()


def access_token_json(token: ProjectAccessToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "token": token.token,
        "scopes": access_tokens.sorted_scopes(access_tokens.scopes_of(token.scopes)),
        "created_at": token.created_at.isoformat().replace("+00:00", "Z"),
    }


def _path_id(request: web.Request, name: str, model: type[Project | ProjectAccessToken]) -> int:
    what = "project" if model is Project else "access token"
    return path_id(request.match_info[name], model, what)


async def _project_id(request: web.Request) -> int:
    project = await projects.get_project(_path_id(request, "project_id", Project))
    return project.id


@routes.get(r"/api/projects/{project_id:\d+}/access_tokens")
async def list_access_tokens(request: web.Request) -> web.Response:
    found = await access_tokens.list_tokens(await _project_id(request))
    return json_response({"data": [access_token_json(token) for token in found]})


@routes.post(r"/api/projects/{project_id:\d+}/access_tokens")
async def create_access_token(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    token = await access_tokens.create_token(await _project_id(request), body.get("scopes"))
    return json_response(access_token_json(token), status=201)


@routes.delete(r"/api/projects/{project_id:\d+}/access_tokens/{token_id:\d+}")
async def revoke_access_token(request: web.Request) -> web.Response:
    token_id = _path_id(request, "token_id", ProjectAccessToken)
    await access_tokens.revoke_token(await _project_id(request), token_id)
    return web.Response(status=204)


def setup(app: web.Application) -> None:
    add_authenticated(app, routes)
