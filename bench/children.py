"""The processes the benchmark starts: their lifecycle, the server's command and environment."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import IO, Any

import aiohttp

from app.serving import bind, bound_port
from bench.common import REPO, BenchError, log

START_TIMEOUT_S = 60.0


class Children:
    """Every process the bench starts, each in its own process group, all stopped at the end.

    Own process groups keep a Ctrl-C in the terminal away from them (the bench stops them in
    order instead), and let a server's worker processes be killed with it if need be.
    """

    def __init__(self) -> None:
        self._running: dict[int, tuple[str, asyncio.subprocess.Process]] = {}

    async def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        stdin: int | None = subprocess.DEVNULL,
        stdout: int | IO[Any] | None = subprocess.DEVNULL,
        stderr: int | IO[Any] | None = None,
    ) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            *command,
            env=env,
            cwd=REPO,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        self._running[process.pid] = (name, process)
        return process

    async def stop(self, process: asyncio.subprocess.Process, timeout_s: float = 20.0) -> int:
        """SIGTERM (the server drains and exits), SIGKILL to its group after `timeout_s`."""
        name, _ = self._running.pop(process.pid, ("?", process))
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout_s)
            except TimeoutError:
                log(f"{name} (pid {process.pid}) did not stop in {timeout_s:.0f} s; killing it")
        # Whatever is left of its group (workers whose supervisor died, say): SIGKILL.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.returncode is None:
            await process.wait()
        return process.returncode if process.returncode is not None else -1

    async def stop_all(self) -> None:
        for _, process in list(self._running.values())[::-1]:
            await self.stop(process, timeout_s=10.0)

    def kill_all(self) -> None:
        """Last resort, without an event loop: SIGKILL every group still registered."""
        for pid in list(self._running):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        self._running.clear()


def free_port() -> int:
    with bind("127.0.0.1", 0) as sock:
        return bound_port(sock)


def faultline_command() -> list[str]:
    script = Path(sys.executable).with_name("faultline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app"]


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    # This checkout's code: the `faultline` script imports whichever copy is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["DATABASE_URL"] = database_url
    env["FAULTLINE_LOG_LEVEL"] = "WARNING"
    return env


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


async def wait_healthy(
    process: asyncio.subprocess.Process, port: int, log_path: Path | None
) -> float:
    """Seconds until GET /health answers 200; raises when the process exits or times out."""
    started = time.perf_counter()
    deadline = started + START_TIMEOUT_S
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while time.perf_counter() < deadline:
            if process.returncode is not None:
                logs = tail(log_path) if log_path else ""
                raise BenchError(f"server exited with {process.returncode}:\n{logs}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            await asyncio.sleep(0.1)
    raise BenchError(f"server did not answer /health within {START_TIMEOUT_S:.0f} s")


async def start_server(
    children: Children,
    database_url: str,
    workers: int,
    log_path: Path,
    env: dict[str, str] | None = None,
) -> tuple[asyncio.subprocess.Process, int, float]:
    """`faultline serve` on a free port: the process, its port, seconds until healthy;
    `env` adds to (or overrides) the environment it gets."""
    port = free_port()
    extra = ["--workers", str(workers)] if workers > 1 else []
    with log_path.open("wb") as log_file:
        server = await children.start(
            "faultline server",
            [*faultline_command(), "serve", "--port", str(port), *extra],
            env={**server_env(database_url), **(env or {})},
            stdout=log_file,
            stderr=log_file,
        )
    startup_s = await wait_healthy(server, port, log_path)
    await asyncio.sleep(1.0)  # let spawned workers settle (all answer /health by now)
    log(f"server: pid {server.pid} on port {port}, healthy after {startup_s:.1f} s")
    return server, port, startup_s


def run_bench(
    run: Callable[[Children], Awaitable[dict[str, Any]]],
    output: Path,
    render: Callable[[dict[str, Any]], str],
    check: bool,
) -> int:
    """Runs a bench to its report (JSON to `output`, text printed); every child stopped after.

    SIGTERM ends the run like Ctrl-C does: cancelled, through the orderly stop. Exit status 1
    on a BenchError, or with `check` when a target is missed.
    """
    children = Children()

    async def amain() -> dict[str, Any]:
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            return await run(children)
        finally:
            await asyncio.shield(children.stop_all())

    try:
        report = asyncio.run(amain())
    except (KeyboardInterrupt, asyncio.CancelledError):
        log("interrupted; every process the bench started was stopped")
        return 130
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        children.kill_all()  # only if the orderly stop above could not finish
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"  report: {output}")
    return 1 if check and not report["summary"]["all_targets_met"] else 0


class LoadProcess:
    """The load generator's process and its JSON-lines protocol (bench/load.py)."""

    def __init__(self, process: asyncio.subprocess.Process, client: str) -> None:
        self.process = process
        self.client = client

    async def read(self, timeout_s: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout_s)
        if not line:
            raise BenchError(f"the load generator exited ({self.process.returncode})")
        message: dict[str, Any] = json.loads(line)
        return message

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()

    async def run(
        self,
        url: str,
        headers: dict[str, str],
        concurrency: int,
        duration: float,
        surface: str = "sentry",
    ) -> dict[str, Any]:
        await self.send(
            {
                "cmd": "run",
                "url": url,
                "headers": headers,
                "concurrency": concurrency,
                "duration": duration,
                "client": self.client,
                "surface": surface,
            }
        )
        return await self.read(timeout_s=duration + 120)
