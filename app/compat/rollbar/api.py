"""Rollbar's read/write API over issues ("items") and events ("instances"), by project token.

    GET   /api/1/items?status=&level=&environment=&page=   read, 100 per page (params.py)
    GET   /api/1/item/{id}                                 read
    GET   /api/1/item?counter=N | ?uuid=U                  read: by counter, by occurrence
    GET   /api/1/item_by_counter/{counter}                 read, 301 to the item
    PATCH /api/1/item/{id} {status?, level?, title?,       write, one issue-service call
          resolved_in_version?}
    GET   /api/1/item/{id}/instances?page=                 read, 20 per page, newest first
    GET   /api/1/instance/{id}                             read
    DELETE /api/1/instance/{id}                            write: the occurrence only
    POST  /api/1/deploy/ {environment, revision, …}        post_server_item; JSON or form
    GET   /api/1/deploys?page=                             read, 20 per page, newest first
    GET   /api/1/deploy/{id}                               read
    PATCH /api/1/deploy/{id} {status?, comment?}           write or post_server_item
    GET   /api/1/projects                                  an API token (account token)

A token sees only its own project's items: another project's answer 404 as unknown ones do.
Statuses are the issue states (active = open), so a change here is the change REST and GraphQL
make and see.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from aiohttp import BodyPartReader, web

from app.auth import actors, tokens
from app.auth.access_tokens import TokenGrant
from app.auth.token_cache import TOKEN_CACHE
from app.compat.rollbar.auth import HEADER, GrantCache, require_scope
from app.compat.rollbar.params import item_changes, item_filter
from app.compat.rollbar.serializers import (
    deploy_json,
    instance_json,
    item_json,
    project_json,
)
from app.config import KIB
from app.deploys import service as deploys
from app.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RequestTimeout,
    Unauthorized,
    Unprocessable,
)
from app.events import service as events
from app.http import SETTINGS, json_response, parse_json_object, read_body, read_json_object
from app.ids import parse_id
from app.issues import aggregates
from app.issues import service as issues
from app.pagination import MAX_PAGE, PageRequest, bounded_int, query_value
from app.projects import service as projects
from models import Deploy, Event, Issue, TokenScope

GRANTS = web.AppKey("rollbar_grants", GrantCache)

ITEMS_PER_PAGE = 100
INSTANCES_PER_PAGE = 20
DEPLOYS_PER_PAGE = 20
# A comment may hold 64 KiB; the rest of a deploy is a few short fields.
MAX_DEPLOY_BODY_BYTES = 128 * KIB
MAX_FORM_FIELDS = 16
MAX_INT4 = 2**31 - 1
INSTANCE_NOT_FOUND = "Instance not found in this project."

routes = web.RouteTableDef()


def ok(result: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return json_response({"err": 0, "result": result}, status=status, headers=dict(headers or {}))


async def grant_for(
    request: web.Request, *scopes: TokenScope, body: Mapping[str, Any] | None = None
) -> TokenGrant:
    """The grant of the request's token (header, query, else `access_token` in the body)."""
    token = request.headers.get(HEADER) or request.query.get("access_token")
    if not token and body is not None and isinstance(body.get("access_token"), str):
        token = body["access_token"]
    grant = await request.app[GRANTS].grant(token)
    require_scope(grant, *scopes)
    return grant


def page_of(request: web.Request, per_page: int) -> PageRequest:
    raw = query_value(request.query, "page")
    page = 1 if raw is None else bounded_int(raw, "page", 1, MAX_PAGE)
    return PageRequest(limit=per_page, offset=(page - 1) * per_page)


async def item_of(request: web.Request, grant: TokenGrant) -> Issue:
    raw = request.match_info["item_id"]
    issue_id = parse_id(raw, Issue)
    issue = None if issue_id is None else await Issue.get_or_none(id=issue_id)
    if issue is None or issue.project_id != grant.project_id:
        raise NotFound("Item not found in this project.")
    return issue


async def rendered(found: list[Issue]) -> list[dict[str, Any]]:
    environments = await aggregates.environments([i.id for i in found])
    return [item_json(i, next(iter(environments.get(i.id, [])), None)) for i in found]


@routes.get("/api/1/items")
@routes.get("/api/1/items/")
async def list_items(request: web.Request) -> web.Response:
    grant = await grant_for(request, TokenScope.READ)
    wanted = item_filter(request.query)
    page = page_of(request, ITEMS_PER_PAGE)
    project = await projects.get_project(grant.project_id)
    found = await issues.list_issues(project, page, wanted.state, search=wanted.search)
    total = await issues.count_issues(project, wanted.state, search=wanted.search)
    result = {
        "items": await rendered(found.items),
        "page": page.offset // ITEMS_PER_PAGE + 1,
        "total_count": total,
    }
    return ok(result)


@routes.get(r"/api/1/item/{item_id:\d+}")
async def get_item(request: web.Request) -> web.Response:
    issue = await item_of(request, await grant_for(request, TokenScope.READ))
    (item,) = await rendered([issue])
    return ok(item)


@routes.get("/api/1/item")
@routes.get("/api/1/item/")
async def find_item(request: web.Request) -> web.Response:
    """`?counter=N` (the item as GET /item/{id} shows it) or `?uuid=` of one occurrence."""
    grant = await grant_for(request, TokenScope.READ)
    counter, occurrence = query_value(request.query, "counter"), query_value(request.query, "uuid")
    if (counter is None) == (occurrence is None):
        raise Unprocessable("give either counter or uuid")
    if counter is not None:
        number = bounded_int(counter, "counter", 1, MAX_INT4)
        issue = await Issue.get_or_none(project_id=grant.project_id, counter=number)
        if issue is None:
            raise NotFound("Item not found in this project.")
    else:
        key = events.event_key(occurrence) if occurrence and len(occurrence) <= 64 else None
        if key is None:
            raise BadRequest("Invalid UUID format")
        event = await Event.filter(project_id=grant.project_id, event_id=key).first()
        if event is None:
            raise NotFound("UUID did not match any occurrence")
        issue = await issues.get_issue(event.issue_id)
    (item,) = await rendered([issue])
    return ok(item)


@routes.get(r"/api/1/item_by_counter/{counter:\d+}")
async def item_by_counter(request: web.Request) -> web.Response:
    grant = await grant_for(request, TokenScope.READ)
    counter = parse_id(request.match_info["counter"], Issue, "counter")
    issue = None
    if counter is not None:
        issue = await Issue.get_or_none(project_id=grant.project_id, counter=counter)
    if issue is None:
        raise NotFound("Item not found in this project.")
    path = f"/api/1/item/{issue.id}"
    result = {"itemId": issue.id, "path": path, "uri": path}
    return ok(result, status=301, headers={"Location": path})


@routes.patch(r"/api/1/item/{item_id:\d+}")
async def update_item(request: web.Request) -> web.Response:
    grant = await grant_for(request, TokenScope.WRITE)
    issue = await item_of(request, grant)
    changes = item_changes(await read_json_object(request))
    actor = actors.access_token(grant.token_id)
    (item,) = await rendered([await issues.edit_issue(issue.id, **changes, actor=actor)])
    return ok(item)


@routes.get(r"/api/1/item/{item_id:\d+}/instances")
@routes.get(r"/api/1/item/{item_id:\d+}/instances/")
async def list_instances(request: web.Request) -> web.Response:
    issue = await item_of(request, await grant_for(request, TokenScope.READ))
    page = page_of(request, INSTANCES_PER_PAGE)
    found = await events.list_events(issue.id, page)
    result = {
        "instances": [instance_json(event) for event in found.items],
        "page": page.offset // INSTANCES_PER_PAGE + 1,
    }
    return ok(result)


def instance_id(request: web.Request) -> int:
    value = parse_id(request.match_info["instance_id"], Event)
    if value is None:
        raise NotFound(INSTANCE_NOT_FOUND)
    return value


@routes.get(r"/api/1/instance/{instance_id:\d+}")
async def get_instance(request: web.Request) -> web.Response:
    grant = await grant_for(request, TokenScope.READ)
    event = await Event.get_or_none(id=instance_id(request), project_id=grant.project_id)
    if event is None:
        raise NotFound(INSTANCE_NOT_FOUND)
    return ok(instance_json(event))


@routes.delete(r"/api/1/instance/{instance_id:\d+}")
async def delete_instance(request: web.Request) -> web.Response:
    """The occurrence only: its item, counts and aggregates stay as they were (as Rollbar)."""
    grant = await grant_for(request, TokenScope.WRITE)
    if not await events.delete_event(grant.project_id, instance_id(request)):
        raise NotFound(INSTANCE_NOT_FOUND)
    return json_response({"err": 0, "message": "The instance has been deleted"})


@routes.get("/api/1/projects")
@routes.get("/api/1/projects/")
async def list_projects(request: web.Request) -> web.Response:
    """Account level: Faultline's API tokens are the account's tokens (read and write)."""
    token = request.headers.get(HEADER) or request.query.get("access_token")
    if not token:
        raise Forbidden("access token required")
    try:
        await tokens.authenticate(token, request.app[TOKEN_CACHE])
    except Unauthorized:
        raise Forbidden("invalid access token") from None
    return ok([project_json(project) for project in await projects.all_projects()])


async def read_fields(request: web.Request) -> dict[str, Any]:
    """A JSON object body, or form fields (`curl -F` / urlencoded, as deploy scripts send)."""
    timeout = request.app[SETTINGS].body_read_timeout_s
    if request.content_type == "multipart/form-data":
        try:
            async with asyncio.timeout(timeout):
                return await _multipart_fields(request)
        except TimeoutError:
            raise RequestTimeout(f"request body did not arrive within {timeout:g} s") from None
    raw = await read_body(request, MAX_DEPLOY_BODY_BYTES, timeout)
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(raw.decode("utf-8"), max_num_fields=MAX_FORM_FIELDS)
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("the form body could not be decoded") from None
        return {name: values[0] for name, values in form.items()}
    return parse_json_object(raw)


async def _multipart_fields(request: web.Request) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    received = 0
    reader = await request.multipart()
    while len(fields) < MAX_FORM_FIELDS and (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        data = bytearray()
        while chunk := await part.read_chunk():
            received += len(chunk)
            if received > MAX_DEPLOY_BODY_BYTES:
                raise PayloadTooLarge(
                    f"request body too large (limit {MAX_DEPLOY_BODY_BYTES} bytes)"
                )
            data += chunk
        fields[part.name] = data.decode("utf-8", "replace")
    return fields


@routes.post("/api/1/deploy")
@routes.post("/api/1/deploy/")
async def create_deploy(request: web.Request) -> web.Response:
    body = await read_fields(request)
    grant = await grant_for(request, TokenScope.POST_SERVER_ITEM, body=body)
    fields = {name: value for name, value in body.items() if name != "access_token"}
    deploy = await deploys.create_deploy(grant.project_id, fields)
    return json_response({"data": {"deploy_id": deploy.id}})


@routes.get("/api/1/deploys")
@routes.get("/api/1/deploys/")
async def list_deploys(request: web.Request) -> web.Response:
    grant = await grant_for(request, TokenScope.READ)
    page = page_of(request, DEPLOYS_PER_PAGE)
    found = await deploys.list_deploys(grant.project_id, page)
    result = {
        "deploys": [deploy_json(deploy) for deploy in found.items],
        "page": page.offset // DEPLOYS_PER_PAGE + 1,
    }
    return ok(result)


def deploy_id(request: web.Request) -> int:
    value = parse_id(request.match_info["deploy_id"], Deploy)
    if value is None:
        raise NotFound("Deploy not found in this project.")
    return value


@routes.get(r"/api/1/deploy/{deploy_id:\d+}")
async def get_deploy(request: web.Request) -> web.Response:
    grant = await grant_for(request, TokenScope.READ)
    return ok(deploy_json(await deploys.get_deploy(grant.project_id, deploy_id(request))))


@routes.patch(r"/api/1/deploy/{deploy_id:\d+}")
async def update_deploy(request: web.Request) -> web.Response:
    body = await read_fields(request)
    grant = await grant_for(request, TokenScope.WRITE, TokenScope.POST_SERVER_ITEM, body=body)
    fields = {name: value for name, value in body.items() if name != "access_token"}
    deploy = await deploys.update_deploy(grant.project_id, deploy_id(request), fields)
    return ok(deploy_json(deploy))
