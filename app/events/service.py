"""Event reads shared by the APIs."""

from __future__ import annotations

import uuid

from app.errors import NotFound
from app.issues.service import get_issue
from app.pagination import Page, PageRequest, keyset_page
from models import Event


def event_key(value: str) -> str | None:
    """The stored 32-hex form of an event id given dashed or not; None if it is no UUID."""
    try:
        return uuid.UUID(value).hex
    except ValueError:
        return None


async def list_events(issue_id: int, page: PageRequest) -> Page[Event]:
    await get_issue(issue_id)
    queryset = Event.filter(issue_id=issue_id)
    return await keyset_page(queryset, ("timestamp", "id"), page, descending=True)


async def get_event(event_id: str) -> Event:
    key = event_key(event_id)
    event = await Event.filter(event_id=key).order_by("id").first() if key else None
    if event is None:
        raise NotFound(f"event {event_id} not found")
    return event
