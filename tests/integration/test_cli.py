"""The `faultline` command as a user runs it: tokens, projects, migrate, configuration errors."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import free_port, recreate_pg_database
from tests.integration.processes import faultline_env, run_cli, start_server, stop


@pytest.fixture(params=["sqlite-default", "pg"])
async def cli_env(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[dict[str, str], Path]:
    if request.param == "pg":
        env = faultline_env(await recreate_pg_database("faultline_cli"))
    else:  # no DATABASE_URL at all: the zero-config SQLite file under ./data/
        env = faultline_env("")
        del env["DATABASE_URL"]
    env["FAULTLINE_PUBLIC_URL"] = "https://errors.example.com/sub"
    return env, tmp_path


def test_token_create_prints_the_token_alone_on_the_last_line(cli_env):
    env, cwd = cli_env
    done = run_cli(["token", "create", "--description", "deploy bot"], env, cwd)
    assert done.returncode == 0, done.stderr
    last = done.stdout.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"[0-9a-f]{40}", last)
    listed = run_cli(["token", "list"], env, cwd)
    (row,) = json.loads(listed.stdout)
    assert row["token"] == last[:4] + "...****"
    assert row["description"] == "deploy bot"
    assert last not in listed.stdout
    deleted = run_cli(["token", "delete", str(row["id"])], env, cwd)
    assert deleted.returncode == 0
    assert json.loads(run_cli(["token", "list"], env, cwd).stdout) == []


def test_project_create_prints_the_rest_shape_with_dsn(cli_env):
    env, cwd = cli_env
    done = run_cli(["project", "create", "Billing Service"], env, cwd)
    assert done.returncode == 0, done.stderr
    project = json.loads(done.stdout)
    key = uuid.UUID(project["sentry_key"])
    assert project["name"] == "Billing Service"
    assert project["slug"] == "billing-service"
    assert project["dsn"] == f"https://{key.hex}@errors.example.com/sub/{project['id']}"
    assert json.loads(run_cli(["project", "list"], env, cwd).stdout) == [project]


def test_zero_config_creates_the_sqlite_file_under_data(tmp_path):
    env = faultline_env("")
    del env["DATABASE_URL"]
    assert run_cli(["migrate"], env, tmp_path).returncode == 0
    assert (tmp_path / "data" / "faultline.sqlite3").is_file()


def test_deleting_an_unknown_token_fails_clearly(cli_env):
    env, cwd = cli_env
    done = run_cli(["token", "delete", "424242"], env, cwd)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "faultline: token 424242 not found"


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("FAULTLINE_PORT", "eighty", "faultline: FAULTLINE_PORT must be an integer, got 'eighty'"),
        (
            "FAULTLINE_RATE_LIMIT_PER_MINUTE",
            "-5",
            "faultline: FAULTLINE_RATE_LIMIT_PER_MINUTE must not be negative, got -5",
        ),
    ],
)
def test_bad_environment_is_reported_with_its_name(tmp_path, var, value, message):
    done = run_cli(
        ["migrate"], faultline_env(f"sqlite://{tmp_path}/x.sqlite3", **{var: value}), tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip() == message


def test_help_names_the_environment_variables(tmp_path):
    env = faultline_env("")
    top = run_cli(["--help"], env, tmp_path).stdout
    serve = run_cli(["serve", "--help"], env, tmp_path).stdout
    assert "DATABASE_URL" in top
    for var in ("FAULTLINE_HOST", "FAULTLINE_PORT", "FAULTLINE_PUBLIC_URL"):
        assert var in serve


async def test_a_token_from_the_cli_opens_the_api_of_a_served_database(tmp_path):
    env = faultline_env(f"sqlite://{tmp_path}/f.sqlite3")
    token = run_cli(["token", "create"], env, tmp_path).stdout.splitlines()[-1]
    project = json.loads(run_cli(["project", "create", "web"], env, tmp_path).stdout)
    port = free_port()
    proc = await start_server(port, env, tmp_path)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                f"http://127.0.0.1:{port}/api/projects",
                headers={"Authorization": f"Bearer {token}"},
            ) as resp,
        ):
            assert resp.status == 200
            body = await resp.json()
    finally:
        assert await stop(proc) == 0
    # The served DSN follows the serving host and port when FAULTLINE_PUBLIC_URL is unset.
    assert body["data"][0]["dsn"] == project["dsn"].replace(":8080/", f":{port}/")
