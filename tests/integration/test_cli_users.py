"""`faultline user …` as an administrator runs it, and the first-user hint of a fresh install."""

from __future__ import annotations

import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import recreate_pg_database
from tests.integration.processes import faultline_env, run_cli, start_logged, stop

SECRET = "s3cret passphrase"


@pytest.fixture(params=["sqlite", "pg"])
async def cli_env(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[dict[str, str], Path]:
    if request.param == "pg":
        env = faultline_env(await recreate_pg_database("faultline_cli_users"))
    else:
        env = faultline_env(f"sqlite://{tmp_path}/users.sqlite3")
    return env, tmp_path


@pytest.fixture(scope="module", params=["sqlite", "pg"])
async def with_ada(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], Path]:
    """A database holding the user ada@example.com, shared by the refusals: they change
    nothing, so each needs one process of its own, not a fresh database and a `create`."""
    cwd = tmp_path_factory.mktemp("refusals")
    if request.param == "pg":
        env = faultline_env(await recreate_pg_database("faultline_cli_refusals"))
    else:
        env = faultline_env(f"sqlite://{cwd}/users.sqlite3")
    created = _user(["create", "ada@example.com", "--password-stdin"], env, cwd, SECRET)
    assert created.returncode == 0, created.stderr
    return env, cwd


def _user(args: list[str], env: dict[str, str], cwd: Path, stdin: str = ""):
    return run_cli(["user", *args], env, cwd, stdin)


def test_create_list_delete_a_user_with_the_password_on_stdin(cli_env):
    env, cwd = cli_env
    listed = _user(["list"], env, cwd)
    assert listed.stdout == "no users yet; create the first with: faultline user create EMAIL\n"
    done = _user(["create", "Ada@Example.com", "--password-stdin"], env, cwd, SECRET + "\n")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout == "created user ada@example.com; they can sign in at http://127.0.0.1:8080/\n"
    )
    assert SECRET not in done.stdout + done.stderr
    listed = _user(["list"], env, cwd)
    assert re.fullmatch(r"ada@example\.com  created \d{4}-\d\d-\d\d \d\d:\d\d UTC\n", listed.stdout)
    deleted = _user(["delete", "ADA@example.com"], env, cwd)
    assert (deleted.returncode, deleted.stdout) == (
        0,
        "deleted user ada@example.com and ended their sessions\n",
    )
    assert _user(["list"], env, cwd).stdout.startswith("no users yet")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["create", "ada@example.com", "--password-stdin"],
            SECRET,
            "a user with email ada@example.com already exists",
        ),
        (
            ["create", "ADA@EXAMPLE.COM", "--password-stdin"],
            SECRET,
            "a user with email ada@example.com already exists",
        ),
        (
            ["create", "bob@example.com", "--password-stdin"],
            "short\n",
            "password: must be at least 8 characters",
        ),
        (
            ["create", "bob@example.com", "--password-stdin"],
            "\n",
            "password: must be at least 8 characters",
        ),
        (
            ["create", "bob@example.com", "--password-stdin"],
            "x" * 2000,
            "password: must be at most 1024 characters",
        ),
        (
            ["create", "bob at example.com", "--password-stdin"],
            SECRET,
            "email: must be an email address such as you@example.com",
        ),
        (
            ["create", "@example.com", "--password-stdin"],
            SECRET,
            "email: must be an email address such as you@example.com",
        ),
        (["delete", "nobody@example.com"], "", "no user with email nobody@example.com"),
        (
            ["set-password", "nobody@example.com", "--password-stdin"],
            SECRET,
            "no user with email nobody@example.com",
        ),
    ],
)
def test_refusals_are_one_line_and_a_failure_status(with_ada, args, stdin, message):
    env, cwd = with_ada
    done = _user(args, env, cwd, stdin)
    assert done.returncode == 1
    assert done.stderr == f"faultline: {message}\n"
    assert done.stdout == ""


def test_without_a_terminal_or_password_stdin_the_password_is_not_guessed(cli_env):
    env, cwd = cli_env
    done = _user(["create", "ada@example.com"], env, cwd, SECRET + "\n")
    assert done.returncode == 2
    assert done.stderr == (
        "faultline: no terminal to ask for the password on: pipe it in with --password-stdin\n"
    )
    assert _user(["list"], env, cwd).stdout.startswith("no users yet")


async def test_a_fresh_install_names_the_first_user_command_and_the_user_then_signs_in(cli_env):
    env, cwd = cli_env
    server, port = await start_logged(["--port", "0"], env, cwd)
    base = f"http://127.0.0.1:{port}"
    try:
        hint = "no users yet: create the first with: faultline user create EMAIL"
        assert server.text().count(hint) == 1
        created = _user(["create", "ada@example.com", "--password-stdin"], env, cwd, SECRET)
        assert created.returncode == 0, created.stderr
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            login = {"email": "ada@example.com", "password": SECRET}
            async with browser.post(f"{base}/auth/sign-in", json=login) as resp:
                assert resp.status == 200
            changed = _user(
                ["set-password", "ada@example.com", "--password-stdin"], env, cwd, "n3w passphrase"
            )
            assert (changed.returncode, changed.stdout) == (
                0,
                "changed the password of ada@example.com and ended their sessions\n",
            )
            # The old session ended; the old password no longer works, the new one does.
            async with browser.get(f"{base}/auth/session") as resp:
                assert (await resp.json())["user"] is None
            async with browser.post(f"{base}/auth/sign-in", json=login) as resp:
                assert resp.status == 401
            login["password"] = "n3w passphrase"
            async with browser.post(f"{base}/auth/sign-in", json=login) as resp:
                assert resp.status == 200
        assert SECRET not in server.text()
        assert "n3w passphrase" not in server.text()
    finally:
        assert await stop(server.proc) == 0


def _on_a_terminal(args: list[str], env: dict[str, str], cwd: Path, answers: list[str]):
    """Runs `faultline ARGS` on a pseudo-terminal, typing each answer after a `Password` prompt;
    returns (exit status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, which getpass opens
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "app", *args], env)
    shown = b""
    answered = 0  # how much of `shown` the answers so far replied to
    pending = list(answers)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child exited and the terminal closed
                break
            if not chunk:
                break
            shown += chunk
            if pending and shown[answered:].endswith(b": "):  # a new prompt, waiting
                answered = len(shown)
                os.write(fd, pending.pop(0).encode() + b"\n")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode()


def test_create_asks_for_the_password_twice_on_a_terminal_without_echo(cli_env):
    env, cwd = cli_env
    status, shown = _on_a_terminal(
        ["user", "create", "ada@example.com"], env, cwd, [SECRET, SECRET]
    )
    assert status == 0, shown
    assert shown.replace("\r\n", "\n") == (
        "Password: \nPassword (again): \n"
        "created user ada@example.com; they can sign in at http://127.0.0.1:8080/\n"
    )
    status, shown = _on_a_terminal(
        ["user", "set-password", "ada@example.com"], env, cwd, ["n3w passphrase", "typo"]
    )
    assert status == 1
    assert shown.replace("\r\n", "\n").endswith(
        "faultline: the two passwords differ; nothing was changed\n"
    )


async def test_several_workers_name_the_first_user_command_once(tmp_path):
    env = faultline_env(await recreate_pg_database("faultline_users_workers"))
    server, _ = await start_logged(["--port", "0", "--workers", "2"], env, tmp_path)
    try:
        await server.wait_for_log(r"(worker process \d+ serving[\s\S]*){2}")
        assert server.text().count("no users yet: create the first with:") == 1
    finally:
        assert await stop(server.proc) == 0
