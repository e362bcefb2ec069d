"""An occurrence reads back in Rollbar's item shape: what pyrollbar and rollbar.js-style clients
posted, rendered from the stored canonical event (raw HTTP)."""

from __future__ import annotations

import copy
import json
import time
import uuid

import pytest

from models import Event, Project, TokenScope
from tests.integration.rollbar_sdk import new_rollbar_project
from tests.integration.sentry import SentryProject, event_envelope, exception_event
from tests.integration.test_rollbar_api import call, post_items
from tests.samples import SAMPLES

PYROLLBAR = SAMPLES / "pyrollbar-1.5.0"


def without_argspec(data):
    """What the canonical form does not keep of a pyrollbar item: the frames' argspec."""
    expected = copy.deepcopy(data)
    body = expected["body"]
    for trace in body.get("trace_chain", [body.get("trace")] if "trace" in body else []):
        for frame in trace["frames"]:
            frame.pop("argspec", None)
    return expected


async def instance_data(http, server, project):
    (event,) = await Event.filter(project_id=project.id)
    status, _, body = await call(
        http, "GET", server(f"/api/1/instance/{event.id}"), project.header(TokenScope.READ)
    )
    assert status == 200
    return body["result"]["data"]


@pytest.mark.parametrize(
    "sample",
    ["item-trace", "item-trace_chain", "item-message", "item-message-fingerprint-title"],
)
async def test_a_pyrollbar_item_reads_back_as_it_was_posted(http, server, sample):
    project = await new_rollbar_project(server)
    posted = json.loads((PYROLLBAR / f"{sample}.json").read_text())
    posted["data"]["timestamp"] = int(time.time())
    await post_items(http, project, posted)
    assert await instance_data(http, server, project) == without_argspec(posted["data"])


async def test_every_field_of_an_item_reads_back(http, server):
    project = await new_rollbar_project(server)
    data = {
        "environment": "production",
        "level": "critical",
        "timestamp": int(time.time()),
        "uuid": str(uuid.uuid4()),
        "platform": "browser",
        "language": "javascript",
        "framework": "browser-js",
        "notifier": {"name": "rollbar-browser-js", "version": "2.26.4"},
        "client": {"javascript": {"browser": "Firefox", "source_map_enabled": True}},
        "attributes": [{"key": "session_id", "value": "s1"}],
        "code_version": "3.1.0",
        "context": "checkout#pay",
        "title": "Payment broke",
        "fingerprint": "payment-broke",
        "person": {"id": "42", "username": "ann", "email": "ann@example.org"},
        "request": {
            "url": "https://shop.example/pay?x=1",
            "method": "POST",
            "query_string": "x=1",
            "headers": {"User-Agent": "Firefox"},
            "GET": {"x": "1"},
            "POST": {"card": "****"},
            "user_ip": "203.0.113.9",
        },
        "server": {"host": "web-1", "root": "/srv/shop", "branch": "main"},
        "custom": {"cart": [1, 2], "coupon": None},
        "body": {
            "trace": {
                "frames": [
                    {
                        "filename": "https://shop.example/app.js",
                        "lineno": 10,
                        "colno": 4,
                        "method": "pay",
                        "code": "card.charge()",
                        "context": {"pre": ["let card"], "post": ["}"]},
                    }
                ],
                "exception": {
                    "class": "TypeError",
                    "message": "card is undefined",
                    "description": "while paying",
                },
            },
            "telemetry": [
                {
                    "level": "warning",
                    "type": "network",
                    "timestamp_ms": 1796000000123,
                    "body": {"url": "/api/cart", "status_code": 500},
                }
            ],
        },
    }
    await post_items(http, project, {"data": data})
    assert await instance_data(http, server, project) == data


async def test_a_crash_report_and_a_custom_value_that_is_no_object(http, server):
    project = await new_rollbar_project(server)
    data = {
        "environment": "ios-prod",
        "level": "error",
        "timestamp": int(time.time()),
        "uuid": str(uuid.uuid4()),
        "platform": "ios",
        "custom": "plain text",
        "body": {"crash_report": {"raw": "Exception Type: EXC_CRASH\nThread 0 crashed"}},
    }
    await post_items(http, project, {"data": data})
    assert await instance_data(http, server, project) == data


async def test_a_sentry_event_reads_as_a_rollbar_occurrence(http, server):
    project = await new_rollbar_project(server)
    row = await Project.get(id=project.id)
    sentry = SentryProject(project.id, row.sentry_key, "", server)
    at = int(time.time())
    event = exception_event(
        timestamp=at,
        release="9.9",
        environment="prod",
        user={"id": "7", "ip_address": "198.51.100.1"},
        sdk={"name": "sentry.python", "version": "2.75.0", "packages": []},
        extra={"order": 5},
        message="ignored: the exception is the body",
    )
    async with http.post(
        sentry.envelope_url, data=event_envelope(event), headers=sentry.auth
    ) as resp:
        assert resp.status == 200, await resp.text()
    (stored,) = await Event.filter(project_id=project.id)
    frames = [
        {"filename": "app.main", "lineno": 10, "method": "main", "code": "handler()"},
        {"filename": "app.views", "lineno": 20, "method": "handler", "code": "raise Oops()"},
    ]
    assert await instance_data(http, server, project) == {
        "body": {
            "trace": {"frames": frames, "exception": {"class": "ValueError", "message": "bad"}}
        },
        "language": "python",
        "notifier": {"name": "sentry.python", "version": "2.75.0"},
        "code_version": "9.9",
        "person": {"id": "7"},
        "request": {"user_ip": "198.51.100.1"},
        "custom": {"order": 5},
        "environment": "prod",
        "level": "error",
        "timestamp": at,
        "uuid": stored.event_id,
    }
