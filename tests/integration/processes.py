"""Real `faultline` processes for tests that need them (CLI, restarts, several servers)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]


def faultline_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAULTLINE_")}
    # The checkout under test, whatever the working directory and the installed copy.
    env["PYTHONPATH"] = str(REPO)
    env.update({"DATABASE_URL": database_url, "FAULTLINE_LOG_LEVEL": "WARNING", **extra})
    return env


def run_cli(
    args: list[str],
    env: Mapping[str, str],
    cwd: Path = REPO,
    stdin: str = "",
    timeout_s: float = 60,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=dict(env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


async def start_server(
    port: int, env: Mapping[str, str], cwd: Path = REPO, *args: str
) -> subprocess.Popen[bytes]:
    """`faultline serve` on `port`; returns once /health answers (or raises after 30 s)."""
    # Popen only forks; the server is polled below without blocking the loop.
    proc = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "app", "serve", "--port", str(port), *args],
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"server exited {proc.returncode}: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            try:
                async with http.get(f"http://127.0.0.1:{port}/health") as resp:
                    if resp.status == 200:
                        return proc
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start within 30 s")


async def stop(proc: subprocess.Popen[bytes], timeout_s: float = 10) -> int:
    """SIGTERM, then SIGKILL after `timeout_s`; waits without blocking the test's event loop."""
    if proc.poll() is None:
        proc.terminate()
        deadline = time.monotonic() + timeout_s
        while proc.poll() is None and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.stderr:
        proc.stderr.close()
    return proc.returncode


class LoggedServer:
    """`faultline serve` (any flags, `--port 0` works) whose log goes to a file the test reads."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.proc = proc
        self.log = log

    def text(self) -> str:
        return self.log.read_text()

    async def wait_for_log(self, pattern: str, timeout_s: float = 30) -> re.Match[str]:
        """The first match of `pattern` in the log, once it is there."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text())
            if found:
                return found
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}:\n{self.text()}")
            await asyncio.sleep(0.05)
        raise RuntimeError(f"{pattern!r} not logged within {timeout_s} s:\n{self.text()}")

    def children(self) -> set[int]:
        """Pids of the worker processes the server runs now."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.proc.pid and b"spawn_main" in cmdline:
                found.add(int(stat.parent.name))
        return found


async def start_logged(
    args: list[str], env: Mapping[str, str], cwd: Path
) -> tuple[LoggedServer, int]:
    """`faultline serve ARGS` at log level INFO; returns once its start line names its port."""
    log = cwd / f"server-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: ASYNC220 (only forks; the log is polled below)
            [sys.executable, "-m", "app", "serve", *args],
            env={**env, "FAULTLINE_LOG_LEVEL": "INFO"},
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    server = LoggedServer(proc, log)
    found = await server.wait_for_log(r"Faultline \S+ serving http://127\.0\.0\.1:(\d+)")
    return server, int(found.group(1))
