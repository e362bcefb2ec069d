"""What stops a command, said in one line: what is wrong and what to do, with an exit status.

Exit statuses: 2 when the configuration must change (a bad flag or variable, a database URL that
names a missing database or a refused role, a database of another application), 1 when something
outside is not right yet (PostgreSQL down, port taken, migration lock held). Only `--debug` adds
the traceback.
"""

from __future__ import annotations

import errno
import logging
import socket
import sqlite3
import sys

from app.config import Settings, mask_url
from app.errors import FaultlineError

EXIT_FAILURE = 1
EXIT_CONFIG = 2


class StartupProblem(Exception):
    """A condition that stops the command; `message` is the line the user reads."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def bind_problem(exc: OSError, host: str, port: int) -> StartupProblem:
    """The socket for host:port could not be bound."""
    if isinstance(exc, socket.gaierror):
        return StartupProblem(
            f"cannot listen on {host!r}: unknown host ({exc.strerror}); "
            "set --host / FAULTLINE_HOST to an address of this machine, e.g. 127.0.0.1 or 0.0.0.0",
            EXIT_CONFIG,
        )
    if exc.errno == errno.EADDRINUSE:
        return StartupProblem(
            f"port {port} on {host} is already in use; stop the program using it or choose "
            "another --port / FAULTLINE_PORT (0 picks a free one)"
        )
    if exc.errno == errno.EACCES:
        return StartupProblem(
            f"not allowed to listen on port {port} (ports below 1024 need privileges); "
            "choose a port above 1023 with --port / FAULTLINE_PORT"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return StartupProblem(
            f"cannot listen on {host}: not an address of this machine; "
            "set --host / FAULTLINE_HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0",
            EXIT_CONFIG,
        )
    return StartupProblem(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def report(exc: BaseException, settings: Settings) -> int:
    """Print the one line for `exc` on stderr (and its traceback at DEBUG); the exit status."""
    problem = explain(exc, settings.database_url)
    if settings.log_level == "DEBUG":
        logging.getLogger("faultline").error("traceback", exc_info=exc)
    if problem is None:
        problem = StartupProblem(
            f"unexpected {type(exc).__name__}: {exc} (--debug shows the traceback)"
        )
    print(f"faultline: {problem.message}", file=sys.stderr)
    return problem.exit_code


def explain(exc: BaseException, database_url: str) -> StartupProblem | None:
    """The problem behind `exc` (or an exception it was raised from), if it is a known one."""
    for cause in _chain(exc):
        if isinstance(cause, StartupProblem):
            return cause
        if isinstance(cause, FaultlineError):  # e.g. "token 7 not found"
            return StartupProblem(cause.message)
        problem = _database_problem(cause, database_url)
        if problem is not None:
            return problem
    return None


def _database_problem(exc: BaseException, url: str) -> StartupProblem | None:
    import asyncpg  # here: the worker supervisor imports this module but never asyncpg

    where = mask_url(url)
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return StartupProblem(
            f"{exc}: create it (createdb) or fix DATABASE_URL ({where})", EXIT_CONFIG
        )
    if isinstance(
        exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return StartupProblem(
            f"PostgreSQL refused the login of DATABASE_URL ({exc}); fix the user or password "
            f"in {where}",
            EXIT_CONFIG,
        )
    if isinstance(exc, asyncpg.TooManyConnectionsError):
        return StartupProblem(
            f"PostgreSQL has no connection left ({exc}); lower --workers or "
            "FAULTLINE_DB_POOL_SIZE, or raise PostgreSQL's max_connections"
        )
    if isinstance(exc, asyncpg.CannotConnectNowError | asyncpg.ObjectNotInPrerequisiteStateError):
        return StartupProblem(f"PostgreSQL does not accept connections now ({exc}); {where}")
    if isinstance(exc, socket.gaierror):
        return StartupProblem(
            f"unknown database host in DATABASE_URL ({exc.strerror}); fix the host in {where}",
            EXIT_CONFIG,
        )
    if isinstance(exc, TimeoutError):
        return StartupProblem(
            f"the database did not answer in time; is it reachable? DATABASE_URL is {where}"
        )
    if isinstance(exc, ConnectionRefusedError):
        return StartupProblem(
            f"cannot connect to the database (connection refused); is PostgreSQL running at "
            f"the host and port of DATABASE_URL ({where})?"
        )
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return StartupProblem(
            f"the file of DATABASE_URL is not a SQLite database ({where}); point DATABASE_URL "
            "at a new or Faultline file",
            EXIT_CONFIG,
        )
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
        return StartupProblem(
            f"cannot open the SQLite file of DATABASE_URL ({where}); check that its folder "
            "exists and is writable",
            EXIT_CONFIG,
        )
    if isinstance(exc, asyncpg.ClientConfigurationError):
        return StartupProblem(f"DATABASE_URL has a bad parameter: {exc}; fix {where}", EXIT_CONFIG)
    if isinstance(exc, OSError) and url.startswith("sqlite"):
        return StartupProblem(
            f"cannot make or open the SQLite file of DATABASE_URL ({where}): "
            f"{exc.strerror or exc} ({exc.filename}); choose a path in a writable folder",
            EXIT_CONFIG,
        )
    if isinstance(exc, OSError):
        detail = exc.strerror or str(exc)
        return StartupProblem(f"cannot use the database of DATABASE_URL ({where}): {detail}")
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
