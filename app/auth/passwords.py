"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile).

A hash costs ~64 MiB and a noticeable fraction of a second of CPU, so it runs on a pool of its
own: two at a time at most, whatever the number of sign-ins waiting, and never on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import InvalidField

T = TypeVar("T")
MIN_LENGTH = 8
# Long enough for any passphrase or generated password; bounds the work of one sign-in.
MAX_LENGTH = 1024

_hasher = PasswordHasher()
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="password-hash")
# Verified against when the email is unknown, so that answer takes as long as a wrong password
# (a hash of a random password that was thrown away, made with the same parameters).
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$wlVA68JmSEH4rNFuoA5l4g"
    "$SAkgnUCsIFMXjaDFcu+nOrXk26ID16cxNt67xnLSxBM"
)


def validate(value: object, field: str = "password") -> str:
    if not isinstance(value, str):
        raise InvalidField(field, "must be a string")
    if len(value) < MIN_LENGTH:
        raise InvalidField(field, f"must be at least {MIN_LENGTH} characters")
    if len(value) > MAX_LENGTH:
        raise InvalidField(field, f"must be at most {MAX_LENGTH} characters")
    return value


async def hash_password(password: str) -> str:
    return await _run(_hasher.hash, password)


async def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash (unknown user) the same work, then False."""
    if password_hash is None:
        await _run(_matches, _DUMMY_HASH, password)
        return False
    return await _run(_matches, password_hash, password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def _run(function: Callable[..., T], *args: str) -> T:
    return await asyncio.get_running_loop().run_in_executor(_pool, function, *args)
