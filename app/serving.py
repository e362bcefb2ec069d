"""One server process: bind, migrate, listen, serve until SIGTERM or SIGINT, then drain.

The drain goes: stop accepting → requests in flight finish (their events are committed; at most
DRAIN_TIMEOUT_S) → the event writer stores what is still pending → the database closes → exit.
The module imports the web stack only when it serves: the worker supervisor imports it too.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import socket
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from app.config import Settings, mask_url, version
from app.problems import bind_problem, report

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.synchronize import Event

log = logging.getLogger("faultline")

# Below the 10 s a container gets between SIGTERM and SIGKILL (Docker's default).
DRAIN_TIMEOUT_S = 8.0
# The whole stop: the drain, then storing what is pending and closing the database.
STOP_TIMEOUT_S = DRAIN_TIMEOUT_S + 10
# How often a worker checks that its supervisor is still there.
ORPHAN_CHECK_S = 1.0
# Allocations between young-generation collections (Python's default: 700). A GraphQL page or
# an event payload allocates tens of thousands of objects that die with the request; collecting
# every 700 walks them again and again (about 7% of a page's CPU, measured).
GC_YOUNG_THRESHOLD = 10_000


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("tortoise").setLevel(logging.WARNING)


def bind(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to host:port (0 = a free port), not yet listening.

    With `reuse_port`, other sockets of this user may bind the port too: the workers' listeners
    next to the supervisor's reservation.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        # IPv4 first: "localhost" then means 127.0.0.1, where clients look first.
        family, kind, proto, _, address = min(infos, key=lambda info: info[0] != socket.AF_INET)
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise bind_problem(exc, host, port) from exc
    try:
        # REUSEADDR: a restart need not wait for the last run's connections in TIME_WAIT.
        option = socket.SO_REUSEPORT if reuse_port else socket.SO_REUSEADDR
        sock.setsockopt(socket.SOL_SOCKET, option, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise bind_problem(exc, host, port) from exc
    sock.setblocking(False)
    return sock


def reserve(host: str, port: int) -> socket.socket:
    """The supervisor's hold on the workers' port: bound with SO_REUSEPORT, never listening.

    A plain bind first, so that a port another server holds (even one of this user with
    SO_REUSEPORT) is refused instead of shared.
    """
    with bind(host, port) as probe:
        port = bound_port(probe)
    return bind(host, port, reuse_port=True)


def bound_port(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def serve_alone(settings: Settings) -> int:
    """`faultline serve` with one process: this one."""
    sock = bind(settings.host, settings.port, reuse_port=False)
    with sock:
        _run(replace(settings, port=bound_port(sock)), sock, first=True, migrated=None, ready=None)
    return 0


def worker(settings: Settings, first: bool, migrated: Event, ready: Connection) -> None:
    """Entry point of a worker process; the first one migrates and announces the server."""
    setup_logging(settings.log_level)
    try:
        with bind(settings.host, settings.port, reuse_port=True) as sock:
            _run(settings, sock, first=first, migrated=migrated, ready=ready)
    except Exception as exc:
        sys.exit(report(exc, settings))
    sys.exit(0)


def _run(
    settings: Settings,
    sock: socket.socket,
    *,
    first: bool,
    migrated: Event | None,
    ready: Connection | None,
) -> None:
    with asyncio.Runner(loop_factory=_new_event_loop) as runner:
        runner.run(_serve(settings, sock, first=first, migrated=migrated, ready=ready))


async def _serve(
    settings: Settings,
    sock: socket.socket,
    *,
    first: bool,
    migrated: Event | None,
    ready: Connection | None,
) -> None:
    from aiohttp import web

    from app.server import create_app

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if not first and migrated is not None:
        while not await asyncio.to_thread(migrated.wait, 0.2):
            if stop.is_set():
                return  # stopped before the first worker had migrated
    runner = web.AppRunner(
        create_app(settings, migrate=first),
        handle_signals=False,
        shutdown_timeout=DRAIN_TIMEOUT_S,
        access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
    )
    await runner.setup()  # migrations and the database connections
    tune_collector()
    if first and migrated is not None:
        migrated.set()
    watch: asyncio.Task[None] | None = None
    try:
        await web.SockSite(runner, sock).start()
        if first:
            log.info("%s", await _start_line(settings))
        if ready is not None:
            log.info("worker process %d serving", os.getpid())
            ready.send(os.getpid())
            ready.close()
            watch = asyncio.create_task(_stop_when_orphaned(stop))
        await stop.wait()
        log.info("process %d stopping: draining requests in flight", os.getpid())
    finally:
        if watch is not None:
            watch.cancel()
        try:
            await asyncio.wait_for(runner.cleanup(), STOP_TIMEOUT_S)
        except TimeoutError:  # a database that hangs: what was acknowledged is stored already
            log.error("process %d: stopping took over %g s; exiting", os.getpid(), STOP_TIMEOUT_S)


def tune_collector() -> None:
    """What is loaded by now (modules, the GraphQL schema, the models) lives as long as the
    process: frozen, the collector stops walking it on every full collection."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD)


async def _start_line(settings: Settings) -> str:
    from models import Project

    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    line = (
        f"Faultline {version()} serving http://{host}:{settings.port} "
        f"with {settings.workers} worker{'s' * (settings.workers > 1)}; "
        f"database {mask_url(settings.database_url)}; DSNs use {settings.base_url}"
    )
    if not await Project.filter(deleted_at__isnull=True).exists():
        line += "; no project yet: create one with `faultline project create NAME`"
    return line


async def _stop_when_orphaned(stop: asyncio.Event) -> None:
    """A worker whose supervisor died (SIGKILL) drains and exits instead of serving alone."""
    parent = os.getppid()
    while os.getppid() == parent:  # noqa: ASYNC110 (no event tells a process its parent died)
        await asyncio.sleep(ORPHAN_CHECK_S)
    log.warning("process %d: the supervisor is gone; stopping", os.getpid())
    stop.set()


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (Linux, macOS): the same server with less CPU per request."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop
