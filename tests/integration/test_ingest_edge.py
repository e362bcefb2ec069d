"""Hostile input at the ingestion edge: ids out of range, keys checked before the body is read,
trickling bodies, client strings that must not grow memory or logs."""

from __future__ import annotations

import json
import logging
import os
import zlib
from collections.abc import Iterator

import pytest

from app.ingest.pipeline import DSN_BUDGET_BYTES, KNOWN_ITEM_TYPES
from app.ingest.projects import ProjectCache
from app.ingest.untrusted import clip
from models import Event
from tests.integration.dedicated import FakeClock, dedicated_server, raw_post
from tests.integration.sentry import event_envelope, exception_event, new_project

MIB = 1024 * 1024


# --- ids and numbers out of range -----------------------------------------------------------


@pytest.mark.parametrize(
    "digits", ["2147483648", "9223372036854775808", "1" * 5000, "0" * 20 + "2147483648"]
)
@pytest.mark.parametrize("endpoint", ["envelope", "store"])
async def test_project_ids_beyond_int4_are_unknown_projects(http, server, digits, endpoint):
    project = await new_project(server)
    async with http.post(
        server(f"/api/{digits}/{endpoint}/"),
        data=event_envelope(exception_event()),
        headers=project.auth,
    ) as resp:
        assert resp.status == 404
        body = await resp.json()
    assert body["error"] == f"project {clip(digits)} does not exist"
    assert await Event.all().count() == 0


@pytest.mark.parametrize(
    ("where", "status", "error"),
    [
        ("header", 400, "unsupported protocol version (" + clip("7" * 5000) + ")"),
        ("query", 400, "unsupported protocol version (" + clip("7" * 5000) + ")"),
        ("header-leading-zeros", 200, None),
    ],
)
async def test_a_5000_digit_sentry_version_is_refused_not_a_500(http, server, where, status, error):
    project = await new_project(server)
    url, headers = project.envelope_url, {}
    if where == "header":
        headers["X-Sentry-Auth"] = f"Sentry sentry_key={project.key}, sentry_version={'7' * 5000}"
    elif where == "query":
        url += f"?sentry_key={project.key}&sentry_version={'7' * 5000}"
    else:
        headers["X-Sentry-Auth"] = f"Sentry sentry_key={project.key}, sentry_version={'0' * 5000}7"
    async with http.post(url, data=event_envelope(exception_event()), headers=headers) as resp:
        assert resp.status == status, await resp.text()
        if error:
            assert (await resp.json())["error"] == error


@pytest.mark.parametrize("digits", ["2147483648", "9" * 5000])
async def test_an_envelope_dsn_with_a_huge_project_id_is_401(http, server, digits):
    project = await new_project(server)
    dsn = f"http://{project.key}@127.0.0.1/{digits}"
    async with http.post(
        project.envelope_url, data=event_envelope(exception_event(), header={"dsn": dsn})
    ) as resp:
        assert resp.status == 401
        assert (await resp.json())["error"] == "envelope dsn header is not a valid DSN"


async def test_error_messages_quoting_client_input_are_clipped(http, server):
    project = await new_project(server)
    length = "x" * 100_000
    body = b'{}\n{"type":"event","length":"' + length.encode() + b'"}\n{}\n'
    async with http.post(project.envelope_url, data=body, headers=project.auth) as resp:
        assert resp.status == 400
        payload = await resp.json()
        header = resp.headers["X-Sentry-Error"]
    full = f'invalid envelope: item length must be a non-negative integer, got "{length}"'
    assert payload["error"] == clip(full, 1024)
    assert header == payload["error"]


# --- authenticate before reading ------------------------------------------------------------


def _counted_gzip(total: int) -> Iterator[bytes]:
    """About `total` bytes of gzip whose decoded text has no newline at all."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    produced = 0
    while produced < total:
        chunk = compressor.compress(os.urandom(64 * 1024).replace(b"\n", b" "))
        produced += len(chunk)
        if chunk:
            yield chunk
    yield compressor.flush()


async def test_a_keyless_20_mib_gzip_body_is_refused_after_the_dsn_budget(server):
    project = await new_project(server)
    answer = await raw_post(
        server.settings.port,
        f"/api/{project.id}/envelope/",
        {"Content-Encoding": "gzip", "Content-Length": str(20 * MIB - 1024)},
        _counted_gzip(20 * MIB - 64 * 1024),
    )
    assert answer.status == 401
    assert json.loads(answer.body)["error"] == (
        "missing sentry_key (X-Sentry-Auth header, query string or envelope dsn): "
        f"no envelope header within the first {DSN_BUDGET_BYTES} bytes"
    )
    # The server read at most the budget; socket buffers hold a little more, never 20 MiB.
    assert answer.sent < 4 * MIB, answer.sent
    assert answer.headers["Connection"] == "close"


async def test_a_keyless_store_body_is_refused_before_it_is_read(server):
    project = await new_project(server)
    answer = await raw_post(
        server.settings.port,
        f"/api/{project.id}/store/",
        {"Content-Type": "application/json", "Content-Length": str(20 * MIB - 1024)},
        (b"x" * 65536 for _ in range(319)),
    )
    assert answer.status == 401
    assert json.loads(answer.body)["error"] == (
        "missing sentry_key (X-Sentry-Auth header or query string)"
    )
    assert answer.sent < 4 * MIB


@pytest.mark.parametrize(
    ("first_line", "error"),
    [
        (b"[1, 2]", "the envelope header is not a JSON object"),
        (b"not json at all", "the envelope header is not a JSON object"),
        (b'{"event_id": "' + b"a" * 32 + b'"}', None),
    ],
)
async def test_a_keyless_envelope_without_a_dsn_is_refused_from_its_first_line(
    http, server, first_line, error
):
    project = await new_project(server)
    body = first_line + b"\n" + b'{"type":"event"}\n{}\n'
    async with http.post(project.envelope_url, data=body) as resp:
        assert resp.status == 401
        message = (await resp.json())["error"]
    missing = "missing sentry_key (X-Sentry-Auth header, query string or envelope dsn)"
    assert message == (f"{missing}: {error}" if error else missing)


async def test_an_envelope_dsn_after_blank_lines_still_authenticates(http, server):
    project = await new_project(server)
    body = b"\n\r\n " + event_envelope(exception_event(), header={"dsn": project.dsn})
    compressed = zlib.compress(body)
    async with http.post(
        project.envelope_url, data=compressed, headers={"Content-Encoding": "deflate"}
    ) as resp:
        assert resp.status == 200, await resp.text()
    assert await Event.filter(project_id=project.id).count() == 1


# --- a body that trickles in ----------------------------------------------------------------


def _trickle(data: bytes, step: int = 10) -> Iterator[bytes]:
    for i in range(0, len(data), step):
        yield data[i : i + step]


@pytest.mark.parametrize("keyed", [True, False], ids=["key-in-header", "dsn-in-body"])
async def test_a_body_that_trickles_in_is_cut_off_with_408(database_url, server, keyed):
    project = await new_project(server)
    header = {} if keyed else {"dsn": project.dsn}
    body = event_envelope(exception_event(), header=header)
    headers = {"Content-Length": str(len(body))}
    if keyed:
        headers.update(project.auth)
    async with dedicated_server(database_url, body_read_timeout_s=0.3) as dedicated:
        answer = await raw_post(
            dedicated.server.settings.port,
            f"/api/{project.id}/envelope/",
            headers,
            _trickle(body),
            pause_s=0.05,
        )
        assert answer.status == 408
        assert json.loads(answer.body)["error"] == "request body not received within 0.3 s"
        assert answer.sent < len(body)
        assert await Event.filter(project_id=project.id).count() == 0


# --- memory bounded by configuration --------------------------------------------------------


async def test_item_types_are_counted_under_a_bounded_set_of_names(http, database_url, server):
    project = await new_project(server)
    async with dedicated_server(database_url) as dedicated:
        url = dedicated.server(f"/api/{project.id}/envelope/")
        for n in range(3):
            item_type = f"{n}" + "t" * 25_000
            body = b'{}\n{"type":"' + item_type.encode() + b'"}\nx\n{"type":"session"}\n{}\n'
            async with http.post(url, data=body, headers=project.auth) as resp:
                assert resp.status == 200
        assert dict(dedicated.ingestor.dropped_items) == {"other": 3, "session": 3}
    assert "other" not in KNOWN_ITEM_TYPES


async def test_refusals_are_logged_once_a_minute_per_project_and_reason(
    http, database_url, server, caplog
):
    project = await new_project(server)
    clock = FakeClock(1_000_000.0)
    caplog.set_level(logging.WARNING, logger="app.ingest")
    async with dedicated_server(database_url, clock=clock) as dedicated:
        url = dedicated.server(f"/api/{project.id}/envelope/")
        wrong = {"X-Sentry-Auth": "Sentry sentry_key=" + "0" * 32}
        for _ in range(5):
            async with http.post(url, data=event_envelope(exception_event()), headers=wrong):
                pass
        for digits in ("999999", "1" * 5000, "2147483648"):
            async with http.post(dedicated.server(f"/api/{digits}/envelope/"), data=b"{}"):
                pass
        clock.advance(60)
        async with http.post(url, data=event_envelope(exception_event()), headers=wrong):
            pass
        dedicated.digest.rejections.report_silenced()
    lines = [r.getMessage() for r in caplog.records if r.name == "app.ingest"]
    assert lines == [
        f"refused project {project.id}: 401 sentry_key is not a key of project {project.id}",
        "refused unknown project: 404 project 999999 does not exist",
        f"refused project {project.id}: 401 sentry_key is not a key of project {project.id}"
        " (and 4 more in the last minute)",
        "refused unknown project: 2 more (unknown_project) in the last minute",
    ]


async def test_the_project_cache_holds_at_most_max_entries_and_drops_expired_ones(server):
    project = await new_project(server)
    clock = FakeClock(0.0)
    cache = ProjectCache(None, ttl_s=1.0, max_entries=100, clock=clock)
    for unknown in range(10**6, 10**6 + 300):
        assert await cache.get(unknown) is None
    assert len(cache) == 100
    clock.advance(0.5)
    keys = await cache.get(project.id)
    assert keys is not None
    assert keys.sentry_key == project.key
    assert len(cache) == 100  # full: the oldest unknown id made room
    clock.advance(0.5)  # the unknown ids have expired, the project's entry has not
    assert await cache.get(10**7) is None
    assert len(cache) == 2
