"""The path of one Rollbar item: authenticate, read, parse, translate, hand to digest.

cheap checks first      a token in the header or query string is looked up (cached) and the
                        project's exhausted rate limit refuses before the body is read
read                    at most `max_rollbar_item_bytes` (413 above), within the body timeout
parse                   JSON, or a form whose `payload` field holds it; a token only in the
                        body (`access_token`) is checked now
translate + scope       app.compat.rollbar.items (pure); the item's platform decides whether a
                        post_client_item token may post it
digest                  app.ingest.digest, shared with Sentry: same grouping, group commit,
                        exactly once per uuid, same rate limits

Every answer carries the project's rate window (`RateWindow`), refusals included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson
from aiohttp import StreamReader

from app.auth.access_tokens import TokenGrant
from app.compat.rollbar.auth import HEADER, GrantCache, item_scopes, require_scope
from app.compat.rollbar.items import translate
from app.config import Settings
from app.errors import (
    BadRequest,
    FaultlineError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RequestTimeout,
)
from app.ingest.body import BodyReader
from app.ingest.digest import Digest
from app.ingest.projects import ProjectCache, ProjectKeys
from app.ingest.ratelimit import WINDOW_S, retry_after_s, window_end_s

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_FIELDS = 16
# What a project without a rate limit reports as its limit (the largest a project can have).
UNLIMITED = 10_000_000
MAX_WINDOWS = 10_000


@dataclass(frozen=True, slots=True)
class ItemRequest:
    headers: Mapping[str, str]
    query: Mapping[str, str]
    content_type: str
    body: StreamReader
    client_ip: str | None


@dataclass(frozen=True, slots=True)
class RateWindow:
    limit: int
    remaining: int
    reset_s: int  # unix seconds when the window ends
    remaining_s: int  # seconds until then


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    uuid: str | None  # None when refused
    error: FaultlineError | None
    window: RateWindow


class RollbarIngestor:
    def __init__(
        self,
        settings: Settings,
        projects: ProjectCache,
        grants: GrantCache,
        digest: Digest,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._projects = projects
        self._grants = grants
        self._digest = digest
        self._clock = clock
        # project id → (minute, events counted in it), from the writer's receipts.
        self._windows: dict[int, tuple[int, int]] = {}

    async def ingest(self, request: ItemRequest) -> ItemAnswer:
        project: ProjectKeys | None = None
        try:
            token = request.headers.get(HEADER) or request.query.get("access_token")
            if token:
                grant, project = await self._authenticate(token)
                self._digest.refuse_if_exhausted(project)
            payload = parse_payload(await self._read(request), request.content_type)
            if project is None:
                body_token = payload.get("access_token")
                token = body_token if isinstance(body_token, str) else None
                grant, project = await self._authenticate(token)
                self._digest.refuse_if_exhausted(project)
            item = translate(
                payload.get("data"), received_at=self._clock(), client_ip=request.client_ip
            )
            require_scope(grant, *item_scopes(item.platform))
            try:
                digested = await self._digest.submit(project, item.event, title=item.title)
            except NotFound:  # the project was deleted since: as for a token never known
                raise Forbidden(f"access token not found: {token}") from None
        except FaultlineError as error:
            self._digest.rejections.refused(None if project is None else project.id, error)
            if isinstance(error, RateLimited) and project is not None:
                self._count(project.id, project.rate_limit_per_minute or 0)
            return ItemAnswer(None, error, self.window(project))
        if digested.window_count is not None:
            self._count(project.id, digested.window_count)
        return ItemAnswer(item.uuid, None, self.window(project))

    async def _authenticate(self, token: str | None) -> tuple[TokenGrant, ProjectKeys]:
        """The token's grant and project (Forbidden for a missing or unknown token)."""
        grant = await self._grants.grant(token)
        project = await self._projects.get(grant.project_id)
        if project is None:  # deleted a moment ago
            raise Forbidden(f"access token not found: {token}")  # 32 hex: a grant's token
        return grant, project

    async def _read(self, request: ItemRequest) -> bytes:
        limit = self._settings.max_rollbar_item_bytes
        length = request.headers.get("Content-Length", "")
        if length.isdigit() and len(length) < 20 and int(length) > limit:
            raise too_large(limit)
        reader = BodyReader(
            request.body,
            request.headers.get("Content-Encoding"),
            max_compressed_bytes=limit,
            max_decompressed_bytes=limit,
        )
        timeout = self._settings.body_read_timeout_s
        try:
            async with asyncio.timeout(timeout):
                return await reader.read_all()
        except TimeoutError:
            raise RequestTimeout(f"request body not received within {timeout:g} s") from None
        except PayloadTooLarge:
            raise too_large(limit) from None

    def _count(self, project_id: int, count: int) -> None:
        minute = int(self._clock() // WINDOW_S)
        known = self._windows.pop(project_id, None)
        if known is not None and known[0] == minute:
            count = max(count, known[1])  # answers of one batch may finish in any order
        while len(self._windows) >= MAX_WINDOWS:
            del self._windows[next(iter(self._windows))]
        self._windows[project_id] = (minute, count)

    def window(self, project: ProjectKeys | None) -> RateWindow:
        now = self._clock()
        limit = None if project is None else project.rate_limit_per_minute
        if limit is None:
            limit, used = UNLIMITED, 0
        else:
            assert project is not None
            minute, count = self._windows.get(project.id, (-1, 0))
            used = count if minute == int(now // WINDOW_S) else 0
        return RateWindow(
            limit=limit,
            remaining=max(0, limit - used),
            reset_s=int(window_end_s(now)),
            remaining_s=retry_after_s(now),
        )


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Payload too large. The maximum size is {limit} bytes.")


def parse_payload(raw: bytes, content_type: str) -> dict[str, Any]:
    """The item's JSON object, sent as the body or as the form field `payload`."""
    if not raw.strip():
        raise BadRequest("No JSON payload was found.")
    if content_type == FORM_TYPE:
        try:
            form = parse_qs(
                raw.decode("utf-8"), max_num_fields=MAX_FORM_FIELDS, keep_blank_values=True
            )
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("the form body could not be decoded") from None
        fields = form.get("payload")
        if not fields:
            raise BadRequest("No JSON payload was found: the form has no payload field.")
        raw = fields[0].encode("utf-8", "surrogatepass")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The JSON payload could not be parsed: {exc}") from None
    if not isinstance(value, dict):
        raise BadRequest("The JSON payload must be an object.")
    return value
