"""Migrations: each dialect's aerich set builds exactly the models' schema; concurrent starts."""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from app import database
from models import Event, Issue
from tests.conftest import recreate_pg_database
from tests.integration.processes import REPO, faultline_env
from tests.integration.sentry import new_project
from tests.integration.test_search_api import send

# In the order they apply: by number (10 after 9).
MIGRATION_FILES = sorted(
    (p.name for p in (REPO / "migrations" / "postgres" / "models").glob("*.py")),
    key=lambda name: int(name.split("_", 1)[0]),
)

# Every table a migrated database holds: the models' and aerich's own.
FAULTLINE_TABLES = {
    "aerich",
    "alert_attempt",
    "alert_channel",
    "alert_delivery",
    "alert_rule",
    "alert_rule_channel",
    "alert_throttle",
    "api_token",
    "deploy",
    "event",
    "ingest_count",
    "issue",
    "issue_history",
    "issue_hourly",
    "issue_tag",
    "issue_tag_key",
    "project",
    "project_access_token",
    "rate_window",
    "user_account",
    "user_session",
}


def sqlite_schema(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name != 'aerich'"
            )
        ]
        schema: dict[str, object] = {}
        for table in sorted(tables):
            # By name: a column added by a later migration stands last, where a fresh table
            # puts its foreign keys last; the order has no meaning.
            columns = sorted(
                (row[1:] for row in conn.execute(f"PRAGMA table_info('{table}')")),
                key=lambda column: column[0],
            )
            indexes = []
            for _, name, unique, origin, _partial in conn.execute(f"PRAGMA index_list('{table}')"):
                cols = [r[2] for r in conn.execute(f"PRAGMA index_info('{name}')")]
                indexes.append((cols, unique, origin))
            fks = conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall()
            schema[table] = {
                "columns": columns,
                "indexes": sorted(indexes),
                "fks": sorted(f[2:] for f in fks),
            }
        return schema


async def pg_schema(url: str) -> dict[str, object]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length "
            "FROM information_schema.columns WHERE table_schema='public' AND table_name != 'aerich' "
            "ORDER BY table_name, column_name"
        )
        indexes = await conn.fetch(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname='public' AND tablename != 'aerich' ORDER BY 1, 2"
        )
        constraints = await conn.fetch(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace='public'::regnamespace AND conrelid::regclass::text != 'aerich' ORDER BY 1, 2"
        )
    finally:
        await conn.close()
    return {
        "columns": [tuple(r) for r in columns],
        "indexes": [tuple(r) for r in indexes],
        "constraints": [tuple(r) for r in constraints],
    }


async def generate_from_models(url: str) -> None:
    with TortoiseContext():
        await Tortoise.init(config=database.tortoise_config(url, pool_size=1))
        try:
            await Tortoise.generate_schemas(safe=False)
        finally:
            await Tortoise.close_connections()


async def test_sqlite_migrations_build_the_models_schema(tmp_path):
    migrated, generated = tmp_path / "migrated.sqlite3", tmp_path / "generated.sqlite3"
    assert await database.migrate(f"sqlite://{migrated}") == MIGRATION_FILES
    assert await database.migrate(f"sqlite://{migrated}") == []
    await generate_from_models(f"sqlite://{generated}")
    assert sqlite_schema(migrated) == sqlite_schema(generated)


async def test_postgres_migrations_build_the_models_schema():
    migrated = await recreate_pg_database("faultline_migrated")
    generated = await recreate_pg_database("faultline_generated")
    assert await database.migrate(migrated) == MIGRATION_FILES
    assert await database.migrate(migrated) == []
    await generate_from_models(generated)
    assert await pg_schema(migrated) == await pg_schema(generated)


@pytest.mark.parametrize("processes", [4])
async def test_concurrent_starts_on_one_postgres_apply_each_migration_once(processes):
    url = await recreate_pg_database("faultline_race")
    env = faultline_env(url)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app",
            "migrate",
            env=env,
            cwd=REPO,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    try:  # each waits for the migration lock at most its 60 s, then gives up
        results = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 90)
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
    assert [p.returncode for p in procs] == [0] * processes, [r[1].decode() for r in results]
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        versions = [r[0] for r in await conn.fetch("SELECT version FROM aerich ORDER BY id")]
        tables = {
            r[0]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        }
    finally:
        await conn.close()
    assert versions == MIGRATION_FILES
    assert tables == FAULTLINE_TABLES


def migration_sql(dialect: str, suffix: str, name: str) -> str:
    (path,) = (REPO / "migrations" / dialect / "models").glob(f"*_{suffix}.py")
    spec = importlib.util.spec_from_file_location(f"migration_{suffix}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(getattr(module, name))


async def test_existing_issues_keep_exact_tags_only_where_provably_complete(
    http, database_url, server
):
    project = await new_project(server, "Old")
    minute = timedelta(minutes=1)
    tags = {"customer": "tenant-1", "environment": "a tag never counted"}
    await send(http, project, "complete", minute, tags=tags)
    await send(http, project, "complete", minute, tags={"customer": "tenant-2"}, release="1.0")
    await send(http, project, "untagged", minute)
    await send(http, project, "key too long", minute, tags={"k" * 33: "v"})
    await send(http, project, "newline", minute, tags={"customer": "a\nb"})
    for _ in range(2):
        await send(http, project, "deleted event", minute, tags={"customer": "tenant-3"})
    deleted = await Issue.get(project_id=project.id, title__contains="deleted event")
    await Event.filter(id=(await Event.filter(issue_id=deleted.id).first()).id).delete()
    # Before the migration every issue had the column's default; the migration proves it.
    await Issue.filter(project_id=project.id).update(tags_exact=True)
    dialect = "postgres" if database_url.startswith("postgres") else "sqlite"
    await Issue._meta.db.execute_script(migration_sql(dialect, "issue_tags_exact", "PROVE"))
    found = dict(await Issue.filter(project_id=project.id).values_list("message", "tags_exact"))
    assert found == {
        "complete": True,
        "untagged": True,
        "key too long": False,
        "newline": False,
        "deleted event": False,
    }
