"""The commands that work on the database: migrate, token, project and user administration.

Each command imports only what it needs, when it runs: `faultline user create` waits for the
database layer and the password hasher, not for the server, GraphQL or the alert channels.
    users.py      user create | list | delete | set-password (passwords read here)
    tokens.py     token create | list | delete
    projects.py   project create | list, stats
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from app import database
from app.config import Settings
from app.pagination import MAX_LIMIT, PageRequest, decode_cursor

Handler = Callable[[argparse.Namespace, Settings], Awaitable[int]]


async def run_command(args: argparse.Namespace, settings: Settings) -> int:
    await database.migrate(
        settings.database_url,
        lock_timeout_s=settings.migration_lock_timeout_s,
        allow_foreign_tables=settings.allow_foreign_tables,
    )
    if args.command == "migrate":
        print("migrations applied")
        return 0
    handler = _handlers(args.command)[(args.command, getattr(args, "action", None))]
    await database.init(settings.database_url, pool_size=2)
    try:
        return await handler(args, settings)
    finally:
        await database.close()


def _handlers(command: str) -> Mapping[tuple[str, str | None], Handler]:
    """The handlers of one command, by (command, action), from the module it needs alone."""
    if command == "user":
        from app.admin import users

        return users.COMMANDS
    if command == "token":
        from app.admin import tokens

        return tokens.COMMANDS
    from app.admin import projects

    return projects.COMMANDS


async def every_page(fetch: Callable[[PageRequest], Awaitable[Any]]) -> list[Any]:
    """All the rows of a keyset-paginated list, page after page."""
    rows: list[Any] = []
    page = await fetch(PageRequest(limit=MAX_LIMIT))
    rows.extend(page.items)
    while page.next_cursor:
        page = await fetch(PageRequest(limit=MAX_LIMIT, after=decode_cursor(page.next_cursor)))
        rows.extend(page.items)
    return rows
