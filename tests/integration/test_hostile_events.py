"""Hostile event content through the real Sentry endpoint and back out of the REST API (issue #6).

Deep nesting, lone surrogates, NUL characters and text that looks like an escape, worst cases
for the message parameteriser, very wide values: each event is stored (or, when it cannot be
parsed at all, refused with a 400 naming why), and reads back exactly as documented.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.ingest.jsontext import MAX_DEPTH, TRIMMED
from tests.integration.sentry import SentryProject, new_project


def deep(levels: int, leaf: str = '"leaf"') -> str:
    """JSON text of `levels` nested lists (json.dumps itself cannot write this deep)."""
    return "[" * levels + leaf + "]" * levels


def envelope(payload: str) -> bytes:
    body = payload.encode()
    item = json.dumps({"type": "event", "length": len(body)}).encode()
    return b"\n".join([b"{}", item, body]) + b"\n"


async def post(http: Any, project: SentryProject, payload: str) -> tuple[int, dict[str, Any]]:
    async with http.post(project.envelope_url, data=envelope(payload), headers=project.auth) as r:
        return r.status, await r.json()


async def stored(http: Any, server: Any, auth: dict[str, str], event_id: str) -> dict[str, Any]:
    async with http.get(server(f"/api/events/{event_id}"), headers=auth) as resp:
        assert resp.status == 200, await resp.text()
        event: dict[str, Any] = await resp.json()
    async with http.get(server(f"/api/issues/{event['issue_id']}"), headers=auth) as resp:
        assert resp.status == 200, await resp.text()
        event["issue"] = await resp.json()
    return event


def list_levels(value: object) -> tuple[int, object]:
    levels = 0
    while isinstance(value, list):
        (value,) = value
        levels += 1
    return levels, value


def at(value: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


# (payload with X where the deep value goes, path to it in the REST event, level of its parent).
# Levels count the event object as 1, so the lists of X fill the levels up to MAX_DEPTH.
DEEP_PLACES = {
    "extra": ('{"message": "m", "extra": {"deep": X}}', ("extra", "deep"), 2),
    "contexts": (
        '{"message": "m", "contexts": {"app": {"deep": X}}}',
        ("contexts", "app", "deep"),
        3,
    ),
    "frame-vars": (
        '{"exception": {"values": [{"type": "E", "value": "v", "stacktrace": {"frames": '
        '[{"function": "f", "vars": {"deep": X}}]}}]}}',
        ("exception", "values", 0, "stacktrace", "frames", 0, "vars", "deep"),
        8,
    ),
    "breadcrumb-data": (
        '{"message": "m", "breadcrumbs": {"values": [{"message": "b", "data": {"deep": X}}]}}',
        ("breadcrumbs", "values", 0, "data", "deep"),
        5,
    ),
    "event-itself": ('{"message": "m", "deep": X}', ("deep",), 1),
    "user": ('{"message": "m", "user": {"id": "1", "deep": X}}', ("user", "deep"), 1),
}


@pytest.mark.parametrize("place", DEEP_PLACES)
async def test_deeply_nested_values_are_stored_trimmed(http, server, auth, place):
    template, path, parent_level = DEEP_PLACES[place]
    project = await new_project(server)
    status, body = await post(http, project, template.replace("X", deep(1000)))
    assert status == 200, body
    event = await stored(http, server, auth, body["id"])
    # The user column is its own JSON document, so there the user object is level 1.
    assert list_levels(at(event, path)) == (MAX_DEPTH - parent_level, TRIMMED)


async def test_deep_values_in_text_fields_become_trimmed_json_text(http, server, auth):
    project = await new_project(server)
    payload = (
        f'{{"exception": {{"values": [{{"type": "E", "value": {deep(1000)}}}]}},'
        f' "tags": {{"deep": {deep(1000)}}}, "logger": {deep(1000)}}}'
    )
    status, body = await post(http, project, payload)
    assert status == 200, body
    event = await stored(http, server, auth, body["id"])
    text = "[" * MAX_DEPTH + json.dumps(TRIMMED) + "]" * MAX_DEPTH
    assert event["exception"]["values"][0]["value"] == text
    assert event["logger"] == text
    assert event["tags"] == {"deep": "[" * 197 + "..."}  # tag values keep 200 characters
    assert event["issue"]["title"] == "E: " + "[" * 97 + "..."


async def test_two_recursive_frames_with_deep_fields_group(http, server, auth):
    project = await new_project(server)
    frame = f'{{"function": "f", "module": "m", "in_app": true, "lineno": {deep(1010, "1")}}}'
    payload = (
        '{"exception": {"values": [{"type": "E", "value": "v", "stacktrace": '
        f'{{"frames": [{frame}, {frame}]}}}}]}}}}'
    )
    status, body = await post(http, project, payload)
    assert status == 200, body
    event = await stored(http, server, auth, body["id"])
    assert event["issue"]["title"] == "E: v"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (deep(2000), "invalid JSON in event item: nesting too deep"),
        ('{"extra": ' + deep(5000) + "}", "invalid JSON in event item: nesting too deep"),
        ('{"a": ' * 1500 + "1" + "}" * 1500, "invalid JSON in event item: nesting too deep"),
    ],
    ids=["array", "inside-object", "objects"],
)
async def test_unparseably_deep_events_are_refused_with_a_reason(http, server, payload, error):
    project = await new_project(server)
    assert await post(http, project, payload) == (400, {"error": error, "detail": error})


async def test_lone_surrogates_are_stored_as_replacement_characters(http, server, auth):
    project = await new_project(server)
    payload = (
        '{"exception": {"values": [{"type": "E\\ud800", "value": "bad \\udc00 value"}]},'
        ' "extra": {"k\\ud83d": ["\\ude00", "\\ud83d\\ude00"]}, "tags": {"t": "\\udfff"},'
        ' "user": {"id": "\\ud800"}, "environment": "prod\\ud800"}'
    )
    status, body = await post(http, project, payload)
    assert status == 200, body
    event = await stored(http, server, auth, body["id"])
    assert event["exception"]["values"] == [{"type": "E\ufffd", "value": "bad \ufffd value"}]
    assert event["extra"] == {"k\ufffd": ["\ufffd", "\U0001f600"]}
    assert event["tags"] == {"t": "\ufffd"}
    assert event["user"] == {"id": "\ufffd"}
    assert event["environment"] == "prod\ufffd"
    assert event["issue"]["title"] == "E\ufffd: bad \ufffd value"


async def test_nul_and_escape_lookalikes_survive_exactly(http, server, auth):
    """A backslash followed by `u0000` is text and survives byte for byte on both backends.

    A real NUL character is kept by SQLite; PostgreSQL refuses it in text and JSON columns, so
    there the event is stored without it (and nothing else changes).
    """
    project = await new_project(server)
    literal = "\\u0000"
    event_in = {
        "message": f"a{literal}b\x00c",
        "extra": {"literal": literal, "nul": "x\x00y", literal: "\\\x00u0000", "k\x00": 1},
        "tags": {"t": literal},
        "user": {"id": literal},
        "environment": f"env{literal}",
    }
    status, body = await post(http, project, json.dumps(event_in))
    assert status == 200, body
    event = await stored(http, server, auth, body["id"])
    nul = "\x00" if server.settings.database_url.startswith("sqlite") else ""
    assert event["message"] == f"a{literal}b{nul}c"
    assert event["extra"] == {
        "literal": literal,
        "nul": f"x{nul}y",
        literal: f"\\{nul}u0000",
        f"k{nul}": 1,
    }
    assert event["tags"] == {"t": literal}
    assert event["user"] == {"id": literal}
    assert event["environment"] == f"env{literal}"
    assert event["issue"]["title"] == f"a{literal}b{nul}c"


MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("unit", "size"),
    [
        ("a-", 128 * 1024),  # took 19 s before parameterising was linear
        ("a-", MIB - 4096),
        ("-", MIB - 4096),
        ("1:", MIB - 4096),
        ("C:\\a", 800 * 1024),  # JSON doubles each backslash
        ("datetime.datetime(", MIB - 4096),
        ("Mon ", MIB - 4096),
    ],
)
async def test_worst_case_exception_values_are_grouped_in_passing(http, server, auth, unit, size):
    project = await new_project(server)
    value = (unit * (size // len(unit) + 1))[:size]
    payload = json.dumps({"exception": {"values": [{"type": "ValueError", "value": value}]}})
    status, body = await post(http, project, payload)
    assert status == 200, body
    event = await stored(http, server, auth, body["id"])
    assert event["issue"]["title"] == f"ValueError: {value.strip()[:97]}..."
    assert event["exception"]["values"][0]["value"] == value


async def test_wide_values_are_stored_whole(http, server, auth):
    project = await new_project(server)
    keys = {f"k{n}": n for n in range(25_000)}
    payload = json.dumps(
        {"message": "m", "extra": {"wide": keys, "long": list(range(25_000))}, "tags": keys}
    )
    status, body = await post(http, project, payload)
    assert status == 200, body
    event = await stored(http, server, auth, body["id"])
    assert event["extra"] == {"wide": keys, "long": list(range(25_000))}
    assert event["tags"] == {key: str(n) for key, n in keys.items()}


async def test_a_long_fingerprint_counts_its_first_entries_once_each(http, server, auth):
    project = await new_project(server)
    value = "x" * 10_000
    payload = json.dumps(
        {
            "exception": {"values": [{"type": "E", "value": value}]},
            "fingerprint": ["{{ raw_value }}", "{{ message }}"] * 25_000,
        }
    )
    status, body = await post(http, project, payload)
    assert status == 200, body
    grouping = (await stored(http, server, auth, body["id"]))["issue"]["grouping"]
    assert grouping["variant"] == "custom-fingerprint"
    assert grouping["fingerprint"] == ["{{ raw_value }}", "{{ message }}"] * 8
    assert grouping["values"] == [value[:8192], "x" * 8192] * 8
