"""Signing in and out: the failure limits, the password check and the session, in one place."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from app.auth import passwords, sessions, users
from app.auth.signin_limits import SignInLimiter
from app.errors import InvalidField, RateLimited, Unauthorized
from models import UserSession

# The same words for an unknown email and a wrong password: which one it was is not told.
WRONG = "wrong email or password"


class SignIns:
    """The sign-in desk of one server process: its failure counts and its clock (seconds)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.limiter = SignInLimiter()
        self.clock = clock

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    async def sign_in(self, address: str, email: object, password: object) -> sessions.NewSession:
        if not isinstance(email, str):
            raise InvalidField("email", "must be a string")
        if not isinstance(password, str):
            raise InvalidField("password", "must be a string")
        if len(password) > passwords.MAX_LENGTH:
            raise InvalidField("password", f"must be at most {passwords.MAX_LENGTH} characters")
        began = self.clock()
        wait = self.limiter.begin(address, email, began)
        if wait:
            raise RateLimited(f"too many failed sign-ins; try again in {wait} s", wait)
        user = await users.check_password(email, password)
        if user is None:
            raise Unauthorized(WRONG)
        self.limiter.succeeded(address, email, began)
        return await sessions.start_session(user, self.now())

    async def resume(self, cookie: str) -> UserSession:
        return await sessions.resume(cookie, self.now())
