"""The `faultline` command: serve, migrate, and project/token administration.

Every flag falls back to an environment variable (named in `--help`), the same for every
command: DATABASE_URL, FAULTLINE_HOST, FAULTLINE_PORT, FAULTLINE_PUBLIC_URL, …
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web

from app import database
from app.auth import tokens
from app.compat.rustrak.serializers import project_json, token_json
from app.config import ConfigError, Settings
from app.errors import FaultlineError
from app.pagination import MAX_LIMIT, PageRequest, decode_cursor
from app.projects import service as projects
from app.server import create_app
from app.workers import run_workers

log = logging.getLogger("faultline")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faultline",
        description="Self-hosted error tracking for Sentry and Rollbar SDKs.",
        epilog="Database: DATABASE_URL (default sqlite://./data/faultline.sqlite3; "
        "postgres://user@host:5432/db for PostgreSQL).",
    )
    parser.add_argument(
        "--database-url", help="database URL (env DATABASE_URL; default: SQLite under ./data/)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply pending migrations, then serve HTTP")
    serve.add_argument("--host", help="address to bind (env FAULTLINE_HOST; default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (env FAULTLINE_PORT; default 8080)")
    serve.add_argument(
        "--public-url",
        help="base URL of the DSNs handed out (env FAULTLINE_PUBLIC_URL; default from host/port)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        help="server processes sharing the port (env FAULTLINE_WORKERS; default 1; "
        "more than 1 needs PostgreSQL)",
    )

    commands.add_parser("migrate", help="apply pending migrations and exit")

    token = commands.add_parser("token", help="manage API tokens").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create_token = token.add_parser("create", help="create a token; prints it on the last line")
    create_token.add_argument("--description", default="", help="what the token is for")
    token.add_parser("list", help="list tokens (masked)")
    delete_token = token.add_parser("delete", help="delete a token")
    delete_token.add_argument("id", type=int)

    project = commands.add_parser("project", help="manage projects").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create_project = project.add_parser("create", help="create a project; prints it as JSON")
    create_project.add_argument("name")
    create_project.add_argument(
        "--public-url", help="base URL of the DSN (env FAULTLINE_PUBLIC_URL)"
    )
    list_projects = project.add_parser("list", help="list projects as JSON")
    list_projects.add_argument(
        "--public-url", help="base URL of the DSNs (env FAULTLINE_PUBLIC_URL)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            database_url=args.database_url,
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            public_url=getattr(args, "public_url", None),
            workers=getattr(args, "workers", None),
        )
    except ConfigError as exc:
        print(f"faultline: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    if args.command == "serve":
        return serve(settings)
    try:
        return asyncio.run(_run_command(args, settings))
    except FaultlineError as exc:
        print(f"faultline: {exc.message}", file=sys.stderr)
        return 1


def serve(settings: Settings) -> int:
    if settings.workers < 1:
        print("faultline: --workers must be at least 1", file=sys.stderr)
        return 2
    if settings.workers == 1:
        _serve_process(settings, migrate=True, reuse_port=False)
        return 0
    if database.dialect(settings.database_url) != "postgres":
        print("faultline: --workers above 1 needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 2
    asyncio.run(database.migrate(settings.database_url))
    return run_workers(_worker, (settings,), settings.workers, "faultline-worker")


def _serve_process(settings: Settings, *, migrate: bool, reuse_port: bool) -> None:
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    web.run_app(
        create_app(settings, migrate=migrate),
        loop=_event_loop(),
        host=settings.host,
        port=settings.port,
        reuse_port=reuse_port or None,
        access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
        # Called once the socket listens, after migrations: only then is the server up.
        print=lambda _: log.info(
            "Faultline listening on http://%s:%s (pid %d)",
            settings.host,
            settings.port,
            os.getpid(),
        ),
    )


def _event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (Linux, macOS): the same server with less CPU per request."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


def _worker(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    _serve_process(settings, migrate=False, reuse_port=True)


async def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    await database.migrate(settings.database_url)
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


if __name__ == "__main__":
    sys.exit(main())
