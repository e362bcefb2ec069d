"""Every way to start `faultline` wrongly: one line saying what is wrong and what to do.

Each case runs the real command and checks its exact stderr, its exit status, that no traceback
is shown (unless asked with --debug), and that a refused command leaves no file behind.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from app.database import MIGRATION_LOCK_KEY
from tests.conftest import PG_ADMIN_URL, pg_url, recreate_pg_database
from tests.integration.processes import faultline_env, run_cli
from tests.integration.test_migrations import FAULTLINE_TABLES

PG = PG_ADMIN_URL.rstrip("/")
PG_HOST = PG.split("@", 1)[1]
DOWN = "postgres://postgres@127.0.0.1:1/faultline"
EXAMPLE = "e.g. sqlite://./data/faultline.sqlite3 or postgres://user:password@host:5432/faultline"

CASES = [
    # (command line, DATABASE_URL, extra environment, exit status, the line on stderr)
    (
        ["migrate"],
        "mysql://app:secret@db/app",
        {},
        2,
        "faultline: DATABASE_URL must start with sqlite:// or postgres://, got "
        f"'mysql://app:***@db/app'; {EXAMPLE}",
    ),
    (
        ["migrate"],
        "just garbage",
        {},
        2,
        f"faultline: DATABASE_URL must start with sqlite:// or postgres://, got 'just garbage'; {EXAMPLE}",
    ),
    (["migrate"], "sqlite://", {}, 2, f"faultline: DATABASE_URL names no SQLite file; {EXAMPLE}"),
    (
        ["migrate"],
        "postgres://u:pw@host:99999/db",
        {},
        2,
        "faultline: DATABASE_URL is not a valid URL: its host or port cannot be read "
        f"(percent-encode special characters of the password); {EXAMPLE}",
    ),
    (
        ["migrate"],
        "postgres://app:pa#ss@db/app",
        {},
        2,
        "faultline: DATABASE_URL is not a valid URL: its host or port cannot be read "
        f"(percent-encode special characters of the password); {EXAMPLE}",
    ),
    (
        ["migrate"],
        "POSTGRES://app@db/app",
        {},
        2,
        "faultline: DATABASE_URL must start with sqlite:// or postgres://, got "
        f"'POSTGRES://app@db/app'; {EXAMPLE}",
    ),
    (
        ["token", "delete", "99999999999999999999"],
        None,
        {},
        2,
        "faultline token delete: argument id: must be a number from 1 to 2147483647 "
        "(see faultline token delete --help)",
    ),
    (
        ["migrate"],
        "postgres://u:pw@host:5432",
        {},
        2,
        "faultline: DATABASE_URL must name a host and a database, got "
        f"'postgres://u:***@host:5432'; {EXAMPLE}",
    ),
    (
        ["migrate"],
        DOWN,
        {},
        1,
        "faultline: cannot connect to the database (connection refused); is PostgreSQL running "
        f"at the host and port of DATABASE_URL ({DOWN})?",
    ),
    (
        ["token", "list"],
        f"postgres://nobody:secret@{PG_HOST}/faultline",
        {},
        2,
        'faultline: PostgreSQL refused the login of DATABASE_URL (role "nobody" does not exist); '
        f"fix the user or password in postgres://nobody:***@{PG_HOST}/faultline",
    ),
    (
        ["migrate"],
        pg_url("faultline_no_such_database"),
        {},
        2,
        'faultline: database "faultline_no_such_database" does not exist: create it (createdb) '
        f"or fix DATABASE_URL ({pg_url('faultline_no_such_database')})",
    ),
    (
        ["migrate"],
        "postgres://postgres@no-such-host.invalid:5432/faultline",
        {},
        2,
        "faultline: unknown database host in DATABASE_URL (Name or service not known); fix the "
        "host in postgres://postgres@no-such-host.invalid:5432/faultline",
    ),
    (
        ["migrate"],
        pg_url("postgres"),
        {},
        2,
        "faultline: database 'postgres' is PostgreSQL's own; point DATABASE_URL at a database of "
        "Faultline's own (createdb faultline), or pass --allow-foreign-tables to add Faultline's "
        "tables to it",
    ),
    (
        ["migrate"],
        "sqlite:///proc/faultline/f.sqlite3",
        {},
        2,
        "faultline: cannot make or open the SQLite file of DATABASE_URL "
        "(sqlite:///proc/faultline/f.sqlite3): No such file or directory (/proc/faultline); "
        "choose a path in a writable folder",
    ),
    (
        ["migrate"],
        "postgres://postgres@localhost/faultline?maxsize=lots",
        {},
        2,
        "faultline: DATABASE_URL parameter maxsize must be a number of connections from 1 to "
        "1000, got 'lots'",
    ),
    (
        ["migrate"],
        pg_url("postgres?sslmode=sometimes"),
        {},
        2,
        "faultline: DATABASE_URL has a bad parameter: `sslmode` parameter must be one of: "
        "disable, allow, prefer, require, verify-ca, verify-full; fix "
        f"{pg_url('postgres?sslmode=sometimes')}",
    ),
    (
        ["serve", "--host", "http://0.0.0.0"],
        None,
        {},
        2,
        "faultline: --host / FAULTLINE_HOST must be an address or host name such as 127.0.0.1, "
        "0.0.0.0 or ::, got 'http://0.0.0.0'",
    ),
    (
        ["serve", "--host", "no-such-host.invalid"],
        None,
        {},
        2,
        "faultline: cannot listen on 'no-such-host.invalid': unknown host (Name or service not "
        "known); set --host / FAULTLINE_HOST to an address of this machine, e.g. 127.0.0.1 or 0.0.0.0",
    ),
    (
        ["serve", "--host", "192.0.2.1"],
        None,
        {},
        2,
        "faultline: cannot listen on 192.0.2.1: not an address of this machine; set --host / "
        "FAULTLINE_HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0",
    ),
    (
        ["serve", "--port", "65536"],
        None,
        {},
        2,
        "faultline: --port / FAULTLINE_PORT must be between 0 and 65535 (0 picks a free port), got 65536",
    ),
    (
        ["serve", "--port", "-1"],
        None,
        {},
        2,
        "faultline: --port / FAULTLINE_PORT must be between 0 and 65535 (0 picks a free port), got -1",
    ),
    (
        ["serve", "--port", "http"],
        None,
        {},
        2,
        "faultline serve: argument --port: invalid int value: 'http' (see faultline serve --help)",
    ),
    (
        ["migrate"],
        None,
        {"FAULTLINE_PORT": "9" * 5000},
        2,
        f"faultline: FAULTLINE_PORT must be an integer, got '{'9' * 60}…'",
    ),
    (
        ["serve"],
        None,
        {"FAULTLINE_LOG_LEVEL": "LOUD"},
        2,
        "faultline: FAULTLINE_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'",
    ),
    (
        ["serve", "--workers", "0"],
        None,
        {},
        2,
        "faultline: --workers / FAULTLINE_WORKERS must be between 1 and 64, got 0",
    ),
    (
        ["serve", "--public-url", "errors.example.com"],
        None,
        {},
        2,
        "faultline: --public-url / FAULTLINE_PUBLIC_URL must be an http:// or https:// URL such as "
        "https://errors.example.com, got 'errors.example.com'",
    ),
    (
        ["migrate"],
        None,
        {"FAULTLINE_MIGRATION_LOCK_TIMEOUT_S": "0"},
        2,
        "faultline: FAULTLINE_MIGRATION_LOCK_TIMEOUT_S must be at least 1, got 0",
    ),
    (
        ["migrate"],
        None,
        {"FAULTLINE_SMTP_URL": "smtp://alerts:hunter2@mail.example.com:5870000"},
        2,
        "faultline: FAULTLINE_SMTP_URL has no readable host or port (a port is 1 to 65535; "
        "percent-encode special characters of the password); e.g. "
        "smtp://user:password@mail.example.com:587?starttls=1 or smtps://mail.example.com",
    ),
    (
        ["serve"],
        None,
        {"FAULTLINE_SMTP_URL": "smtps://alerts:hunter2@mail.example.com"},
        2,
        "faultline: FAULTLINE_EMAIL_FROM must be set when FAULTLINE_SMTP_URL is",
    ),
    (["frobnicate"], None, {}, 2, None),  # argparse's choice list, on one line
    (
        [],
        None,
        {},
        2,
        "faultline: the following arguments are required: COMMAND (see faultline --help)",
    ),
]


@pytest.mark.parametrize(("args", "url", "extra", "status", "line"), CASES)
def test_a_bad_start_is_one_plain_line(tmp_path, args, url, extra, status, line):
    env = faultline_env(url or f"sqlite://{tmp_path}/data/f.sqlite3", **extra)
    done = run_cli(args, env, tmp_path)
    assert done.returncode == status
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    if line is not None:
        assert done.stderr.strip() == line
    assert list(tmp_path.iterdir()) == []  # refused before any file or folder was made


def test_a_taken_port_is_named(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for workers in ("1", "2"):
            done = run_cli(
                ["serve", "--port", str(port), "--workers", workers],
                faultline_env(pg_url("faultline_unused")),
                tmp_path,
            )
            assert done.returncode == 1
            assert done.stderr.strip() == (
                f"faultline: port {port} on 127.0.0.1 is already in use; stop the program using "
                "it or choose another --port / FAULTLINE_PORT (0 picks a free one)"
            )


def test_debug_adds_the_traceback(tmp_path):
    for how in (["--debug", "migrate"], ["migrate", "--debug"]):
        done = run_cli(how, faultline_env(DOWN), tmp_path)
        assert done.returncode == 1
        assert "Traceback" in done.stderr
        assert done.stderr.strip().splitlines()[-1].startswith("faultline: cannot connect")
    done = run_cli(["migrate"], faultline_env(DOWN, FAULTLINE_LOG_LEVEL="debug"), tmp_path)
    assert "Traceback" in done.stderr


def test_a_sqlite_file_of_another_application_is_left_alone(tmp_path):
    path = tmp_path / "app.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    env = faultline_env(f"sqlite://{path}")
    done = run_cli(["migrate"], env, tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"faultline: database '{path}' holds tables of another application (users); point "
        "DATABASE_URL at a database of Faultline's own (createdb faultline), or pass "
        "--allow-foreign-tables to add Faultline's tables to it"
    )
    with sqlite3.connect(path) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("users",)]
    # Asked for, the tables are added; from then on the database is Faultline's.
    assert run_cli(["migrate", "--allow-foreign-tables"], env, tmp_path).returncode == 0
    assert run_cli(["migrate"], env, tmp_path).returncode == 0


async def test_a_postgres_database_of_another_application_is_left_alone(tmp_path):
    url = await recreate_pg_database("faultline_foreign")
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("CREATE SCHEMA billing")
        await conn.execute("CREATE TABLE billing.invoice (id int)")
        env = faultline_env(url)
        done = run_cli(["project", "create", "web"], env, tmp_path)
        assert done.returncode == 2
        assert done.stderr.strip() == (
            f"faultline: database '{url.rsplit('/', 1)[1]}' holds tables of another application "
            "(invoice); point DATABASE_URL at a database of Faultline's own (createdb faultline), "
            "or pass --allow-foreign-tables to add Faultline's tables to it"
        )
        assert await public_tables(conn) == set()
        assert run_cli(["--allow-foreign-tables", "migrate"], env, tmp_path).returncode == 0
        assert await public_tables(conn) == FAULTLINE_TABLES
        assert run_cli(["project", "create", "web"], env, tmp_path).returncode == 0
    finally:
        await conn.close()


async def public_tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {row[0] for row in rows}


async def test_a_held_migration_lock_times_out_with_one_line(tmp_path):
    url = await recreate_pg_database("faultline_lock")
    holder = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        done = run_cli(
            ["migrate"], faultline_env(url, FAULTLINE_MIGRATION_LOCK_TIMEOUT_S="1"), tmp_path
        )
    finally:
        await holder.close()
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "faultline: another process has held the migration lock for more than 1 s; wait for it "
        "to finish (or end it: pg_stat_activity shows its session) and retry, or raise "
        "FAULTLINE_MIGRATION_LOCK_TIMEOUT_S"
    )
    # Released, the same command goes through.
    assert run_cli(["migrate"], faultline_env(url), tmp_path).returncode == 0


def test_version(tmp_path):
    done = run_cli(["--version"], faultline_env(""), tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip().startswith("faultline ")
    assert done.stdout.strip() != "faultline unknown"


def test_global_options_work_before_and_after_the_command(tmp_path):
    url = f"sqlite://{tmp_path}/opt.sqlite3"
    env = faultline_env(f"sqlite://{tmp_path}/other/x.sqlite3")
    assert run_cli(["--database-url", url, "project", "create", "a"], env, tmp_path).returncode == 0
    assert run_cli(["project", "create", "b", "--database-url", url], env, tmp_path).returncode == 0
    listed = run_cli(["project", "list", "--database-url", url], env, tmp_path)
    assert [p["name"] for p in json.loads(listed.stdout)] == ["a", "b"]
    assert not (tmp_path / "other").exists()  # DATABASE_URL was overridden each time
    assert Path(url.removeprefix("sqlite://")).is_file()
