"""Rollbar items → canonical events (pure): order, ids, fingerprints, fields, platforms."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from app.auth.access_tokens import TokenGrant
from app.compat.rollbar.auth import GrantCache, item_scopes, require_scope
from app.compat.rollbar.items import canonical_platform, translate
from app.errors import Forbidden, Unprocessable
from models import TokenScope

NOW = 1_795_321_100.0


def data(**fields: object) -> dict[str, object]:
    return {"environment": "production", "body": {"message": {"body": "m"}}, **fields}


def frames(*names: str) -> list[dict[str, object]]:
    return [{"filename": f"/app/{n}.py", "method": n, "lineno": 1} for n in names]


def test_a_trace_chain_is_stored_cause_first() -> None:
    chain = [
        {"frames": frames("outer"), "exception": {"class": "ValueError", "message": "bad"}},
        {"frames": frames("inner"), "exception": {"class": "ZeroDivisionError", "message": None}},
    ]
    event = translate(data(body={"trace_chain": chain}), received_at=NOW, client_ip=None).event
    values = event["exception"]["values"]
    assert [v["type"] for v in values] == ["ZeroDivisionError", "ValueError"]
    assert "value" not in values[0]
    assert values[1]["stacktrace"]["frames"] == [
        {"filename": "/app/outer.py", "abs_path": "/app/outer.py", "function": "outer", "lineno": 1}
    ]
    assert event["level"] == "error"


def test_a_long_trace_chain_keeps_the_caught_exception_and_its_newest_causes() -> None:
    chain = [{"frames": [], "exception": {"class": f"E{n}"}} for n in range(500)]
    event = translate(data(body={"trace_chain": chain}), received_at=NOW, client_ip=None).event
    assert [v["type"] for v in event["exception"]["values"]] == [f"E{n}" for n in range(99, -1, -1)]


def test_a_deep_trace_keeps_its_first_and_innermost_frames() -> None:
    names = [f"f{n}" for n in range(600)]
    trace = {"frames": frames(*names), "exception": {"class": "RecursionError"}}
    event = translate(data(body={"trace": trace}), received_at=NOW, client_ip=None).event
    stacktrace = event["exception"]["values"][0]["stacktrace"]
    assert [f["function"] for f in stacktrace["frames"]] == names[:50] + names[400:]
    assert stacktrace["frames_omitted"] == [50, 400]


def test_a_message_defaults_to_info_and_keeps_its_other_keys() -> None:
    body = {"message": {"body": "hello", "extra_key": 1}}
    event = translate(data(body=body), received_at=NOW, client_ip=None).event
    assert event["logentry"] == {"message": "hello", "formatted": "hello", "params": None}
    assert event["extra"] == {"message": {"extra_key": 1}}
    assert event["level"] == "info"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("critical", "fatal"), ("error", "error"), ("warning", "warning"), ("debug", "debug")],
)
def test_levels_map_to_the_canonical_names(sent: str, stored: str) -> None:
    assert translate(data(level=sent), received_at=NOW, client_ip=None).event["level"] == stored


def test_uuid_is_the_event_id_and_other_strings_are_hashed() -> None:
    given = str(uuid.uuid4())
    item = translate(data(uuid=given), received_at=NOW, client_ip=None)
    assert (item.uuid, item.event["event_id"]) == (given, uuid.UUID(given).hex)
    odd = translate(data(uuid="my-id"), received_at=NOW, client_ip=None)
    assert odd.event["event_id"] == hashlib.md5(b"my-id").hexdigest()
    made = translate(data(), received_at=NOW, client_ip=None)
    assert made.event["event_id"] == uuid.UUID(made.uuid).hex


def test_fingerprints_up_to_40_characters_are_kept_longer_ones_hashed() -> None:
    short = "f" * 40
    event = translate(data(fingerprint=short), received_at=NOW, client_ip=None).event
    assert event["fingerprint"] == [short]
    long = "f" * 41
    event = translate(data(fingerprint=long), received_at=NOW, client_ip=None).event
    assert event["fingerprint"] == [hashlib.sha1(long.encode()).hexdigest()]


def test_timestamps_far_off_are_replaced_by_the_receive_time() -> None:
    for sent, kept in ((NOW - 10, NOW - 10), (NOW + 61, NOW), (NOW - 31 * 86400, NOW), (None, NOW)):
        event = translate(data(timestamp=sent), received_at=NOW, client_ip=None).event
        assert event["timestamp"] == kept


def test_person_request_server_custom_and_context() -> None:
    item = translate(
        data(
            person={"id": 7, "username": "al", "email": "a@x", "other": "dropped"},
            request={
                "url": "http://x/y",
                "method": "GET",
                "user_ip": "$remote_ip",
                "POST": {"a": 1},
            },
            server={"host": "web1", "root": "/srv", "code_version": "abc"},
            custom=[1, 2],
            context="home#index",
            title="My title",
        ),
        received_at=NOW,
        client_ip="10.0.0.9",
    )
    event = item.event
    assert event["user"] == {"id": "7", "username": "al", "email": "a@x", "ip_address": "10.0.0.9"}
    assert event["request"] == {"url": "http://x/y", "method": "GET", "data": {"a": 1}}
    assert (event["server_name"], event["release"]) == ("web1", "abc")
    assert event["extra"] == {"custom": [1, 2]}
    assert event["transaction"] == "home#index"
    assert item.title == "My title"


def test_a_crash_report_and_telemetry() -> None:
    body = {
        "crash_report": {"raw": "Incident Identifier: X\nmore"},
        "telemetry": [
            {"level": "error", "type": "log", "timestamp_ms": 1500, "body": {"message": "hi"}}
        ],
    }
    event = translate(data(body=body), received_at=NOW, client_ip=None).event
    assert event["logentry"]["formatted"] == "Incident Identifier: X"
    assert event["extra"] == {"crash_report": "Incident Identifier: X\nmore"}
    assert event["breadcrumbs"] == {
        "values": [
            {
                "type": "default",
                "category": "log",
                "timestamp": 1.5,
                "level": "error",
                "message": "hi",
                "data": {"message": "hi"},
            }
        ]
    }


@pytest.mark.parametrize(
    ("language", "platform", "canonical"),
    [
        ("python 3.11.7", "", "python"),
        ("javascript", "browser", "javascript"),
        ("javascript", "node", "node"),
        ("javascript", "", "javascript"),
        ("", "browser", "javascript"),
        ("", "linux", "other"),
        ("Ruby", "linux", "ruby"),
    ],
)
def test_the_canonical_platform_follows_the_language(
    language: str, platform: str, canonical: str
) -> None:
    assert canonical_platform(language, platform) == canonical


def test_javascript_without_a_platform_but_with_a_server_is_node() -> None:
    assert canonical_platform("javascript", "", has_server=True) == "node"
    assert canonical_platform("javascript", "browser", has_server=True) == "javascript"


def test_a_non_object_data_is_unprocessable() -> None:
    with pytest.raises(Unprocessable, match="data is missing"):
        translate([], received_at=NOW, client_ip=None)


def test_scopes_a_client_platform_needs() -> None:
    client = TokenGrant(1, 1, frozenset({TokenScope.POST_CLIENT_ITEM}))
    require_scope(client, *item_scopes("browser"))
    require_scope(client, *item_scopes("react-native-ios"))
    with pytest.raises(Forbidden, match="post_server_item scope is required"):
        require_scope(client, *item_scopes("linux"))


async def test_strings_that_are_not_tokens_are_refused_without_a_lookup() -> None:
    cache = GrantCache()
    for token in ("x" * 100_000, "A" * 32, "0" * 31):
        with pytest.raises(Forbidden, match="access token not found"):
            await cache.grant(token)
    assert len(cache) == 0
    with pytest.raises(Forbidden, match="access token required"):
        await cache.grant(None)


def test_frames_under_server_root_are_in_app_with_their_python_module() -> None:
    frames = [
        {"filename": "/srv/app/shop/views.py", "method": "checkout"},
        {"filename": "/srv/app/shop/__init__.py", "method": "load"},
        {"filename": "/srv/app/.venv/lib/site-packages/aiohttp/web.py", "method": "handle"},
        {"filename": "/usr/lib/python3.11/json/decoder.py", "method": "decode"},
    ]
    body = {"trace": {"frames": frames, "exception": {"class": "E"}}}
    for root in ("/srv/app", "/srv/app/"):
        event = translate(
            data(body=body, language="python 3.11.7", server={"root": root}),
            received_at=NOW,
            client_ip=None,
        ).event
        placed = [
            (f.get("in_app"), f.get("module"))
            for f in event["exception"]["values"][0]["stacktrace"]["frames"]
        ]
        assert placed == [(True, "shop.views"), (True, "shop"), (False, None), (None, None)]
    ruby = translate(
        data(body=body, language="ruby", server={"root": "/srv/app"}),
        received_at=NOW,
        client_ip=None,
    ).event
    assert ruby["exception"]["values"][0]["stacktrace"]["frames"][0].get("module") is None
