"""Server processes under load: a worker killed, the server stopped, workers that cannot start.

A load of real envelope POSTs records the event id of every 200; afterwards every acknowledged
event must be stored exactly once, whatever happened to the processes meanwhile.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import recreate_pg_database
from tests.integration.processes import faultline_env, run_cli, start_logged, stop
from tests.integration.sentry import event_envelope, exception_event
from tests.integration.test_processes import count, create_project, fresh_database

DOWN = "postgres://postgres@127.0.0.1:1/faultline"


class Load:
    """Senders posting events until stopped; `acked` holds the id of every event answered 200."""

    def __init__(self, endpoint: str, key: str, senders: int = 12) -> None:
        self.endpoint = endpoint
        self.headers = {"X-Sentry-Auth": f"Sentry sentry_key={key}"}
        self.senders = senders
        self.acked: list[str] = []
        self.statuses: set[int] = set()
        self.stopped = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def finish(self) -> None:
        self.stopped.set()
        assert self._task is not None
        await asyncio.wait_for(self._task, 30)

    async def _run(self) -> None:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(self._send(http) for _ in range(self.senders)))

    async def _send(self, http: aiohttp.ClientSession) -> None:
        while not self.stopped.is_set():
            event_id = uuid.uuid4().hex  # never resent: a failed request may have been stored
            body = event_envelope({"event_id": event_id, **exception_event(function="load")})
            try:
                async with http.post(self.endpoint, data=body, headers=self.headers) as resp:
                    await resp.read()
                    self.statuses.add(resp.status)
                    if resp.status == 200:
                        self.acked.append(event_id)
            except (aiohttp.ClientError, OSError):
                await asyncio.sleep(0.01)  # the server is restarting or gone: do not spin


async def until(condition: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def assert_acked_stored_once(url: str, tmp_path: Path, acked: list[str]) -> None:
    rows = await count(url, tmp_path, "SELECT event_id, count(*) FROM event GROUP BY event_id")
    stored = {str(uuid.UUID(str(row[0]))).replace("-", ""): row[1] for row in rows}
    assert acked
    assert {event_id: stored.get(event_id) for event_id in acked} == dict.fromkeys(acked, 1)
    assert await count(url, tmp_path, "SELECT sum(event_count) FROM issue") == [(len(rows),)]


async def served_by(server_port: int, pids: set[int], project: dict, key: str) -> int:
    """Post one event on a new connection; the pid of the worker that answered it 200."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server_port)
    try:
        body = event_envelope(exception_event(function="probe"))
        writer.write(
            f"POST /api/{project['id']}/envelope/ HTTP/1.1\r\nHost: x\r\n"
            f"X-Sentry-Auth: Sentry sentry_key={key}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        assert (await asyncio.wait_for(reader.readline(), 30)).split()[1] == b"200"
        # Kept alive: the accepted socket is still open in the process that answered.
        return _owner(server_port, writer.get_extra_info("sockname")[1], pids)
    finally:
        writer.close()


def _owner(server_port: int, client_port: int, pids: set[int]) -> int:
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(f.split(":")[1], 16) for f in fields[1:3])
        if (local, remote) == (server_port, client_port):
            target = f"socket:[{fields[9]}]"
            for pid in pids:
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    if os.readlink(fd) == target:
                        return pid
    raise AssertionError("no worker holds the connection")


async def test_a_killed_worker_is_replaced_while_the_other_serves(tmp_path):
    url = await recreate_pg_database("faultline_supervise")
    env = faultline_env(url)
    project = create_project(env, tmp_path)
    key = uuid.UUID(project["sentry_key"]).hex
    server, port = await start_logged(["--port", "0", "--workers", "2"], env, tmp_path)
    load = Load(f"http://127.0.0.1:{port}/api/{project['id']}/envelope/", key)
    try:
        await server.wait_for_log(r"(worker process \d+ serving[\s\S]*){2}")
        old = server.children()
        assert len(old) == 2
        load.start()
        await until(lambda: len(load.acked) >= 100)
        victim = min(old)
        os.kill(victim, signal.SIGKILL)
        restarted = await server.wait_for_log(
            rf"worker (\d) \(pid {victim}\) was killed by SIGKILL; starting a new one\n"
            r".* worker \1 started \(pid (\d+)\)"
        )
        at_kill = len(load.acked)
        await until(lambda: len(load.acked) >= at_kill + 100)  # the other one serves meanwhile
        new = int(restarted.group(2))
        await server.wait_for_log(rf"worker process {new} serving")
        assert server.children() == old - {victim} | {new}
        owners = {await served_by(port, server.children(), project, key) for _ in range(40)}
        assert new in owners
        await load.finish()
    finally:
        assert await stop(server.proc, 30) == 0
    assert load.statuses == {200}
    await assert_acked_stored_once(url, tmp_path, load.acked)


@pytest.mark.parametrize(
    ("backend", "workers"), [("sqlite", "1"), ("pg", "1"), ("pg", "2")], ids=str
)
async def test_sigterm_under_load_drains_and_exits(tmp_path, backend, workers):
    url = await fresh_database(backend, tmp_path, "faultline_drain")
    env = faultline_env(url)
    project = create_project(env, tmp_path)
    server, port = await start_logged(["--port", "0", "--workers", workers], env, tmp_path)
    key = uuid.UUID(project["sentry_key"]).hex
    load = Load(f"http://127.0.0.1:{port}/api/{project['id']}/envelope/", key)
    load.start()
    try:
        await until(lambda: len(load.acked) >= 150)
        server.proc.terminate()
        # The drain bound is 8 s; stop() kills (and so fails this) only after 30.
        assert await stop(server.proc, 30) == 0
    finally:
        await load.finish()
        await stop(server.proc)
    assert "stopping: draining requests in flight" in server.text()
    assert load.statuses == {200}  # requests in flight were answered, not cut
    await assert_acked_stored_once(url, tmp_path, load.acked)


def test_workers_that_cannot_start_back_off_then_give_up(tmp_path):
    # Six worker processes start one after another (three tries of two), each importing the
    # whole server: over a minute on a loaded machine, though ~10 s on a quiet one.
    done = run_cli(
        ["serve", "--port", "0", "--workers", "2"], faultline_env(DOWN), tmp_path, timeout_s=120
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    cannot = [line for line in lines if line.startswith("faultline: cannot connect")]
    retries = [re.search(r"retrying in (\S+) s", line) for line in lines]
    assert len(cannot) == 3
    assert [m.group(1) for m in retries if m] == ["0.5", "1"]
    assert lines[-1] == (
        "faultline: workers failed to start 3 times in a row (see the errors above); giving up"
    )
    assert "Traceback" not in done.stderr


async def test_workers_stop_at_once_on_a_problem_only_the_configuration_can_fix(tmp_path):
    url = (await recreate_pg_database("faultline_gone")) + "_missing"
    done = run_cli(["serve", "--port", "0", "--workers", "2"], faultline_env(url), tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f'faultline: database "{url.rsplit("/", 1)[1]}" does not exist: create it (createdb) '
        f"or fix DATABASE_URL ({url})"
    ]


async def test_the_start_line_says_what_is_running_and_what_to_do_next(tmp_path):
    url = await recreate_pg_database("faultline_start")
    secret_url = url.replace("postgres@", "postgres:s3cret@", 1)
    env = faultline_env(secret_url, FAULTLINE_PUBLIC_URL="https://errors.example.com")
    server, port = await start_logged(["--port", "0", "--workers", "2"], env, tmp_path)
    try:
        line = await server.wait_for_log(r"Faultline .*")
        version = run_cli(["--version"], env, tmp_path).stdout.split()[1]
        assert line.group(0) == (
            f"Faultline {version} serving http://127.0.0.1:{port} with 2 workers; database "
            f"{url.replace('postgres@', 'postgres:***@', 1)}; DSNs use https://errors.example.com; "
            "no project yet: create one with `faultline project create NAME`"
        )
        assert "s3cret" not in server.text()
        # Its port is taken, even for workers of this user that could share it (SO_REUSEPORT).
        again = run_cli(["serve", "--port", str(port), "--workers", "2"], env, tmp_path)
        assert again.returncode == 1
        assert again.stderr.startswith(f"faultline: port {port} on 127.0.0.1 is already in use")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/health") as r,
        ):
            assert r.status == 200
    finally:
        assert await stop(server.proc) == 0


async def test_workers_of_a_killed_supervisor_stop_instead_of_serving_alone(tmp_path):
    url = await recreate_pg_database("faultline_orphans")
    server, _ = await start_logged(["--port", "0", "--workers", "2"], faultline_env(url), tmp_path)
    await server.wait_for_log(r"(worker process \d+ serving[\s\S]*){2}")
    workers = server.children()
    server.proc.kill()
    server.proc.wait()
    await until(lambda: not any(_running(pid) for pid in workers), 30)
    await server.wait_for_log(r"(the supervisor is gone; stopping[\s\S]*){2}")


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent has not reaped it yet
