"""Alert management REST routes, behind a Bearer API token like the rest of /api.

    GET    /api/projects/{id}/channels                    {"data": [channel, ...]}
    POST   /api/projects/{id}/channels                    201 channel (+ "secret" once)
    DELETE /api/projects/{id}/channels/{channel_id}       204
    POST   /api/projects/{id}/channels/{channel_id}/test  the test delivery, sent or failed
    GET    /api/projects/{id}/alert-rules                 {"data": [rule, ...]}
    POST   /api/projects/{id}/alert-rules                 201 rule
    GET    /api/projects/{id}/alert-rules/{rule_id}       rule
    PATCH  /api/projects/{id}/alert-rules/{rule_id}       rule
    DELETE /api/projects/{id}/alert-rules/{rule_id}       204
    GET    /api/projects/{id}/deliveries[?status=&rule_id=]  {"data": [...], "next_cursor"}

A channel or rule of another project is not found here, the same as an unknown one.
"""

from __future__ import annotations

from aiohttp import web
from tortoise.models import Model

from app.alerts import service as alerts
from app.alerts.serializers import channel_json, delivery_json, rule_json
from app.auth.bearer import add_authenticated
from app.errors import InvalidField
from app.http import SETTINGS, json_response, read_json_object
from app.ids import parse_id, path_id
from app.pagination import parse_page, query_value
from models import AlertChannel, AlertRule, Project

routes = web.RouteTableDef()

_PROJECT = r"/api/projects/{project_id:\d+}"
_NOUNS = {"project_id": "project", "channel_id": "channel", "rule_id": "alert rule"}


def _id(request: web.Request, name: str, model: type[Model]) -> int:
    return path_id(request.match_info[name], model, _NOUNS[name])


def _project_id(request: web.Request) -> int:
    return _id(request, "project_id", Project)


@routes.get(_PROJECT + "/channels")
async def list_channels(request: web.Request) -> web.Response:
    found = await alerts.list_channels(_project_id(request))
    return json_response({"data": [channel_json(channel) for channel in found]})


@routes.post(_PROJECT + "/channels")
async def create_channel(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    channel = await alerts.create_channel(_project_id(request), body)
    return json_response(channel_json(channel, created=True), status=201)


@routes.delete(_PROJECT + r"/channels/{channel_id:\d+}")
async def delete_channel(request: web.Request) -> web.Response:
    project_id = _project_id(request)
    await alerts.delete_channel(project_id, _id(request, "channel_id", AlertChannel))
    return web.Response(status=204)


@routes.post(_PROJECT + r"/channels/{channel_id:\d+}/test")
async def test_channel(request: web.Request) -> web.Response:
    project_id = _project_id(request)
    channel_id = _id(request, "channel_id", AlertChannel)
    delivery = await alerts.test_channel(project_id, channel_id, request.app[SETTINGS])
    return json_response(delivery_json(delivery))


@routes.get(_PROJECT + "/alert-rules")
async def list_rules(request: web.Request) -> web.Response:
    found = await alerts.list_rules(_project_id(request))
    return json_response({"data": [rule_json(rule) for rule in found]})


@routes.post(_PROJECT + "/alert-rules")
async def create_rule(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    rule = await alerts.create_rule(_project_id(request), body)
    return json_response(rule_json(rule), status=201)


@routes.get(_PROJECT + r"/alert-rules/{rule_id:\d+}")
async def get_rule(request: web.Request) -> web.Response:
    project_id = _project_id(request)
    rule = await alerts.get_rule(project_id, _id(request, "rule_id", AlertRule))
    return json_response(rule_json(rule))


@routes.patch(_PROJECT + r"/alert-rules/{rule_id:\d+}")
async def update_rule(request: web.Request) -> web.Response:
    project_id = _project_id(request)
    rule_id = _id(request, "rule_id", AlertRule)
    changes = await read_json_object(request)
    return json_response(rule_json(await alerts.update_rule(project_id, rule_id, changes)))


@routes.delete(_PROJECT + r"/alert-rules/{rule_id:\d+}")
async def delete_rule(request: web.Request) -> web.Response:
    project_id = _project_id(request)
    await alerts.delete_rule(project_id, _id(request, "rule_id", AlertRule))
    return web.Response(status=204)


@routes.get(_PROJECT + "/deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    page = parse_page(request.query)
    raw_rule = query_value(request.query, "rule_id")
    rule_id = None
    if raw_rule is not None:
        rule_id = parse_id(raw_rule, AlertRule)
        if rule_id is None:
            raise InvalidField("rule_id", "must be the id of an alert rule")
    where = alerts.delivery_filter(query_value(request.query, "status"), rule_id)
    found = await alerts.list_deliveries(_project_id(request), page, where)
    return json_response(
        {"data": [delivery_json(d) for d in found.items], "next_cursor": found.next_cursor}
    )


def setup(app: web.Application) -> None:
    add_authenticated(app, routes)
