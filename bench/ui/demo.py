"""A throwaway Faultline server with realistic data, for screenshots and the UI benchmark.

The server is a real `faultline serve` process on a temporary SQLite file (or the PostgreSQL
database given); projects are made through GraphQL, events sent by the real sentry-sdk, and some
issues resolved or muted through GraphQL, so everything on screen was made by production code.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import sentry_sdk

REPO = Path(__file__).resolve().parents[2]


# The SDK's transport queue holds 100 events and drops the rest: flush well before.
FLUSH_EVERY = 50
EMAIL = "ada@example.com"
PASSWORD = "demo password 1"


@dataclass(frozen=True)
class Demo:
    url: str
    token: str  # for seeding through GraphQL; the browser signs in as EMAIL
    database_url: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        async with aiohttp.ClientSession() as http:
            body = {"query": query, "variables": variables or {}}
            async with http.post(self.url + "/graphql", json=body, headers=self.headers) as resp:
                result = await resp.json()
        if result.get("errors"):
            raise RuntimeError(f"GraphQL errors: {result['errors']}")
        return result["data"]


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAULTLINE_")}
    env.update(PYTHONPATH=str(REPO), DATABASE_URL=database_url, FAULTLINE_LOG_LEVEL="WARNING")
    return env


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"faultline {' '.join(args)}: {done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def demo_server(database_url: str | None = None) -> AsyncIterator[Demo]:
    """A migrated server with an API token and a user; SQLite in a temporary directory unless
    `database_url` names a (fresh) database."""
    with tempfile.TemporaryDirectory(prefix="faultline-demo-") as tmp:
        url = database_url or f"sqlite://{Path(tmp) / 'demo.sqlite3'}"
        env = _env(url)
        _cli(env, "migrate")
        token = _cli(env, "token", "create", "--description", "demo").strip().splitlines()[-1]
        _cli(env, "user", "create", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
        port = _free_port()
        proc = subprocess.Popen(  # noqa: ASYNC220 - only forks; polled below without blocking
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            await _wait_healthy(base, proc)
            yield Demo(url=base, token=token, database_url=url)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


async def _wait_healthy(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}")
            try:
                async with http.get(base + "/health") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start within 30 s")


async def create_project(demo: Demo, name: str) -> dict[str, str]:
    data = await demo.graphql(
        "mutation($n: String!) { createProject(name: $n) { id name dsn } }", {"n": name}
    )
    project: dict[str, str] = data["createProject"]
    return project


@dataclass(frozen=True)
class Problem:
    """One issue to make: an exception (or a message) sent `events` times."""

    exception: type[BaseException] | None
    text: str
    level: str = "error"
    events: int = 1
    environment: str = "production"
    release: str = "1.4.2"
    fingerprint: str = ""
    where: str = "app.views:handle"  # module:function of the frame that raises (the culprit)


def _raise(problem: Problem) -> None:
    assert problem.exception is not None
    raise problem.exception(problem.text)


def _thrower(where: str) -> Callable[[Problem], None]:
    """`_raise` as if defined as `function` in `module`: the event's culprit then reads so."""
    module, function = where.split(":")
    code = _raise.__code__.replace(co_name=function, co_qualname=function)
    return types.FunctionType(code, {"__name__": module, "__builtins__": __builtins__}, function)


def send(dsn: str, problems: list[Problem], *, seed: int = 7) -> None:
    """Send every problem's events with the real SDK (blocking: run it in a thread).

    The first event of each problem is up to 20 days old, the others within the last day, so
    first-seen times and sparklines look lived-in."""
    rng = random.Random(seed)
    now = time.time()
    sentry_sdk.init(
        dsn=dsn,
        auto_session_tracking=False,
        auto_enabling_integrations=False,
        default_integrations=False,
    )
    sent = 0
    try:
        for problem in problems:
            first = now - rng.uniform(0.5, 20) * 86_400
            later = sorted(now - rng.triangular(0, 24, 0) * 3600 for _ in range(problem.events - 1))
            moments = [first, *later]
            for n, moment in enumerate(moments):
                with sentry_sdk.isolation_scope() as scope:
                    scope.fingerprint = [problem.fingerprint or problem.text]
                    scope.set_level(problem.level)
                    scope.set_tag("browser", rng.choice(["Firefox 133", "Chrome 131", "Safari 18"]))
                    scope.set_user(
                        {"id": str(rng.randrange(1, 400)), "email": f"user{n}@example.com"}
                    )
                    _capture(problem, scope, moment)
                sent += 1
                if sent % FLUSH_EVERY == 0:
                    sentry_sdk.flush(timeout=30)
        sentry_sdk.flush(timeout=30)
    finally:
        sentry_sdk.get_client().close(timeout=30)


def _capture(problem: Problem, scope: Any, moment: float) -> None:
    def place(event: dict[str, Any], _hint: Any) -> dict[str, Any]:
        return {
            **event,
            "environment": problem.environment,
            "release": problem.release,
            "timestamp": moment,
        }

    scope.add_event_processor(place)
    if problem.exception is None:
        sentry_sdk.capture_message(problem.text, level=problem.level)
        return
    try:
        _thrower(problem.where)(problem)
    except BaseException as error:  # any exception is what gets captured
        sentry_sdk.capture_exception(error)


async def send_all(dsn: str, problems: list[Problem]) -> None:
    await asyncio.to_thread(send, dsn, problems)


async def set_states(demo: Demo, ids: list[str], state: str) -> None:
    if ids:
        await demo.graphql(
            "mutation($ids: [ID!]!, $s: IssueState!) "
            "{ bulkUpdateIssues(ids: $ids, state: $s) { id } }",
            {"ids": ids, "s": state},
        )


async def issue_ids(
    demo: Demo, project_id: str, pick: Callable[[dict[str, str]], bool]
) -> list[str]:
    data = await demo.graphql(
        "query($p: ID!) { project(id: $p) { issues(first: 100) { edges { node { id title } } } } }",
        {"p": project_id},
    )
    return [e["node"]["id"] for e in data["project"]["issues"]["edges"] if pick(e["node"])]
