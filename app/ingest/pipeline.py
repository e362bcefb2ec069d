"""The path of one Sentry request: authenticate, read, parse, normalise, group, hand to digest.

cheap checks first      project id in range, project exists (cached), key from the headers or
                        query matches, project not known to be over its rate limit — all
                        before the body is read
envelope dsn            a request without a key is authenticated by its envelope's `dsn`
                        header: only the first line is read and decoded for it (at most
                        DSN_BUDGET_BYTES), and a request without a valid one is refused there
read                    bounded decoding of Content-Encoding (compressed and decompressed caps),
                        within the body read timeout
parse                   envelope items (or a legacy store body); only `event` is stored,
                        every other item type is accepted and counted
normalise               the pure Sentry normaliser gives the canonical event
digest                  app.ingest.digest groups it and stores it in the next group commit;
                        the answer waits for that commit, so a 200 means durable

Refused requests are logged and counted per project and reason (`rejections`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from aiohttp import StreamReader

from app.config import Settings
from app.errors import (
    BadRequest,
    FaultlineError,
    NotFound,
    PayloadTooLarge,
    RequestTimeout,
    Unauthorized,
)
from app.ingest.body import BodyReader
from app.ingest.digest import Digest
from app.ingest.envelope import Envelope, parse_envelope, parse_event_json
from app.ingest.normalize import normalize_event
from app.ingest.projects import ProjectCache, ProjectKeys
from app.ingest.sentry_auth import SentryAuth, extract_auth, key_from_dsn, project_id
from app.ingest.store_body import decode_store_body
from app.ingest.untrusted import clip

log = logging.getLogger(__name__)

T = TypeVar("T")

# Items that carry one event-sized JSON document each (Relay's max_event_size applies).
EVENT_SIZED_ITEMS = ("event", "transaction", "feedback", "security", "raw_security")
# Item types counted by name when accepted without storing; any other name counts as "other",
# so the counter has a bounded set of keys whatever clients send.
KNOWN_ITEM_TYPES = frozenset(
    {
        *EVENT_SIZED_ITEMS,
        "attachment",
        "session",
        "sessions",
        "client_report",
        "check_in",
        "profile",
        "profile_chunk",
        "replay_event",
        "replay_recording",
        "replay_video",
        "user_report",
        "span",
        "log",
        "otel_log",
        "statsd",
        "metric_buckets",
        "form_data",
    }
)
# An envelope header (the line holding `dsn`) is a few hundred bytes; read no further than
# this, compressed or decompressed, before the request has shown a key.
DSN_BUDGET_BYTES = 64 * 1024
# Credentials longer than this are parsed every time rather than remembered (SDKs send ~100).
MAX_CACHED_AUTH_CHARS = 512
REJECTIONS_FLUSH_S = 10.0


@dataclass(frozen=True, slots=True)
class SentryRequest:
    project_id: str  # the digits of the path, as the client sent them
    headers: Mapping[str, str]
    query_string: str
    body: StreamReader
    client_ip: str | None
    store_endpoint: bool  # the legacy /store/ endpoint (one JSON event) rather than /envelope/


class Ingestor:
    def __init__(self, settings: Settings, projects: ProjectCache, digest: Digest) -> None:
        self._settings = settings
        self._projects = projects
        self._digest = digest
        self._item_limits = dict.fromkeys(EVENT_SIZED_ITEMS, settings.max_event_bytes)
        self.dropped_items: Counter[str] = Counter()

    async def run_reports(
        self, every_s: float = 60, flush_every_s: float = REJECTIONS_FLUSH_S
    ) -> None:
        """Store refusal counts every `flush_every_s`; log, once a period, the item types
        accepted but not stored (sessions, spans, …) and refusals not yet logged."""
        ticks = max(1, round(every_s / flush_every_s))
        tick = 0
        while True:
            await asyncio.sleep(flush_every_s)
            await self._digest.flush_rejections()
            tick += 1
            if tick % ticks:
                continue
            self._digest.rejections.report_silenced()
            if self.dropped_items:
                counts = ", ".join(f"{t}={n}" for t, n in sorted(self.dropped_items.items()))
                log.info("accepted without storing in the last %.0f s: %s", every_s, counts)
                self.dropped_items.clear()

    async def ingest(self, request: SentryRequest) -> str | None:
        """Store the request's event; returns its id (None when the request carries none)."""
        number = project_id(request.project_id)
        project = None if number is None else await self._projects.get(number)
        if project is None:
            error = NotFound(f"project {clip(request.project_id)} does not exist")
            self._digest.rejections.refused(None, error)
            raise error
        try:
            return await self._ingest(project, request)
        except FaultlineError as error:
            self._digest.rejections.refused(project.id, error)
            raise

    async def _ingest(self, project: ProjectKeys, request: SentryRequest) -> str | None:
        auth = request_auth(
            request.headers.get("X-Sentry-Auth"),
            request.headers.get("Authorization"),
            request.query_string,
        )
        if auth is not None and auth.public_key != project.sentry_key:
            raise Unauthorized(f"sentry_key is not a key of project {project.id}")
        content_type = request.headers.get("Content-Type", "")
        store_body = request.store_endpoint and "x-sentry-envelope" not in content_type
        if auth is None and store_body:
            raise Unauthorized("missing sentry_key (X-Sentry-Auth header or query string)")
        if auth is not None:
            self._digest.refuse_if_exhausted(project)

        reader = BodyReader(
            request.body,
            request.headers.get("Content-Encoding"),
            max_compressed_bytes=self._settings.max_compressed_body_bytes,
            max_decompressed_bytes=self._settings.max_body_bytes,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.body_read_timeout_s
        if auth is None:
            first_line = await self._within(deadline, reader.first_line(DSN_BUDGET_BYTES))
            self._check_dsn_line(first_line, project)
            self._digest.refuse_if_exhausted(project)
        body = await self._within(deadline, reader.read_all())
        if not body:
            raise BadRequest("empty request body")
        if store_body:
            payload, header_event_id = self._store_payload(body), None
        else:
            envelope = parse_envelope(body, max_item_bytes=self._item_limits)
            self._check_envelope_dsn(envelope, project, request_auth=auth is not None)
            payload, header_event_id = self._envelope_event(envelope)
        if payload is None:
            return None
        return await self._digest_payload(project, payload, header_event_id, request.client_ip)

    async def _within(self, deadline: float, reading: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout_at(deadline):
                return await reading
        except TimeoutError:
            raise RequestTimeout(
                f"request body not received within {self._settings.body_read_timeout_s:g} s"
            ) from None

    def _check_dsn_line(self, line: bytes | None, project: ProjectKeys) -> None:
        """Authenticate a request without a key by its envelope header, read alone."""
        missing = "missing sentry_key (X-Sentry-Auth header, query string or envelope dsn)"
        if line is None:
            raise Unauthorized(
                f"{missing}: no envelope header within the first {DSN_BUDGET_BYTES} bytes"
            )
        try:
            header = json.loads(line.decode("utf-8"))
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            header = None
        if not isinstance(header, dict):
            raise Unauthorized(f"{missing}: the envelope header is not a JSON object")
        self._check_envelope_dsn(Envelope(header, ()), project, request_auth=False)

    def _store_payload(self, body: bytes) -> dict[str, Any] | None:
        if len(body) > self._settings.max_event_bytes:
            raise PayloadTooLarge(
                f"event exceeds the size limit of {self._settings.max_event_bytes} bytes"
            )
        raw = decode_store_body(body, max_decompressed_bytes=self._settings.max_event_bytes)
        payload = parse_event_json(raw)
        if payload.get("type") == "transaction":
            self.dropped_items["transaction"] += 1
            return None
        return payload

    def _check_envelope_dsn(
        self, envelope: Envelope, project: ProjectKeys, *, request_auth: bool
    ) -> None:
        """The envelope's `dsn` header authenticates it alone, or must agree with the request."""
        dsn = envelope.headers.get("dsn")
        if dsn is None and request_auth:
            return
        if not isinstance(dsn, str):
            raise Unauthorized(
                "missing sentry_key (X-Sentry-Auth header, query string or envelope dsn)"
            )
        parsed = key_from_dsn(dsn)
        if parsed is None:
            raise Unauthorized("envelope dsn header is not a valid DSN")
        key, dsn_project = parsed
        if dsn_project == project.id and key == project.sentry_key:
            return
        if request_auth:
            raise BadRequest("dsn header mismatch between envelope and request")
        raise Unauthorized(f"envelope dsn is not a DSN of project {project.id}")

    def _envelope_event(self, envelope: Envelope) -> tuple[dict[str, Any] | None, str | None]:
        payload: dict[str, Any] | None = None
        for item in envelope.items:
            if item.type == "event" and payload is None:
                payload = parse_event_json(item.payload)
            else:
                kind = item.type if item.type in KNOWN_ITEM_TYPES else "other"
                self.dropped_items[kind] += 1
        header_id = envelope.headers.get("event_id")
        return payload, header_id if isinstance(header_id, str) else None

    async def _digest_payload(
        self,
        project: ProjectKeys,
        payload: dict[str, Any],
        header_event_id: str | None,
        client_ip: str | None,
    ) -> str:
        event = normalize_event(
            payload,
            event_id=header_event_id,
            received_at=self._digest.now(),
            client_ip=client_ip,
        )
        return (await self._digest.submit(project, event)).event_id


def request_auth(
    x_sentry_auth: str | None, authorization: str | None, query_string: str
) -> SentryAuth | None:
    """`extract_auth` of a request's credentials, remembered when short: an SDK sends the same
    every time, and long ones (up to three 8 KiB headers) must not fill the cache."""
    size = len(x_sentry_auth or "") + len(authorization or "") + len(query_string)
    if size > MAX_CACHED_AUTH_CHARS:
        return _parse_auth(x_sentry_auth, authorization, query_string)
    return _cached_auth(x_sentry_auth, authorization, query_string)


def _parse_auth(
    x_sentry_auth: str | None, authorization: str | None, query_string: str
) -> SentryAuth | None:
    headers = {
        name: value
        for name, value in (("X-Sentry-Auth", x_sentry_auth), ("Authorization", authorization))
        if value is not None
    }
    return extract_auth(headers, dict(parse_qsl(query_string, keep_blank_values=True)))


# At most 1024 entries of 512 characters of keys: half a MiB however many clients.
_cached_auth = functools.lru_cache(maxsize=1024)(_parse_auth)
