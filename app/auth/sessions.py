"""Sign-in sessions of the web UI: a random cookie value, stored only as its SHA-256.

A session ends when its user signs out, after IDLE_LIFETIME without a request, when its user is
deleted (the foreign key cascades) or changes their password. `now` comes from the caller (the
app's clock), so tests can step across the idle lifetime.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.auth.tokens import hash_token
from app.errors import Unauthorized
from models import User, UserSession

COOKIE_NAME = "faultline_session"
IDLE_LIFETIME = timedelta(days=14)
# Writing last_seen_at on every request would turn reads into writes; once a minute is plenty.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
# secrets.token_urlsafe(32): 256 random bits, so an unsalted hash is enough.
_VALUE_RE = re.compile(r"[A-Za-z0-9_-]{43}")
ENDED = "signed out or the session expired; sign in again"


@dataclass(frozen=True, slots=True)
class NewSession:
    record: UserSession
    # The cookie value: handed to the browser once, never stored.
    value: str


def expired(record: UserSession, now: datetime) -> bool:
    return now - record.last_seen_at >= IDLE_LIFETIME


async def start_session(user: User, now: datetime) -> NewSession:
    # Sessions whose browsers never came back are dropped here, so the table cannot grow
    # beyond the sign-ins of one idle lifetime.
    await UserSession.filter(last_seen_at__lte=now - IDLE_LIFETIME).delete()
    value = secrets.token_urlsafe(32)
    record = await UserSession.create(
        user=user, token_hash=hash_token(value), created_at=now, last_seen_at=now
    )
    return NewSession(record=record, value=value)


async def resume(value: str, now: datetime) -> UserSession:
    """The live session of a cookie value, its user fetched, its last_seen_at kept fresh;
    Unauthorized when there is none (an expired one is deleted on the way)."""
    record = None
    if _VALUE_RE.fullmatch(value):
        record = await UserSession.get_or_none(token_hash=hash_token(value)).select_related("user")
    if record is None:
        raise Unauthorized(ENDED)
    if expired(record, now):
        await UserSession.filter(id=record.id).delete()
        raise Unauthorized(ENDED)
    if now - record.last_seen_at > LAST_SEEN_RESOLUTION:
        record.last_seen_at = now
        await UserSession.filter(id=record.id).update(last_seen_at=now)
    return record


async def end_session(value: str) -> None:
    if _VALUE_RE.fullmatch(value):
        await UserSession.filter(token_hash=hash_token(value)).delete()


async def live_sessions(session_ids: Iterable[int], now: datetime) -> dict[int, UserSession]:
    """The sessions among `session_ids` that have not ended by `now` (for open WebSockets,
    whose operations do not keep a session alive: only HTTP requests do)."""
    found = await UserSession.filter(id__in=list(session_ids))
    return {s.id: s for s in found if not expired(s, now)}
