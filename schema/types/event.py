"""Events: the stored payload rendered field by field, defensively (SDKs send odd shapes)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import strawberry
from graphql import FieldNode
from strawberry.scalars import JSON
from strawberry.types import Info

from app import prepared
from app.errors import NotFound
from app.events import service as events
from app.pagination import Page
from models import Event
from schema.context import Context
from schema.execution import read_ahead
from schema.selection import Fragments, only_among
from schema.types.common import BigInt, PageInfo
from schema.types.issue import IssueType

_INT32 = 2**31 - 1


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and -_INT32 <= value <= _INT32:
        return value
    return None


def _texts(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _dicts(value: object) -> list[dict[str, Any]]:
    """The objects of a list or of a `{"values": [...]}` container."""
    if isinstance(value, dict):
        value = value.get("values")
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _object(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _json(value: object) -> JSON | None:
    """An object of the payload, passed on whole (a JSON scalar), or None if it is no object."""
    return JSON(value) if isinstance(value, dict) else None


def _time(value: object) -> datetime | None:
    """A breadcrumb time: unix seconds or ISO 8601 text, as SDKs send either."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str) and len(value) <= 40:
            moment = datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    return None


# The fields EventType.of_row reads of an event's row.
_ROW_FIELDS = (
    "event_id",
    "timestamp",
    "received_at",
    "environment",
    "release",
    "level",
    "platform",
    "message",
    "message_stored",
)


@cache
def _row_columns() -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Per field of _ROW_FIELDS, its column and how the model converts it (once models are
    initialised: the conversions depend on the backend's driver)."""
    projection = Event._meta.fields_db_projection
    return tuple(
        (projection[field], prepared.converter(Event, projection[field])) for field in _ROW_FIELDS
    )


_HEX_ID = re.compile("[0-9a-f]{32}")


def dashed(event_id: str) -> str:
    """The stored 32-hex event id as a dashed UUID (as str(uuid.UUID(hex=...)), faster)."""
    if _HEX_ID.fullmatch(event_id) is None:
        return str(uuid.UUID(hex=event_id))
    h = event_id
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@strawberry.type
class Frame:
    filename: str | None
    abs_path: str | None
    function: str | None
    module: str | None
    lineno: int | None
    colno: int | None
    context_line: str | None
    pre_context: list[str]
    post_context: list[str]
    in_app: bool | None
    vars: JSON | None

    @classmethod
    def of(cls, frame: dict[str, Any]) -> Frame:
        in_app = frame.get("in_app")
        return cls(
            filename=_text(frame, "filename"),
            abs_path=_text(frame, "abs_path"),
            function=_text(frame, "function"),
            module=_text(frame, "module"),
            lineno=_int(frame, "lineno"),
            colno=_int(frame, "colno"),
            context_line=_text(frame, "context_line"),
            pre_context=_texts(frame, "pre_context"),
            post_context=_texts(frame, "post_context"),
            in_app=in_app if isinstance(in_app, bool) else None,
            vars=_json(frame.get("vars")),
        )


@strawberry.type
class Stacktrace:
    frames: list[Frame]


@strawberry.type(name="ExceptionValue")
class ExceptionValue:
    type: str | None
    value: str | None
    module: str | None
    stacktrace: Stacktrace | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> ExceptionValue:
        trace = _object(data.get("stacktrace"))
        return cls(
            type=_text(data, "type"),
            value=_text(data, "value"),
            module=_text(data, "module"),
            stacktrace=Stacktrace(frames=[Frame.of(f) for f in _dicts(trace.get("frames"))])
            if trace
            else None,
        )


@strawberry.type
class Breadcrumb:
    timestamp: datetime | None
    category: str | None
    message: str | None
    level: str | None
    type: str | None
    data: JSON | None

    @classmethod
    def of(cls, crumb: dict[str, Any]) -> Breadcrumb:
        return cls(
            timestamp=_time(crumb.get("timestamp")),
            category=_text(crumb, "category"),
            message=_text(crumb, "message"),
            level=_text(crumb, "level"),
            type=_text(crumb, "type"),
            data=_json(crumb.get("data")),
        )


@strawberry.type(name="EventUser")
class User:
    id: str | None
    email: str | None
    username: str | None
    ip_address: str | None


@strawberry.type
class Tag:
    key: str
    value: str


@strawberry.type(name="Event")
class EventType:
    """The columns are plain fields, filled once from the model (a resolver per field costs
    strawberry several times more than reading an attribute); what comes from the payload is
    resolved when asked for, from the payload parsed once."""

    id: strawberry.ID = strawberry.field(description="The SDK's event id, as a dashed UUID.")
    timestamp: datetime
    received_at: datetime
    environment: str | None
    release: str | None
    level: str
    platform: str
    # The model, or the row (by column) it is made of when first asked for: a page's latest
    # events are rows, and lists mostly show their columns alone.
    stored: strawberry.Private[Event | dict[str, Any]]
    # The payload parsed once, on first use: several fields read it.
    parsed: strawberry.Private[dict[str, Any] | None] = None
    # The message, when stored with the event: (message,); None: derived from the payload.
    stored_message: strawberry.Private[tuple[str | None] | None] = None

    @classmethod
    def of(cls, event: Event) -> EventType:
        return cls(
            id=strawberry.ID(dashed(event.event_id)),
            timestamp=event.timestamp,
            received_at=event.received_at,
            environment=event.environment,
            release=event.release,
            level=event.level,
            platform=event.platform,
            stored=event,
            stored_message=(event.message,) if event.message_stored else None,
        )

    @classmethod
    def of_row(cls, row: dict[str, Any]) -> EventType:
        """From a row of `events.latest_event_rows`, its columns converted as the model's
        would be; the model is made only if a field needs it."""
        (
            event_id,
            timestamp,
            received_at,
            environment,
            release,
            level,
            platform,
            message,
            message_stored,
        ) = [row[c] if convert is None else convert(row[c]) for c, convert in _row_columns()]
        return cls(
            id=strawberry.ID(dashed(event_id)),
            timestamp=timestamp,
            received_at=received_at,
            environment=environment,
            release=release,
            level=level,
            platform=platform,
            stored=row,
            stored_message=(message,) if message_stored else None,
        )

    @property
    def model(self) -> Event:
        stored = self.stored
        if isinstance(stored, Event):
            return stored
        self.stored = event = Event._init_from_db(**stored)
        return event

    @strawberry.field(metadata=read_ahead("stored_message"))
    def message(self) -> str | None:
        if self.stored_message is not None:
            return self.stored_message[0]
        return events.message_of(self.model)

    @strawberry.field
    def user(self) -> User | None:
        user = _object(self.model.user)
        if user is None:
            return None
        return User(
            id=_text(user, "id"),
            email=_text(user, "email"),
            username=_text(user, "username"),
            ip_address=_text(user, "ip_address"),
        )

    @strawberry.field(description="By key.")
    def tags(self) -> list[Tag]:
        tags = _object(self.model.tags) or {}
        # By key: PostgreSQL's jsonb does not keep the order the SDK sent.
        return [Tag(key=k, value=v) for k, v in sorted(tags.items()) if isinstance(v, str)]

    @strawberry.field
    def exceptions(self) -> list[ExceptionValue]:
        return [ExceptionValue.of(e) for e in _dicts(self._payload.get("exception"))]

    @strawberry.field
    def breadcrumbs(self) -> list[Breadcrumb]:
        return [Breadcrumb.of(b) for b in _dicts(self._payload.get("breadcrumbs"))]

    @strawberry.field
    def contexts(self) -> JSON | None:
        return _json(self._payload.get("contexts"))

    @strawberry.field
    def request(self) -> JSON | None:
        return _json(self._payload.get("request"))

    @strawberry.field
    def sdk(self) -> JSON | None:
        return _json(self._payload.get("sdk"))

    @strawberry.field(description="Extra data sent with the event (Rollbar's `custom`).")
    def extra(self) -> JSON | None:
        return _json(self._payload.get("extra"))

    @strawberry.field(description="The whole stored event, as normalised at ingestion.")
    def raw(self) -> JSON:
        return JSON(self._payload)

    @strawberry.field
    async def issue(self, info: Info[Context, None]) -> IssueType:
        issue = await info.context.loaders.issue.load(self.model.issue_id)
        if issue is None:  # deleted while this operation ran
            raise NotFound(f"issue {self.model.issue_id} not found")
        return IssueType.of(issue)

    @strawberry.field(description="The issue's event just before this one in time.")
    async def previous_event(self) -> EventType | None:
        event = await events.neighbour(self.model, later=False)
        return EventType.of(event) if event else None

    @strawberry.field(description="The issue's event just after this one in time.")
    async def next_event(self) -> EventType | None:
        event = await events.neighbour(self.model, later=True)
        return EventType.of(event) if event else None

    @property
    def _payload(self) -> dict[str, Any]:
        if self.parsed is None:
            self.parsed = events.payload_of(self.model)
        return self.parsed


# The fields of `Event` that need no payload: an event read without it serves only these.
_COLUMN_FIELDS = frozenset(
    {
        "__typename",
        "id",
        "timestamp",
        "receivedAt",
        "environment",
        "release",
        "level",
        "platform",
        "message",
        "user",
        "tags",
        "issue",
        "previousEvent",
        "nextEvent",
    }
)


def payload_needed(nodes: Iterable[FieldNode], fragments: Fragments) -> bool:
    """Whether these selections of an `Event` ask for anything read from its payload."""
    return not only_among(nodes, fragments, _COLUMN_FIELDS)


def needs_payload(info: Info[Context, None]) -> bool:
    """Whether the selection of this (Event) field asks for anything read from the payload."""
    raw = info._raw_info
    return payload_needed(raw.field_nodes, raw.fragments)


@strawberry.type
class EventEdge:
    cursor: str
    node: EventType


@strawberry.type
class EventConnection:
    edges: list[EventEdge]
    page_info: PageInfo
    issue_id: strawberry.Private[int]

    @strawberry.field
    async def total_count(self) -> BigInt:
        return BigInt(await events.count_events(self.issue_id))

    @classmethod
    def of(cls, page: Page[Event], issue_id: int) -> EventConnection:
        edges = [EventEdge(cursor=page.cursor_of(e), node=EventType.of(e)) for e in page.items]
        info = PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor)
        return cls(edges=edges, page_info=info, issue_id=issue_id)
