"""The commands that work on the database: migrate, token and project administration."""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from typing import Any

from app import database
from app.auth import tokens
from app.compat.rustrak.serializers import project_json, token_json
from app.config import Settings
from app.pagination import MAX_LIMIT, PageRequest, decode_cursor
from app.projects import service as projects


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
        handler = _COMMANDS[(args.command, args.action)]
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


async def _all(fetch: Callable[[PageRequest], Awaitable[Any]]) -> list[Any]:
    rows: list[Any] = []
    page = await fetch(PageRequest(limit=MAX_LIMIT))
    rows.extend(page.items)
    while page.next_cursor:
        page = await fetch(PageRequest(limit=MAX_LIMIT, after=decode_cursor(page.next_cursor)))
        rows.extend(page.items)
    return rows


_COMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace, Settings], Awaitable[int]]] = {
    ("token", "create"): _token_create,
    ("token", "list"): _token_list,
    ("token", "delete"): _token_delete,
    ("project", "create"): _project_create,
    ("project", "list"): _project_list,
}
