"""Sentry ingestion at the HTTP level: auth sources, captured samples, encodings, limits, CORS."""

from __future__ import annotations

import base64
import gzip
import json
import uuid
import zlib

import brotli
import pytest
import zstandard

from models import Event, Issue
from tests.integration.sentry import event_envelope, exception_event, new_project
from tests.samples import SENTRY_SAMPLES


def sample(name: str) -> bytes:
    return (SENTRY_SAMPLES / name).read_bytes()


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["x-sentry-auth", "authorization-sentry", "query", "query-dashed-key", "envelope-dsn", "basic"],
)
async def test_every_credential_source_is_accepted(http, server, where):
    project = await new_project(server)
    key = project.key
    headers: dict[str, str] = {}
    url = project.envelope_url
    header: dict = {}
    if where == "x-sentry-auth":
        headers["X-Sentry-Auth"] = f"Sentry sentry_key={key}, sentry_version=7"
    elif where == "authorization-sentry":
        headers["Authorization"] = f"Sentry sentry_key={key}"
    elif where == "query":
        url += f"?sentry_version=7&sentry_key={key}&sentry_client=sentry.javascript.browser%2F8.0.0"
    elif where == "query-dashed-key":
        url += f"?sentry_key={uuid.UUID(hex=key)}"
    elif where == "basic":
        headers["Authorization"] = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    else:
        header["dsn"] = project.dsn
    body = event_envelope(exception_event(), header=header)
    # Browser SDKs send text/plain (or nothing) to avoid a CORS preflight.
    headers["Content-Type"] = "text/plain;charset=UTF-8"
    async with http.post(url, data=body, headers=headers) as resp:
        assert resp.status == 200, await resp.text()
        event_id = (await resp.json())["id"]
    assert await Event.filter(project_id=project.id, event_id=event_id).count() == 1


@pytest.mark.parametrize(
    ("case", "status", "error"),
    [
        (
            "no-credentials",
            401,
            "missing sentry_key (X-Sentry-Auth header, query string or envelope dsn)",
        ),
        ("unknown-key", 401, "sentry_key is not a key of project {id}"),
        ("other-projects-key", 401, "sentry_key is not a key of project {id}"),
        ("malformed-key", 401, "invalid sentry_key"),
        ("dsn-of-other-project", 401, "envelope dsn is not a DSN of project {id}"),
        ("dsn-disagrees-with-header", 400, "dsn header mismatch between envelope and request"),
        ("unknown-project", 404, "project 999999 does not exist"),
    ],
)
async def test_bad_credentials_are_refused_with_a_reason(http, server, case, status, error):
    project = await new_project(server)
    other = await new_project(server, "other")
    url, headers, header = project.envelope_url, {}, {}
    if case == "unknown-key":
        headers["X-Sentry-Auth"] = f"Sentry sentry_key={uuid.uuid4().hex}"
    elif case == "other-projects-key":
        headers.update(other.auth)
    elif case == "malformed-key":
        headers["X-Sentry-Auth"] = "Sentry sentry_key=nothex"
    elif case == "dsn-of-other-project":
        header["dsn"] = other.dsn
    elif case == "dsn-disagrees-with-header":
        header["dsn"] = other.dsn
        headers.update(project.auth)
    elif case == "unknown-project":
        url = server("/api/999999/envelope/")
        headers.update(project.auth)
    async with http.post(
        url, data=event_envelope(exception_event(), header=header), headers=headers
    ) as resp:
        assert resp.status == status
        body = await resp.json()
        assert body["error"] == error.format(id=project.id)
        assert body["detail"] == body["error"]
    assert await Event.all().count() == 0


# --- captured samples -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding", "title"),
    [
        ("exception-chained-in-transaction.envelope", None, "ValueError: bad value 42"),
        ("exception-chained.envelope.br", "br", "ValueError: bad value 42"),
        (
            "exception-in-app-flags.envelope",
            None,
            "JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ("message.envelope", None, "Something happened with id 1234"),
        ("message.envelope.gz", "gzip", "Something happened with id 1234"),
        ("message-with-attachment.envelope", None, "with attachment"),
        ("logging-error-event-with-attachment.envelope", None, "log error arg1"),
    ],
)
async def test_captured_sdk_requests_become_issues(http, server, name, encoding, title):
    project = await new_project(server)
    headers = {
        "X-Sentry-Auth": f"Sentry sentry_key={project.key}",
        "Content-Type": "application/x-sentry-envelope",
    }
    if encoding:
        headers["Content-Encoding"] = encoding
    async with http.post(project.envelope_url, data=sample(name), headers=headers) as resp:
        assert resp.status == 200, await resp.text()
        body = await resp.json()
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](
        sample(name)
    )
    header = json.loads(decoded.split(b"\n", 1)[0])
    assert body == {"id": header["event_id"]}
    (issue,) = await Issue.filter(project_id=project.id)
    assert (issue.title, issue.event_count) == (title, 1)


@pytest.mark.parametrize(
    "name",
    [
        "transaction.envelope",
        "session-update.envelope",
        "sessions-aggregate.envelope",
        "client-report.envelope",
        "logs.envelope",
        "check-in-in-progress.envelope",
        "check-in-ok.envelope",
    ],
)
async def test_items_that_are_not_errors_are_accepted_and_not_stored(http, server, name):
    project = await new_project(server)
    async with http.post(project.envelope_url, data=sample(name), headers=project.auth) as resp:
        assert resp.status == 200, await resp.text()
        assert await resp.json() == {}
    assert await Event.filter(project_id=project.id).count() == 0


async def test_an_event_travelling_with_unknown_items_is_stored(http, server):
    project = await new_project(server)
    body = (
        event_envelope(exception_event())
        + b'{"type":"future_thing","length":3}\nabc\n{"type":"attachment"}\nhello\n'
    )
    async with http.post(project.envelope_url, data=body, headers=project.auth) as resp:
        assert resp.status == 200
    assert await Event.filter(project_id=project.id).count() == 1


# --- encodings and limits -------------------------------------------------------------------


def _encode(body: bytes, encoding: str) -> bytes:
    return {
        "gzip": gzip.compress,
        "x-gzip": gzip.compress,
        "deflate": zlib.compress,
        "br": brotli.compress,
        "zstd": zstandard.ZstdCompressor().compress,
        "identity": lambda b: b,
    }[encoding](body)


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "br", "zstd", "identity"])
async def test_every_content_encoding_is_decoded(http, server, encoding):
    project = await new_project(server)
    body = _encode(event_envelope(exception_event()), encoding)
    async with http.post(
        project.envelope_url, data=body, headers={**project.auth, "Content-Encoding": encoding}
    ) as resp:
        assert resp.status == 200, await resp.text()
    assert await Event.filter(project_id=project.id).count() == 1


async def test_a_decompression_bomb_is_refused(http, server):
    project = await new_project(server)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(256)]  # 256 MiB of zeros in ~250 KB
    bomb = b"".join(parts) + compressor.flush()
    async with http.post(
        project.envelope_url, data=bomb, headers={**project.auth, "Content-Encoding": "gzip"}
    ) as resp:
        assert resp.status == 413
        body = await resp.json()
    assert body["error"] == "request body exceeds the decompressed size limit of 104857600 bytes"


async def test_an_event_above_the_event_limit_is_413(http, server):
    project = await new_project(server)
    body = event_envelope(exception_event(extra={"blob": "x" * (1024 * 1024)}))
    async with http.post(project.envelope_url, data=body, headers=project.auth) as resp:
        assert resp.status == 413
    assert await Event.all().count() == 0


@pytest.mark.parametrize(
    ("body", "encoding", "status", "error"),
    [
        (b"", None, 400, "empty request body"),
        (b"not json\n", None, 400, None),
        (b'{}\n{"type":"event","length":50}\n{"short"}\n', None, 400, None),
        (b'{}\n{"type":"event"}\n{not json}\n', None, 400, None),
        (b'{}\n{"type":"event"}\n[1,2]\n', None, 400, "event item must be a JSON object"),
        (b"garbage", "gzip", 400, None),
        (b"x", "compress", 400, "unsupported Content-Encoding: compress"),
    ],
    ids=[
        "empty",
        "bad-header",
        "short-item",
        "bad-event-json",
        "event-not-object",
        "corrupt-gzip",
        "unknown-encoding",
    ],
)
async def test_malformed_requests_are_400_with_a_reason(
    http, server, body, encoding, status, error
):
    project = await new_project(server)
    headers = dict(project.auth)
    if encoding:
        headers["Content-Encoding"] = encoding
    async with http.post(project.envelope_url, data=body, headers=headers) as resp:
        assert resp.status == status
        payload = await resp.json()
    assert payload["error"]
    if error:
        assert payload["error"] == error


# --- store endpoint, slashes, CORS ----------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/{id}/store/", "/api/{id}/store", "/api/{id}/envelope", "/api//{id}/envelope//"]
)
async def test_store_and_slashless_paths(http, server, path):
    project = await new_project(server)
    event = {"event_id": uuid.uuid4().hex, **exception_event()}
    data = json.dumps(event).encode() if "store" in path else event_envelope(event)
    async with http.post(
        server(path.format(id=project.id)), data=data, headers=project.auth
    ) as resp:
        assert resp.status == 200, await resp.text()
        assert await resp.json() == {"id": event["event_id"]}


async def test_legacy_store_body_base64_zlib(http, server):
    project = await new_project(server)
    event = {"event_id": uuid.uuid4().hex, "message": "old raven client"}
    body = base64.b64encode(zlib.compress(json.dumps(event).encode()))
    async with http.post(project.store_url, data=body, headers=project.auth) as resp:
        assert resp.status == 200
    (issue,) = await Issue.filter(project_id=project.id)
    assert issue.title == "old raven client"


async def test_cors_preflight_and_exposed_headers(http, server):
    project = await new_project(server)
    async with http.options(
        project.envelope_url,
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    ) as resp:
        assert resp.status == 200
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in resp.headers["Access-Control-Allow-Methods"]
        assert "x-sentry-auth" in resp.headers["Access-Control-Allow-Headers"]
    async with http.post(
        project.envelope_url + f"?sentry_key={project.key}", data=event_envelope(exception_event())
    ) as resp:
        exposed = resp.headers["Access-Control-Expose-Headers"]
        assert "retry-after" in exposed
        assert "x-sentry-rate-limits" in exposed


async def test_nul_characters_and_lone_surrogates_are_stored_not_500(http, server):
    project = await new_project(server)
    raw = (
        b'{"event_id":"0123456789abcdef0123456789abcdef"}\n{"type":"event"}\n'
        b'{"message":"nul \\u0000 here","tags":{"k":"v\\u0000"},'
        b'"exception":{"values":[{"type":"E\\u0000rr","value":"lone \\ud800 surrogate"}]}}\n'
    )
    async with http.post(project.envelope_url, data=raw, headers=project.auth) as resp:
        assert resp.status == 200, await resp.text()
    (issue,) = await Issue.filter(project_id=project.id)
    assert issue.title == "Err: lone \ufffd surrogate"
    (event,) = await Event.filter(project_id=project.id)
    assert event.tags == {"k": "v"}
