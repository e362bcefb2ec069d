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
normalise + group       pure functions: canonical event, fingerprint, title and culprit
digest                  EventWriter stores it in the next group commit; the answer waits
                        for that commit, so a 200 means durable

Refused requests are logged and counted per project and reason (`rejections`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from aiohttp import StreamReader

from app.config import Settings
from app.database import is_unavailable
from app.errors import (
    BadRequest,
    FaultlineError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RequestTimeout,
    Unauthorized,
)
from app.grouping import compute_grouping, summarize
from app.ingest.body import BodyReader
from app.ingest.decoding import decode_store_body
from app.ingest.envelope import Envelope, parse_envelope, parse_event_json
from app.ingest.jsontext import dumps
from app.ingest.normalize import normalize_event
from app.ingest.projects import ProjectCache, ProjectKeys
from app.ingest.ratelimit import retry_after_s, window_end_s
from app.ingest.records import EventRecord, Outcome
from app.ingest.rejections import Rejections
from app.ingest.sentry_auth import SentryAuth, extract_auth, key_from_dsn, project_id
from app.ingest.untrusted import clip
from app.ingest.writer import EventWriter

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
    def __init__(
        self,
        settings: Settings,
        projects: ProjectCache,
        writer: EventWriter,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._projects = projects
        self._writer = writer
        self._clock = clock  # wall-clock seconds: rate windows and received_at
        self._item_limits = dict.fromkeys(EVENT_SIZED_ITEMS, settings.max_event_bytes)
        # project id → (window end, limit it was reached under): refuse early until then.
        self._exhausted: dict[int, tuple[float, int]] = {}
        self.dropped_items: Counter[str] = Counter()
        self.rejections = Rejections(clock=clock)

    async def run_reports(
        self, every_s: float = 60, flush_every_s: float = REJECTIONS_FLUSH_S
    ) -> None:
        """Store refusal counts every `flush_every_s`; log, once a period, the item types
        accepted but not stored (sessions, spans, …) and refusals not yet logged."""
        ticks = max(1, round(every_s / flush_every_s))
        tick = 0
        while True:
            await asyncio.sleep(flush_every_s)
            await self.flush_rejections()
            tick += 1
            if tick % ticks:
                continue
            self.rejections.report_silenced()
            if self.dropped_items:
                counts = ", ".join(f"{t}={n}" for t, n in sorted(self.dropped_items.items()))
                log.info("accepted without storing in the last %.0f s: %s", every_s, counts)
                self.dropped_items.clear()

    async def flush_rejections(self) -> None:
        """Add the refusals counted in memory to the database (kept for later if it is down)."""
        counts = self.rejections.take()
        if not counts:
            return
        rows = [(p, outcome, n) for (p, outcome), n in sorted(counts.items())]
        try:
            await self._writer.add_counts(rows)
        except Exception as exc:
            if not is_unavailable(exc):
                log.exception("could not store %d refusal counts; dropped", len(rows))
                return
            self.rejections.restore(counts)

    async def ingest(self, request: SentryRequest) -> str | None:
        """Store the request's event; returns its id (None when the request carries none)."""
        number = project_id(request.project_id)
        project = None if number is None else await self._projects.get(number)
        if project is None:
            error = NotFound(f"project {clip(request.project_id)} does not exist")
            self.rejections.refused(None, error)
            raise error
        try:
            return await self._ingest(project, request)
        except FaultlineError as error:
            self.rejections.refused(project.id, error)
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
            self._refuse_if_exhausted(project)

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
            self._refuse_if_exhausted(project)
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
        return await self._digest(project, payload, header_event_id, request.client_ip)

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

    def _refuse_if_exhausted(self, project: ProjectKeys) -> None:
        entry = self._exhausted.get(project.id)
        if entry is None:
            return
        until, limit = entry
        now = self._clock()
        if now < until and limit == project.rate_limit_per_minute:
            raise RateLimited("event rejected due to rate limit", retry_after_s(now))
        del self._exhausted[project.id]

    async def _digest(
        self,
        project: ProjectKeys,
        payload: dict[str, Any],
        header_event_id: str | None,
        client_ip: str | None,
    ) -> str:
        received = self._clock()
        event = normalize_event(
            payload, event_id=header_event_id, received_at=received, client_ip=client_ip
        )
        record = build_record(project, event)
        outcome = await self._writer.submit(record)
        if outcome is Outcome.RATE_LIMITED:
            now = self._clock()
            limit = project.rate_limit_per_minute
            if limit is not None:
                self._exhausted[project.id] = (window_end_s(now), limit)
            raise RateLimited("event rejected due to rate limit", retry_after_s(now))
        return record.event_id


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


def build_record(project: ProjectKeys, event: dict[str, Any]) -> EventRecord:
    """The row-ready form of a normalised event (pure)."""
    tags = event.get("tags") or {}
    grouping = compute_grouping(event)
    summary = summarize(event)
    user = event.get("user")
    return EventRecord(
        project_id=project.id,
        event_id=event["event_id"],
        timestamp=datetime.fromtimestamp(event["timestamp"], UTC),
        received_at=datetime.fromtimestamp(event["received"], UTC),
        level=event["level"],
        platform=event["platform"],
        environment=_column(event.get("environment")),
        release=_column(event.get("release")),
        user_json=dumps(user) if isinstance(user, dict) else None,
        tags_json=dumps(tags),
        payload_json=dumps(event),
        fingerprint=grouping.hash,
        grouping_version=grouping.version,
        grouping_json=dumps({"variant": grouping.variant, **grouping.explanation}),
        title=summary.title,
        type=summary.type,
        message=summary.message,
        culprit=summary.culprit,
        rate_limit_per_minute=project.rate_limit_per_minute,
        tags=tags if isinstance(tags, dict) else {},
    )


def _column(value: object) -> str | None:
    return value[:255] if isinstance(value, str) else None
