"""The path of one Sentry request: authenticate, read, parse, normalise, group, hand to digest.

cheap checks first      project exists (cached), key matches, project not known to be
                        over its rate limit — all before the body is read
read                    bounded decoding of Content-Encoding (compressed and decompressed caps)
parse                   envelope items (or a legacy store body); only `event` is stored,
                        every other item type is accepted and counted
normalise + group       pure functions: canonical event, fingerprint, title and culprit
digest                  EventWriter stores it in the next group commit; the answer waits
                        for that commit, so a 200 means durable
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import StreamReader

from app.config import Settings
from app.errors import BadRequest, NotFound, PayloadTooLarge, RateLimited, Unauthorized
from app.grouping import compute_grouping, summarize
from app.ingest.decoding import decode_store_body, read_body
from app.ingest.envelope import Envelope, parse_envelope, parse_event_json
from app.ingest.jsontext import dumps
from app.ingest.normalize import normalize_event
from app.ingest.projects import ProjectCache, ProjectKeys
from app.ingest.ratelimit import retry_after_s, window_end_s
from app.ingest.records import EventRecord, Outcome
from app.ingest.sentry_auth import SentryAuth, extract_auth, key_from_dsn
from app.ingest.writer import EventWriter

log = logging.getLogger(__name__)

# Items that carry one event-sized JSON document each (Relay's max_event_size applies).
EVENT_SIZED_ITEMS = ("event", "transaction", "feedback", "security", "raw_security")


@dataclass(frozen=True, slots=True)
class SentryRequest:
    project_id: int
    headers: Mapping[str, str]
    query_string: str
    body: StreamReader
    client_ip: str | None
    store_endpoint: bool  # the legacy /store/ endpoint (one JSON event) rather than /envelope/


class Ingestor:
    def __init__(self, settings: Settings, projects: ProjectCache, writer: EventWriter) -> None:
        self._settings = settings
        self._projects = projects
        self._writer = writer
        self._item_limits = dict.fromkeys(EVENT_SIZED_ITEMS, settings.max_event_bytes)
        # project id → (window end, limit it was reached under): refuse early until then.
        self._exhausted: dict[int, tuple[float, int]] = {}
        self.dropped_items: Counter[str] = Counter()

    async def report_dropped_items(self, every_s: float = 60) -> None:
        """Log, once a period, the item types accepted but not stored (sessions, spans, …)."""
        while True:
            await asyncio.sleep(every_s)
            if self.dropped_items:
                counts = ", ".join(f"{t}={n}" for t, n in sorted(self.dropped_items.items()))
                log.info("accepted without storing in the last %.0f s: %s", every_s, counts)
                self.dropped_items.clear()

    async def ingest(self, request: SentryRequest) -> str | None:
        """Store the request's event; returns its id (None when the request carries none)."""
        project = await self._projects.get(request.project_id)
        if project is None:
            raise NotFound(f"project {request.project_id} does not exist")
        auth = request_auth(
            request.headers.get("X-Sentry-Auth"),
            request.headers.get("Authorization"),
            request.query_string,
        )
        if auth is not None and auth.public_key != project.sentry_key:
            raise Unauthorized(f"sentry_key is not a key of project {project.id}")
        self._refuse_if_exhausted(project)

        body = await read_body(
            request.body,
            request.headers.get("Content-Encoding"),
            max_compressed_bytes=self._settings.max_compressed_body_bytes,
            max_decompressed_bytes=self._settings.max_body_bytes,
        )
        if not body:
            raise BadRequest("empty request body")
        content_type = request.headers.get("Content-Type", "")
        if request.store_endpoint and "x-sentry-envelope" not in content_type:
            if auth is None:
                raise Unauthorized("missing sentry_key (X-Sentry-Auth header or query string)")
            payload, header_event_id = self._store_payload(body), None
        else:
            envelope = parse_envelope(body, max_item_bytes=self._item_limits)
            self._check_envelope_dsn(envelope, project, request_auth=auth is not None)
            payload, header_event_id = self._envelope_event(envelope)
        if payload is None:
            return None
        return await self._digest(project, payload, header_event_id, request.client_ip)

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
        key, project_id = parsed
        if project_id == project.id and key == project.sentry_key:
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
                self.dropped_items[item.type or "<untyped>"] += 1
        header_id = envelope.headers.get("event_id")
        return payload, header_id if isinstance(header_id, str) else None

    def _refuse_if_exhausted(self, project: ProjectKeys) -> None:
        entry = self._exhausted.get(project.id)
        if entry is None:
            return
        until, limit = entry
        now = time.time()
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
        received = time.time()
        event = normalize_event(
            payload, event_id=header_event_id, received_at=received, client_ip=client_ip
        )
        record = build_record(project, event)
        outcome = await self._writer.submit(record)
        if outcome is Outcome.RATE_LIMITED:
            now = time.time()
            limit = project.rate_limit_per_minute
            if limit is not None:
                self._exhausted[project.id] = (window_end_s(now), limit)
            raise RateLimited("event rejected due to rate limit", retry_after_s(now))
        return record.event_id


@functools.lru_cache(maxsize=4096)
def request_auth(
    x_sentry_auth: str | None, authorization: str | None, query_string: str
) -> SentryAuth | None:
    """`extract_auth` of a request's credentials, remembered: an SDK sends the same every time."""
    headers = {
        name: value
        for name, value in (("X-Sentry-Auth", x_sentry_auth), ("Authorization", authorization))
        if value is not None
    }
    return extract_auth(headers, dict(parse_qsl(query_string, keep_blank_values=True)))


def build_record(project: ProjectKeys, event: dict[str, Any]) -> EventRecord:
    """The row-ready form of a normalised event (pure)."""
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
        tags_json=dumps(event.get("tags") or {}),
        payload_json=dumps(event),
        fingerprint=grouping.hash,
        grouping_version=grouping.version,
        grouping_json=dumps({"variant": grouping.variant, **grouping.explanation}),
        title=summary.title,
        type=summary.type,
        message=summary.message,
        culprit=summary.culprit,
        rate_limit_per_minute=project.rate_limit_per_minute,
    )


def _column(value: object) -> str | None:
    return value[:255] if isinstance(value, str) else None
