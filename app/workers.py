"""Several server processes on one port (SO_REUSEPORT), started and stopped together."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def run_workers(target: Callable[..., None], args: tuple[Any, ...], count: int, name: str) -> int:
    """Run `count` processes of `target(*args)` until SIGTERM/SIGINT or one of them exits.

    Each worker gets SIGTERM to stop (aiohttp then shuts down gracefully); the exit code is 0
    when every worker ended that way.
    """
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=target, args=args, name=f"{name}-{n}") for n in range(count)]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.is_alive():
                worker.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.start()
    while not stopping and all(worker.is_alive() for worker in workers):
        time.sleep(0.2)
    if not stopping:
        log.error("a worker exited; stopping the others")
        stop(signal.SIGTERM, None)
    for worker in workers:
        worker.join()
    return 0 if all(worker.exitcode in (0, -signal.SIGTERM) for worker in workers) else 1
