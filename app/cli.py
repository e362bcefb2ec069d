"""The `faultline` command: serve, migrate, and project/token/user administration.

Every flag falls back to an environment variable (named in `--help`), the same for every
command: DATABASE_URL, FAULTLINE_HOST, FAULTLINE_PORT, FAULTLINE_PUBLIC_URL, … The options every
command takes (--database-url, --allow-foreign-tables, --debug) go before or after its name.
Whatever stops a command is one line on stderr (app.problems); this module imports only what
the worker supervisor needs, the rest is imported by the command that uses it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NoReturn

from app.config import ConfigError, Settings, database_dialect, version
from app.problems import EXIT_CONFIG, report
from app.serving import STOP_TIMEOUT_S, bound_port, reserve, serve_alone, setup_logging, worker

MAX_RECORD_ID = 2**31 - 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not argparse's usage block."""
        self.exit(EXIT_CONFIG, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _global_options() -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (SUPPRESS: absent unless given)."""
    options = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    options.add_argument(
        "--database-url", help="database URL (env DATABASE_URL; default: SQLite under ./data/)"
    )
    options.add_argument(
        "--allow-foreign-tables",
        action="store_true",
        help="migrate a database that holds other applications' tables "
        "(env FAULTLINE_ALLOW_FOREIGN_TABLES)",
    )
    options.add_argument(
        "--debug", action="store_true", help="log at DEBUG and show tracebacks of failures"
    )
    return options


def build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = _Parser(
        prog="faultline",
        description="Self-hosted error tracking for Sentry and Rollbar SDKs.",
        epilog="Database: DATABASE_URL (default sqlite://./data/faultline.sqlite3; "
        "postgres://user@host:5432/db for PostgreSQL).",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"faultline {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(group: Any, name: str, help: str) -> argparse.ArgumentParser:
        added: argparse.ArgumentParser = group.add_parser(name, help=help, parents=[common])
        return added

    serve = command(commands, "serve", "apply pending migrations, then serve HTTP")
    serve.add_argument("--host", help="address to bind (env FAULTLINE_HOST; default 127.0.0.1)")
    serve.add_argument(
        "--port",
        type=int,
        help="port to bind, 0 for any free one (env FAULTLINE_PORT; default 8080)",
    )
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

    command(commands, "migrate", "apply pending migrations and exit")

    token = command(commands, "token", "manage API tokens").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create_token = command(token, "create", "create a token; prints it on the last line")
    create_token.add_argument("--description", default="", help="what the token is for")
    command(token, "list", "list tokens (masked)")
    delete_token = command(token, "delete", "delete a token")
    delete_token.add_argument("id", type=_record_id)

    user = command(commands, "user", "manage the people who sign in to the web UI")
    user_actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    password_stdin: dict[str, Any] = {
        "action": "store_true",
        "help": "read the password from the first line of standard input (else it is asked "
        "for twice on the terminal)",
    }
    create_user = command(user_actions, "create", "create a user")
    create_user.add_argument("email", metavar="EMAIL")
    create_user.add_argument("--password-stdin", **password_stdin)
    command(user_actions, "list", "list users: email and when each was created")
    delete_user = command(user_actions, "delete", "delete a user and end their sessions")
    delete_user.add_argument("email", metavar="EMAIL")
    set_password = command(
        user_actions, "set-password", "change a user's password and end their sessions"
    )
    set_password.add_argument("email", metavar="EMAIL")
    set_password.add_argument("--password-stdin", **password_stdin)

    project = command(commands, "project", "manage projects").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create_project = command(project, "create", "create a project; prints it as JSON")
    create_project.add_argument("name")
    create_project.add_argument(
        "--public-url", help="base URL of the DSN (env FAULTLINE_PUBLIC_URL)"
    )
    list_projects = command(project, "list", "list projects as JSON")
    list_projects.add_argument(
        "--public-url", help="base URL of the DSNs (env FAULTLINE_PUBLIC_URL)"
    )
    command(
        commands,
        "stats",
        "print what each project keeps as JSON: events, bytes of their payloads, oldest event",
    )
    return parser


def _record_id(text: str) -> int:
    """A row id as the database can hold it (int32), checked before it gets there."""
    if not text.isdigit() or not 1 <= int(text[:12]) <= MAX_RECORD_ID:
        raise argparse.ArgumentTypeError(f"must be a number from 1 to {MAX_RECORD_ID}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            database_url=getattr(args, "database_url", None),
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            public_url=getattr(args, "public_url", None),
            workers=getattr(args, "workers", None),
            allow_foreign_tables=getattr(args, "allow_foreign_tables", None),
            log_level="DEBUG" if getattr(args, "debug", False) else None,
        )
    except ConfigError as exc:
        print(f"faultline: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(settings.log_level)
    try:
        if args.command == "serve":
            return serve(settings)
        from app.admin import run_command

        return asyncio.run(run_command(args, settings))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return report(exc, settings)


def serve(settings: Settings) -> int:
    if settings.workers == 1:
        return serve_alone(settings)
    if database_dialect(settings.database_url) != "postgres":
        print("faultline: --workers above 1 needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return EXIT_CONFIG
    from app.workers import run_workers  # here: single-process serving never needs it

    # Bound, never listening: it holds the port (and resolves port 0) for every worker.
    with reserve(settings.host, settings.port) as reservation:
        settings = replace(settings, port=bound_port(reservation))
        return run_workers(worker, (settings,), settings.workers, stop_timeout_s=STOP_TIMEOUT_S + 2)


if __name__ == "__main__":
    sys.exit(main())
