"""Rustrak REST routes: parse the request, call one service function, render the shape.

Every `/api/…` route here needs `Authorization: Bearer <token>`; `/health` routes do not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web
from tortoise.models import Model

from app import database
from app.auth import tokens
from app.auth.bearer import ACTOR, add_authenticated
from app.compat.rustrak.aggregates import frequency_json, frequency_period, tag_json, tag_query
from app.compat.rustrak.aliases import issue_changes, issue_listing
from app.compat.rustrak.serializers import (
    event_json,
    event_summary_json,
    history_json,
    issue_json,
    project_json,
    stats_json,
    token_json,
)
from app.errors import Unavailable
from app.events import service as events
from app.http import SETTINGS, json_response, read_json_object
from app.ids import path_id
from app.issues import aggregates
from app.issues import service as issues
from app.pagination import Page, parse_page, query_value
from app.projects import service as projects
from app.search.parse import parse_search
from models import ApiToken, Issue, Project

T = TypeVar("T")

api = web.RouteTableDef()
health = web.RouteTableDef()


def _id(request: web.Request, name: str, model: type[Model]) -> int:
    return path_id(request.match_info[name], model, name.removesuffix("_id"))


def _base_url(request: web.Request) -> str:
    return request.app[SETTINGS].base_url


def _listing(page: Page[T], render: Callable[[T], dict[str, Any]]) -> web.Response:
    return json_response(
        {"data": [render(item) for item in page.items], "next_cursor": page.next_cursor}
    )


# --- projects -------------------------------------------------------------------------------


@api.get("/api/projects")
async def list_projects(request: web.Request) -> web.Response:
    page = await projects.list_projects(parse_page(request.query))
    base = _base_url(request)
    return _listing(page, lambda p: project_json(p, base))


@api.post("/api/projects")
async def create_project(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    project = await projects.create_project(body.get("name"))
    return json_response(project_json(project, _base_url(request)), status=201)


@api.get(r"/api/projects/{project_id:\d+}")
async def get_project(request: web.Request) -> web.Response:
    project = await projects.get_project(_id(request, "project_id", Project))
    stats = stats_json(await projects.ingest_counts(project.id))
    return json_response({**project_json(project, _base_url(request)), "stats": stats})


@api.patch(r"/api/projects/{project_id:\d+}")
async def update_project(request: web.Request) -> web.Response:
    project_id = _id(request, "project_id", Project)
    project = await projects.update_project(project_id, await read_json_object(request))
    return json_response(project_json(project, _base_url(request)))


@api.delete(r"/api/projects/{project_id:\d+}")
async def delete_project(request: web.Request) -> web.Response:
    await projects.delete_project(_id(request, "project_id", Project))
    return web.Response(status=204)


# --- issues ---------------------------------------------------------------------------------


@api.get(r"/api/projects/{project_id:\d+}/issues")
async def list_issues(request: web.Request) -> web.Response:
    listing = issue_listing(request.query)
    search = parse_search(query_value(request.query, "query") or "", field="query")
    project = await projects.get_project(_id(request, "project_id", Project))
    page = await issues.list_issues(
        project,
        listing.page,
        listing.state,
        sort=listing.sort,
        descending=listing.descending,
        search=search,
    )
    return _listing(page, lambda issue: issue_json(issue, project.slug))


@api.get(r"/api/issues/{issue_id:\d+}")
async def get_issue(request: web.Request) -> web.Response:
    issue = await issues.get_issue(_id(request, "issue_id", Issue))
    return json_response(issue_json(issue, issue.project.slug, detail=True))


@api.patch(r"/api/issues/{issue_id:\d+}")
async def update_issue(request: web.Request) -> web.Response:
    issue_id = _id(request, "issue_id", Issue)
    changes = issue_changes(await read_json_object(request))
    issue = await issues.update_issue(issue_id, changes, actor=request[ACTOR])
    return json_response(issue_json(issue, issue.project.slug, detail=True))


@api.delete(r"/api/issues/{issue_id:\d+}")
async def delete_issue(request: web.Request) -> web.Response:
    await issues.delete_issue(_id(request, "issue_id", Issue))
    return web.Response(status=204)


@api.get(r"/api/issues/{issue_id:\d+}/history")
async def issue_history(request: web.Request) -> web.Response:
    page = await issues.list_history(_id(request, "issue_id", Issue), parse_page(request.query))
    return _listing(page, history_json)


@api.get(r"/api/issues/{issue_id:\d+}/tags")
async def issue_tags(request: web.Request) -> web.Response:
    keys, top = tag_query(request.query)
    tags = await aggregates.issue_tags(_id(request, "issue_id", Issue), keys, top)
    return json_response({"data": [tag_json(summary) for summary in tags]})


@api.get(r"/api/issues/{issue_id:\d+}/frequency")
async def issue_frequency(request: web.Request) -> web.Response:
    period = frequency_period(request.query)
    issue_id = _id(request, "issue_id", Issue)
    buckets = await aggregates.frequency(issue_id, period, datetime.now(UTC))
    return json_response(frequency_json(period, buckets))


# --- events ---------------------------------------------------------------------------------


@api.get(r"/api/issues/{issue_id:\d+}/events")
async def list_events(request: web.Request) -> web.Response:
    page = await events.list_events(_id(request, "issue_id", Issue), parse_page(request.query))
    return _listing(page, event_summary_json)


@api.get("/api/events/{event_id}")
async def get_event(request: web.Request) -> web.Response:
    event = await events.get_event(request.match_info["event_id"])
    return json_response(event_json(event))


# --- tokens ---------------------------------------------------------------------------------


@api.get("/api/tokens")
async def list_tokens(request: web.Request) -> web.Response:
    page = await tokens.list_tokens(parse_page(request.query))
    return _listing(page, token_json)


@api.post("/api/tokens")
async def create_token(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    new = await tokens.create_token(body.get("description"))
    return json_response(token_json(new.record, new.token), status=201)


@api.delete(r"/api/tokens/{token_id:\d+}")
async def delete_token(request: web.Request) -> web.Response:
    await tokens.delete_token(_id(request, "token_id", ApiToken))
    return web.Response(status=204)


# --- health ---------------------------------------------------------------------------------


@health.get("/health")
async def health_check(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


@health.get("/health/ready")
async def readiness(request: web.Request) -> web.Response:
    if await database.ping():
        return json_response({"status": "ok", "database": "connected"})
    return json_response(
        {"status": "unavailable", "database": "disconnected"},
        status=503,
        headers={"Retry-After": str(Unavailable.retry_after_s)},
    )


def setup(app: web.Application) -> None:
    add_authenticated(app, api)
    app.router.add_routes(health)
