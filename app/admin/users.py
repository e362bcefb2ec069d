"""`faultline user …`: the people who sign in to the web UI.

Passwords are read from the terminal (twice, not echoed) or, with --password-stdin, from the
first line of standard input; they are never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC

from app.admin import Handler
from app.auth import passwords, users
from app.config import Settings
from app.errors import BadRequest
from app.problems import EXIT_CONFIG, StartupProblem


async def _create(args: argparse.Namespace, settings: Settings) -> int:
    email = users.normalize_email(args.email)
    if await users.has_user(email):  # before asking for a password that would be wasted
        raise BadRequest(f"a user with email {email} already exists")
    user = await users.create_user(email, _read_password(args.password_stdin))
    print(f"created user {user.email}; they can sign in at {settings.base_url}/")
    return 0


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    rows = await users.list_users()
    for user in rows:
        print(f"{user.email}  created {user.created_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if not rows:
        print(f"no users yet; create the first with: {users.FIRST_USER_COMMAND}")
    return 0


async def _delete(args: argparse.Namespace, settings: Settings) -> int:
    email = users.normalize_email(args.email)
    await users.delete_user(email)
    print(f"deleted user {email} and ended their sessions")
    return 0


async def _set_password(args: argparse.Namespace, settings: Settings) -> int:
    user = await users.get_user(args.email)
    await users.set_password(user.email, _read_password(args.password_stdin))
    print(f"changed the password of {user.email} and ended their sessions")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # A line longer than any allowed password is cut, and then refused as too long.
        line = sys.stdin.readline(passwords.MAX_LENGTH + 2)
        return line.removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        raise StartupProblem(
            "no terminal to ask for the password on: pipe it in with --password-stdin",
            EXIT_CONFIG,
        )
    password = passwords.validate(getpass.getpass("Password: "))
    if getpass.getpass("Password (again): ") != password:
        raise StartupProblem("the two passwords differ; nothing was changed")
    return password


COMMANDS: dict[tuple[str, str | None], Handler] = {
    ("user", "create"): _create,
    ("user", "list"): _list,
    ("user", "delete"): _delete,
    ("user", "set-password"): _set_password,
}
