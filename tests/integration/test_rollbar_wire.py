"""Rollbar's item endpoint over raw HTTP: auth and scopes, every error code, size, rate limits."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from app.auth import access_tokens
from app.ingest.ratelimit import retry_after_s
from models import Event, Issue, Project, ProjectAccessToken, TokenScope
from tests.integration.dedicated import FakeClock, dedicated_server
from tests.integration.graphql import data
from tests.integration.rollbar_sdk import item, new_rollbar_project, trace
from tests.integration.sentry import event_envelope, new_project
from tests.samples import SAMPLES

PYROLLBAR = SAMPLES / "pyrollbar-1.5.0"
RATE_HEADERS = (
    "X-Rate-Limit-Limit",
    "X-Rate-Limit-Remaining",
    "X-Rate-Limit-Reset",
    "X-Rate-Limit-Remaining-Seconds",
)


async def post(http, url, body, headers=None, **kwargs):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    async with http.post(url, data=data, headers=headers or {}, **kwargs) as resp:
        return resp.status, resp.headers.copy(), await resp.text()


async def test_ping_answers_pong(http, server):
    async with http.get(server("/api/1/status/ping")) as resp:
        assert resp.status == 200
        assert await resp.text() == "pong"


async def test_a_captured_pyrollbar_request_is_stored_once_per_uuid(http, server):
    project = await new_rollbar_project(server)
    body = json.loads((PYROLLBAR / "item-trace.json").read_text())
    body["access_token"] = project.tokens[TokenScope.POST_SERVER_ITEM]
    body["data"]["timestamp"] = int(time.time())
    for _ in range(2):
        status, headers, text = await post(
            http, project.item_url, body, {"Content-Type": "application/json"}
        )
        assert status == 200
        assert json.loads(text) == {"err": 0, "result": {"id": None, "uuid": body["data"]["uuid"]}}
        assert headers["Content-Type"] == "application/json; charset=utf-8"
    events = await Event.filter(project_id=project.id)
    assert [e.event_id for e in events] == [uuid.UUID(body["data"]["uuid"]).hex]
    issue = await Issue.get(project_id=project.id)
    assert (issue.title, issue.event_count) == ("ZeroDivisionError: division by zero", 1)
    assert events[0].user == {"id": "u1", "username": "alice", "email": "a@example.com"}
    assert (events[0].environment, events[0].release) == ("staging", "1.2.3")


async def test_the_token_may_come_from_the_header_the_query_or_the_body(http, server):
    project = await new_rollbar_project(server)
    token = project.tokens[TokenScope.POST_SERVER_ITEM]
    assert (await post(http, project.item_url, item(), {"X-ROLLBAR-ACCESS-TOKEN": token}))[0] == 200
    url = f"{project.item_url}?access_token={token}"
    assert (await post(http, url, item()))[0] == 200
    assert (await post(http, project.item_url, {**item(), "access_token": token}))[0] == 200
    form = urlencode({"payload": json.dumps({**item(), "access_token": token})})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, text = await post(http, project.item_url, form, headers)
    assert (status, json.loads(text)["err"]) == (200, 0)
    assert await Event.filter(project_id=project.id).count() == 4


async def test_missing_unknown_revoked_and_insufficient_tokens_are_403(http, server):
    project = await new_rollbar_project(server)
    unknown = "0" * 32
    revoked = await access_tokens.create_token(project.id, ["post_server_item"])
    await access_tokens.revoke_token(project.id, revoked.id)
    cases = [
        ({}, "access token required"),
        ({"X-Rollbar-Access-Token": unknown}, f"access token not found: {unknown}"),
        ({"X-Rollbar-Access-Token": "not-a-token"}, "access token not found: not-a-token"),
        ({"X-Rollbar-Access-Token": revoked.token}, f"access token not found: {revoked.token}"),
    ]
    for scope in (TokenScope.POST_CLIENT_ITEM, TokenScope.READ, TokenScope.WRITE):
        message = (
            "insufficient privileges: post_server_item scope is required but the access "
            f"token only has {scope.value}."
        )
        cases.append((project.header(scope), message))
    for headers, message in cases:
        status, response_headers, text = await post(http, project.item_url, item(), headers)
        assert (status, json.loads(text)) == (403, {"err": 1, "message": message}), headers
        assert all(name in response_headers for name in RATE_HEADERS)
    assert await Event.filter(project_id=project.id).count() == 0


@pytest.mark.parametrize("platform", ["browser", "android", "ios", "client", "react-native"])
async def test_a_client_token_posts_items_of_client_platforms(http, server, platform):
    project = await new_rollbar_project(server)
    status, _, text = await post(
        http, project.item_url, item(platform=platform), project.header(TokenScope.POST_CLIENT_ITEM)
    )
    assert (status, json.loads(text)["err"]) == (200, 0)


async def test_a_read_token_may_not_post_a_client_item(http, server):
    project = await new_rollbar_project(server)
    status, _, text = await post(
        http, project.item_url, item(platform="browser"), project.header(TokenScope.READ)
    )
    assert status == 403
    assert json.loads(text)["message"] == (
        "insufficient privileges: post_server_item or post_client_item scope is required but "
        "the access token only has read."
    )


async def test_unparseable_bodies_are_400(http, server):
    project = await new_rollbar_project(server)
    headers = project.header()
    for body in (b"", b"{not json", b"[1, 2]", b"\xff\xfe"):
        status, _, text = await post(http, project.item_url, body, headers)
        assert status == 400, body
        assert json.loads(text)["err"] == 1
    form = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    status, _, text = await post(http, project.item_url, "other=1", form)
    assert (status, json.loads(text)) == (
        400,
        {"err": 1, "message": "No JSON payload was found: the form has no payload field."},
    )


async def test_invalid_items_are_422_naming_the_field(http, server):
    project = await new_rollbar_project(server)
    both = "data.body must have either a 'trace', 'trace_chain', 'message' or 'crash_report' property, (but not more than one)."
    chain = [trace("A", "a", [("/a.py", "f", "x")]), {"exception": {"class": "B"}}]
    cases = [
        ({}, "data is missing and it is required."),
        (
            {"data": {"environment": "p"}},
            "data.body must not be undefined. Instead, it should be an object with a 'message', 'trace', 'trace_chain', or 'crash_report' key.",
        ),
        (item(body={}), both),
        (item(body={"message": {"body": "m"}, "trace": {}}), both),
        (item(environment=None), "data.environment is missing and it is required."),
        (item(environment="x" * 256), "data.environment should be at most 255 characters."),
        (item(level=40), "data.level should be string."),
        (item(level="fatal"), "data.level should be one of critical, error, warning, info, debug."),
        (item(timestamp="yesterday"), "data.timestamp should be integer."),
        (item(uuid="u" * 37), "data.uuid should be at most 36 characters."),
        (item(fingerprint=["a"]), "data.fingerprint should be string."),
        (item(title=5), "data.title should be string."),
        (
            item(body={"trace": {"exception": {"class": "E"}}}),
            "data.body.trace.frames is missing and it is required.",
        ),
        (
            item(body={"trace": {"frames": []}}),
            "data.body.trace.exception is missing and it is required.",
        ),
        (
            item(body={"trace": {"frames": [], "exception": {"message": "m"}}}),
            "data.body.trace.exception.class is missing and it is required.",
        ),
        (
            item(body={"trace_chain": chain}),
            "data.body.trace_chain[1].frames is missing and it is required.",
        ),
        (item(body={"trace_chain": []}), "data.body.trace_chain should be a non-empty array."),
        (
            item(body={"message": {"text": "m"}}),
            "data.body.message.body is missing and it is required.",
        ),
        (
            item(body={"message": {"body": "m"}, "telemetry": {}}),
            "data.body.telemetry should be array.",
        ),
        (
            item(body={"crash_report": {}}),
            "data.body.crash_report.raw is missing and it is required.",
        ),
    ]
    for body, message in cases:
        status, _, text = await post(http, project.item_url, body, project.header())
        assert (status, json.loads(text)) == (
            422,
            {"err": 1, "message": f"Invalid format. {message}"},
        ), message
    assert await Event.filter(project_id=project.id).count() == 0


async def test_the_size_limit_is_128_kib_exactly(http, server):
    project = await new_rollbar_project(server)
    limit = server.settings.max_rollbar_item_bytes
    assert limit == 131072

    def sized(size: int) -> bytes:
        body = item()
        body["data"]["custom"] = {"pad": ""}
        raw = json.dumps(body)
        body["data"]["custom"]["pad"] = "x" * (size - len(raw))
        data = json.dumps(body).encode()
        assert len(data) == size
        return data

    status, _, _ = await post(http, project.item_url, sized(limit), project.header())
    assert status == 200
    status, headers, text = await post(http, project.item_url, sized(limit + 1), project.header())
    assert (status, json.loads(text)) == (
        413,
        {"err": 1, "message": "Payload too large. The maximum size is 131072 bytes."},
    )
    assert all(name in headers for name in RATE_HEADERS)

    # Without a Content-Length (chunked), the same limit holds while reading.
    async def chunks():
        yield sized(limit + 1)

    async with http.post(project.item_url, data=chunks(), headers=project.header()) as resp:
        assert resp.status == 413
    # pyrollbar's answer to a 413 is a small failsafe item: that one is stored.
    failsafe = json.loads((PYROLLBAR / "item-failsafe-after-413.json").read_text())
    status, _, _ = await post(http, project.item_url, failsafe, project.header())
    assert status == 200
    assert await Event.filter(project_id=project.id).count() == 2


async def test_rate_limit_headers_count_down_and_429_pauses_rollbar_js(http, database_url, server):
    project = await new_rollbar_project(server)
    await Project.filter(id=project.id).update(rate_limit_per_minute=2)
    clock = FakeClock.minute_start(time.time())
    async with dedicated_server(database_url, clock=clock) as dedicated:
        url = dedicated.server("/api/1/item/")
        answers = [await post(http, url, item(), project.header()) for _ in range(4)]
    assert [status for status, _, _ in answers] == [200, 200, 429, 429]
    reset = str(int(clock.now // 60 * 60 + 60))
    assert [tuple(headers[name] for name in RATE_HEADERS) for _, headers, _ in answers] == [
        ("2", "1", reset, "59"),
        ("2", "0", reset, "59"),
        ("2", "0", reset, "59"),
        ("2", "0", reset, "59"),
    ]
    assert json.loads(answers[2][2]) == {"err": 1, "message": "event rejected due to rate limit"}
    assert retry_after_s(clock.now) == 59
    assert await Event.filter(project_id=project.id).count() == 2


async def test_an_unlimited_project_reports_the_largest_limit(http, server):
    project = await new_rollbar_project(server)
    _, headers, _ = await post(http, project.item_url, item(), project.header())
    assert (headers["X-Rate-Limit-Limit"], headers["X-Rate-Limit-Remaining"]) == (
        "10000000",
        "10000000",
    )
    assert int(headers["X-Rate-Limit-Reset"]) % 60 == 0
    assert 1 <= int(headers["X-Rate-Limit-Remaining-Seconds"]) <= 60


async def test_other_failures_on_rollbar_routes_answer_in_rollbar_shape(http, server):
    async with http.delete(server("/api/1/item/")) as resp:  # (GET finds an item: ?uuid=)
        assert resp.status == 405
        assert await resp.json() == {
            "err": 1,
            "message": "method DELETE not allowed on /api/1/item/",
        }
    async with http.options(server("/api/1/item/")) as resp:
        assert resp.status == 200
        assert "x-rollbar-access-token" in resp.headers["Access-Control-Allow-Headers"]


async def test_the_same_crash_through_sentry_and_rollbar_is_one_issue(http, server):
    sentry = await new_project(server, "Both")
    rollbar_tokens = await ProjectAccessToken.filter(project_id=sentry.id)
    token = next(t.token for t in rollbar_tokens if t.scopes == "post_server_item")
    frames = [("/srv/app/main.py", "main", "run()"), ("/srv/app/calc.py", "divide", "return a / b")]
    sentry_event = {
        "platform": "python",
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "ZeroDivisionError",
                    "value": "division by zero",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": f,
                                "abs_path": f,
                                "function": m,
                                "context_line": c,
                                "lineno": 1,
                            }
                            for f, m, c in frames
                        ]
                    },
                }
            ]
        },
    }
    async with http.post(
        sentry.envelope_url, data=event_envelope(sentry_event), headers=sentry.auth
    ) as resp:
        assert resp.status == 200
    rollbar_item = item(
        body={"trace": trace("ZeroDivisionError", "division by zero", frames)},
        language="python 3.11.7",
        level="error",
    )
    status, _, _ = await post(
        http, server("/api/1/item/"), rollbar_item, {"X-Rollbar-Access-Token": token}
    )
    assert status == 200
    issue = await Issue.get(project_id=sentry.id)
    assert (issue.title, issue.event_count, issue.platform) == (
        "ZeroDivisionError: division by zero",
        2,
        "python",
    )


async def test_item_fields_are_shown_by_rest_and_graphql(http, server, auth):
    project = await new_rollbar_project(server)
    sent = int(time.time()) - 30
    body = item(
        person={"id": "u7", "username": "bob", "email": "bob@example.com"},
        request={"url": "https://shop.example/cart", "method": "POST", "user_ip": "$remote_ip"},
        server={"host": "web-3", "root": "/srv/shop"},
        custom={"cart_id": 99},
        code_version="v5",
        environment="staging",
        level="critical",
        timestamp=sent,
    )
    status, _, _ = await post(http, project.item_url, body, project.header())
    assert status == 200
    item_uuid = body["data"]["uuid"]
    async with http.get(server(f"/api/events/{item_uuid}"), headers=auth) as resp:
        rest = await resp.json()
    assert (rest["environment"], rest["release"], rest["level"]) == ("staging", "v5", "fatal")
    assert rest["user"] == {
        "id": "u7",
        "username": "bob",
        "email": "bob@example.com",
        "ip_address": "127.0.0.1",
    }
    assert rest["request"] == {"url": "https://shop.example/cart", "method": "POST"}
    assert rest["extra"] == {"cart_id": 99}
    assert rest["server_name"] == "web-3"
    assert rest["contexts"]["server"] == {"host": "web-3", "root": "/srv/shop"}
    query = (
        "query($id: ID!) { event(id: $id) { timestamp environment release level"
        " user { id username email } request contexts extra } }"
    )
    found = (await data(http, server, query, {"id": item_uuid}, auth))["event"]
    assert found["timestamp"] == datetime.fromtimestamp(sent, UTC).isoformat()
    assert (found["environment"], found["release"], found["level"]) == ("staging", "v5", "fatal")
    assert found["user"] == {"id": "u7", "username": "bob", "email": "bob@example.com"}
    assert found["request"] == {"url": "https://shop.example/cart", "method": "POST"}
    assert found["extra"] == {"cart_id": 99}
    assert found["contexts"]["rollbar"]["uuid"] == item_uuid


async def test_hostile_items_get_clear_answers(http, server):
    project = await new_rollbar_project(server)
    headers = project.header()
    nested = b'{"data":' + b"[" * 5000 + b"]" * 5000 + b"}"
    for body in (nested, b'{"data": {"x": "\\ud800"}}', b'{"data": NaN}'):
        status, _, text = await post(http, project.item_url, body, headers)
        assert status == 400, body[:40]
        assert json.loads(text)["message"].startswith("The JSON payload could not be parsed: ")
    long_token = "a" * 5_000  # aiohttp refuses header values over 8 KiB itself
    status, _, text = await post(
        http, project.item_url, item(), {"X-Rollbar-Access-Token": long_token}
    )
    assert (status, json.loads(text)["message"]) == (
        403,
        f"access token not found: {'a' * 64}… (4936 more characters)",
    )
    form = urlencode({f"f{n}": "x" for n in range(17)} | {"payload": json.dumps(item())})
    status, _, text = await post(
        http,
        project.item_url,
        form,
        {**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (status, json.loads(text)["message"]) == (400, "the form body could not be decoded")
    frames = [{"filename": f"/app/m{n % 50}.py", "method": f"f{n}"} for n in range(2000)]
    many = item(body={"trace": {"frames": frames, "exception": {"class": "Deep"}}})
    started = time.perf_counter()
    status, _, _ = await post(http, project.item_url, many, headers)
    assert status == 200
    assert time.perf_counter() - started < 5
    assert (await Issue.get(project_id=project.id)).title == "Deep"
