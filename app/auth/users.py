"""People who sign in to the web UI: create, list, delete, change a password, check one.

Emails are stored lowercased (and so unique whatever their case); passwords only as argon2
hashes (app.auth.passwords), and no function here logs or returns one.
"""

from __future__ import annotations

import logging

from tortoise.exceptions import IntegrityError

from app.auth import passwords
from app.errors import BadRequest, InvalidField, NotFound
from app.text import require_plain_line
from models import User, UserSession

log = logging.getLogger(__name__)

MAX_EMAIL = 254
FIRST_USER_COMMAND = "faultline user create EMAIL"
_EMAIL_EXAMPLE = "must be an email address such as you@example.com"


def normalize_email(value: object) -> str:
    """The email as stored: trimmed, lowercased, one `@` with something on either side."""
    if not isinstance(value, str):
        raise InvalidField("email", "must be a string")
    email = value.strip().lower()
    if len(email) > MAX_EMAIL:
        raise InvalidField("email", f"must be at most {MAX_EMAIL} characters")
    require_plain_line("email", email)
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in email) or "@" in local:
        raise InvalidField("email", _EMAIL_EXAMPLE)
    return email


async def has_users() -> bool:
    return await User.exists()


async def has_user(email: str) -> bool:
    return await User.exists(email=normalize_email(email))


async def announce_first_user() -> None:
    """At startup: with nobody to sign in, the log says how to make the first person."""
    if not await has_users():
        log.warning("no users yet: create the first with: %s", FIRST_USER_COMMAND)


async def create_user(email: object, password: object) -> User:
    address = normalize_email(email)
    secret = passwords.validate(password)
    if await has_user(address):
        raise BadRequest(f"a user with email {address} already exists")
    try:
        return await User.create(email=address, password_hash=await passwords.hash_password(secret))
    except IntegrityError:  # created by someone else meanwhile
        raise BadRequest(f"a user with email {address} already exists") from None


async def list_users() -> list[User]:
    return list(await User.all().order_by("id"))


async def get_user(email: object) -> User:
    address = normalize_email(email)
    user = await User.get_or_none(email=address)
    if user is None:
        raise NotFound(f"no user with email {address}")
    return user


async def delete_user(email: object) -> None:
    """The user and, by the foreign key's cascade, every session of theirs."""
    user = await get_user(email)
    await User.filter(id=user.id).delete()


async def set_password(email: object, password: object) -> None:
    """A new password; every session of the user ends (whoever knew the old one is out)."""
    user = await get_user(email)
    password_hash = await passwords.hash_password(passwords.validate(password))
    await User.filter(id=user.id).update(password_hash=password_hash)
    await UserSession.filter(user_id=user.id).delete()


async def check_password(email: str, password: str) -> User | None:
    """The user whose email and password these are, or None; an unknown or malformed email
    costs the same hashing work as a wrong password, so the time taken tells nothing."""
    try:
        address = normalize_email(email)
    except InvalidField:
        address = None
    user = None if address is None else await User.get_or_none(email=address)
    if await passwords.verify(None if user is None else user.password_hash, password):
        return user
    return None


async def users_by_id(user_ids: list[int]) -> dict[int, User]:
    return {u.id: u for u in await User.filter(id__in=user_ids)}
