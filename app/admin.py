"""The commands that work on the database: migrate, token, project and user administration.

Passwords are read from the terminal (twice, not echoed) or, with --password-stdin, from the
first line of standard input; they are never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import Any

from app import database
from app.auth import passwords, tokens, users
from app.compat.rustrak.serializers import iso, project_json, token_json
from app.config import Settings
from app.errors import BadRequest
from app.pagination import MAX_LIMIT, PageRequest, decode_cursor
from app.problems import EXIT_CONFIG, StartupProblem
from app.projects import service as projects
from app.retention.storage import storage_of


async def run_command(args: argparse.Namespace, settings: Settings) -> int:
    await database.migrate(
        settings.database_url,
        lock_timeout_s=settings.migration_lock_timeout_s,
        allow_foreign_tables=settings.allow_foreign_tables,
    )
    if args.command == "migrate":
        print("migrations applied")
        return 0
    await database.init(settings.database_url, pool_size=2)
    try:
        handler = _COMMANDS[(args.command, getattr(args, "action", None))]
        return await handler(args, settings)
    finally:
        await database.close()


async def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    new = await tokens.create_token(args.description)
    print(f"created token {new.record.id}; it is shown only this once:")
    print(new.token)
    return 0


async def _token_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = await _all(tokens.list_tokens)
    print(json.dumps([token_json(t) for t in rows], indent=2))
    return 0


async def _token_delete(args: argparse.Namespace, settings: Settings) -> int:
    await tokens.delete_token(args.id)
    print(f"deleted token {args.id}")
    return 0


async def _project_create(args: argparse.Namespace, settings: Settings) -> int:
    project = await projects.create_project(args.name)
    print(json.dumps(project_json(project, settings.base_url), indent=2))
    return 0


async def _project_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = await _all(projects.list_projects)
    print(json.dumps([project_json(p, settings.base_url) for p in rows], indent=2))
    return 0


async def _stats(args: argparse.Namespace, settings: Settings) -> int:
    rows = await _all(projects.list_projects)
    kept = await storage_of([p.id for p in rows])
    print(
        json.dumps(
            [
                {
                    "id": p.id,
                    "slug": p.slug,
                    "events": kept[p.id].events,
                    "bytes": kept[p.id].bytes,
                    "oldest_event": iso(kept[p.id].oldest_event),
                }
                for p in rows
            ],
            indent=2,
        )
    )
    return 0


async def _user_create(args: argparse.Namespace, settings: Settings) -> int:
    email = users.normalize_email(args.email)
    if await users.has_user(email):  # before asking for a password that would be wasted
        raise BadRequest(f"a user with email {email} already exists")
    user = await users.create_user(email, _read_password(args.password_stdin))
    print(f"created user {user.email}; they can sign in at {settings.base_url}/")
    return 0


async def _user_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = await users.list_users()
    for user in rows:
        print(f"{user.email}  created {user.created_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if not rows:
        print(f"no users yet; create the first with: {users.FIRST_USER_COMMAND}")
    return 0


async def _user_delete(args: argparse.Namespace, settings: Settings) -> int:
    email = users.normalize_email(args.email)
    await users.delete_user(email)
    print(f"deleted user {email} and ended their sessions")
    return 0


async def _user_set_password(args: argparse.Namespace, settings: Settings) -> int:
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


async def _all(fetch: Callable[[PageRequest], Awaitable[Any]]) -> list[Any]:
    rows: list[Any] = []
    page = await fetch(PageRequest(limit=MAX_LIMIT))
    rows.extend(page.items)
    while page.next_cursor:
        page = await fetch(PageRequest(limit=MAX_LIMIT, after=decode_cursor(page.next_cursor)))
        rows.extend(page.items)
    return rows


_COMMANDS: dict[
    tuple[str, str | None], Callable[[argparse.Namespace, Settings], Awaitable[int]]
] = {
    ("token", "create"): _token_create,
    ("token", "list"): _token_list,
    ("token", "delete"): _token_delete,
    ("project", "create"): _project_create,
    ("project", "list"): _project_list,
    ("stats", None): _stats,
    ("user", "create"): _user_create,
    ("user", "list"): _user_list,
    ("user", "delete"): _user_delete,
    ("user", "set-password"): _user_set_password,
}
