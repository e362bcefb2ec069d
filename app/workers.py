"""The worker supervisor: keeps `count` server processes serving one port until SIGTERM/SIGINT.

All workers start at once; the first migrates while the others wait for it. A worker that dies
is replaced at once if it had been serving, after a growing delay if it died before serving
(port taken, database gone). When no worker serves and starts keep failing, the supervisor
gives up. SIGTERM or SIGINT is passed to every worker, which drains; one still running after
`stop_timeout_s` is killed. This module imports no part of the web stack: the supervisor stays
small.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger("faultline")

FIRST_RETRY_DELAY_S = 0.5
MAX_RETRY_DELAY_S = 10.0
# Failed starts in a row, with no worker serving, before the supervisor gives up.
GIVE_UP_AFTER = 3
EXIT_CONFIG = 2  # a worker that exits with this at startup will not do better on a retry


@dataclass
class _Slot:
    number: int
    process: BaseProcess | None = None
    ready: Connection | None = None  # read end; the worker sends its pid once it serves
    serving: bool = False
    failures: int = 0  # failed starts in a row
    start_at: float | None = None  # monotonic time of the next start, when not running


def run_workers(
    target: Callable[..., None], args: tuple[Any, ...], count: int, *, stop_timeout_s: float
) -> int:
    """Run `target(*args, first, migrated, ready)` in `count` processes; the exit status.

    `first` tells the worker to migrate, then set the `migrated` event the others wait for.
    """
    return _Supervisor(target, args, count, stop_timeout_s).run()


class _Supervisor:
    def __init__(
        self,
        target: Callable[..., None],
        args: tuple[Any, ...],
        count: int,
        stop_timeout_s: float,
    ) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._target = target
        self._args = args
        self._slots = [_Slot(n) for n in range(count)]
        self._stop_timeout_s = stop_timeout_s
        self._stopping = False
        self._migrated = False  # once a worker has served, migrations are done
        self._migrations_done = self._context.Event()
        self._failures_in_a_row = 0
        self._wake_r, self._wake_w = socket.socketpair()

    def run(self) -> int:
        self._wake_w.setblocking(False)
        signal.set_wakeup_fd(self._wake_w.fileno())
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        for slot in self._slots:
            slot.start_at = time.monotonic()
        try:
            status = self._supervise()
        finally:
            self._stop_all()
            signal.set_wakeup_fd(-1)
        return status

    def _on_signal(self, signum: int, frame: object) -> None:
        self._stopping = True

    def _supervise(self) -> int:
        while not self._stopping:
            now = time.monotonic()
            for slot in self._slots:
                if slot.process is None and slot.start_at is not None and slot.start_at <= now:
                    self._start(slot)
            waits = [
                s.start_at - now
                for s in self._slots
                if s.process is None and s.start_at is not None
            ]
            for ready in wait(self._waitables(), timeout=max(0.0, min(waits, default=60.0))):
                if ready is self._wake_r:
                    self._wake_r.recv(64)
            for slot in self._slots:
                status = self._check(slot)
                if status is not None:
                    return status
        return 0

    def _waitables(self) -> list[Any]:
        found: list[Any] = [self._wake_r]
        for slot in self._slots:
            if slot.process is not None:
                found.append(slot.process.sentinel)
            if slot.ready is not None:
                found.append(slot.ready)
        return found

    def _start(self, slot: _Slot) -> None:
        reader, writer = self._context.Pipe(duplex=False)
        slot.process = self._context.Process(
            target=self._target,
            args=(
                *self._args,
                slot.number == 0 and not self._migrated,
                self._migrations_done,
                writer,
            ),
            name=f"faultline-worker-{slot.number}",
        )
        slot.process.start()
        writer.close()
        slot.ready, slot.serving, slot.start_at = reader, False, None
        log.info("worker %d started (pid %s)", slot.number, slot.process.pid)

    def _check(self, slot: _Slot) -> int | None:
        """Note a worker that now serves or has exited; an exit status when giving up."""
        if slot.process is None:
            return None
        if slot.ready is not None and slot.ready.poll():
            try:
                slot.ready.recv()
                self._on_serving(slot)
            except EOFError:
                pass  # it exited before serving
            slot.ready.close()
            slot.ready = None
        if slot.process.is_alive():
            return None
        slot.process.join()
        code = slot.process.exitcode
        pid, slot.process = slot.process.pid, None
        if self._stopping:
            return None
        if slot.serving:
            log.error("worker %d (pid %s) %s; starting a new one", slot.number, pid, _how(code))
            slot.failures, slot.start_at = 0, time.monotonic()
            return None
        return self._on_failed_start(slot, pid, code)

    def _on_serving(self, slot: _Slot) -> None:
        slot.serving, slot.failures = True, 0
        self._failures_in_a_row = 0
        self._migrated = True

    def _on_failed_start(self, slot: _Slot, pid: int | None, code: int | None) -> int | None:
        slot.failures += 1
        self._failures_in_a_row += 1
        anyone_serving = any(s.serving and s.process is not None for s in self._slots)
        if not anyone_serving and code == EXIT_CONFIG and not self._migrated:
            return EXIT_CONFIG  # the worker said what to fix; retrying cannot help
        if not anyone_serving and self._failures_in_a_row >= GIVE_UP_AFTER:
            print(
                f"faultline: workers failed to start {self._failures_in_a_row} times in a row "
                "(see the errors above); giving up",
                file=sys.stderr,
            )
            return 1
        delay = min(FIRST_RETRY_DELAY_S * 2 ** (slot.failures - 1), MAX_RETRY_DELAY_S)
        log.error(
            "worker %d (pid %s) %s before serving; retrying in %g s",
            slot.number,
            pid,
            _how(code),
            delay,
        )
        slot.start_at = time.monotonic() + delay
        return None

    def _stop_all(self) -> None:
        running = [s.process for s in self._slots if s.process is not None]
        for process in running:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self._stop_timeout_s
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.error("worker pid %s did not stop in time; killing it", process.pid)
                process.kill()
                process.join()
        for slot in self._slots:
            if slot.ready is not None:
                slot.ready.close()
        self._wake_r.close()
        self._wake_w.close()


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"was killed by {signal.Signals(-exitcode).name}"
    return f"exited with status {exitcode}"
