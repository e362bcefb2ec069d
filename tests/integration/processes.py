"""Real `faultline` processes for tests that need them (CLI, restarts, several servers)."""

from __future__ import annotations

import asyncio
import os
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
    args: list[str], env: Mapping[str, str], cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
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
