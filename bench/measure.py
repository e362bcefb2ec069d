"""What one load phase costs: the server's memory over it and every process group's CPU."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from typing import Any

from bench import procs
from bench.children import LoadProcess


class RssMonitor:
    """Polls the summed VmRSS of a process tree; the peak is the figure reported."""

    def __init__(self, root: int, interval_s: float = 0.1) -> None:
        self.root = root
        self.interval_s = interval_s
        self.peak_kb = 0
        self.peak_at = 0.0
        self.samples = 0
        self.pids: list[int] = procs.tree(root)
        self.start_kb = sum(procs.rss_kb(pid) for pid in self.pids)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            if self.samples % 20 == 0:
                self.pids = procs.tree(self.root)
            total = sum(procs.rss_kb(pid) for pid in self.pids)
            self.samples += 1
            if total > self.peak_kb:
                self.peak_kb, self.peak_at = total, time.time()
            await asyncio.sleep(self.interval_s)

    async def stop(self) -> dict[str, Any]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        processes: list[dict[str, Any]] = []
        for pid in procs.tree(self.root):
            rss, hwm = procs.memory_kb(pid)
            processes.append(
                {
                    "pid": pid,
                    "cmd": procs.cmdline(pid)[:100],
                    "rss_mb": round(rss / 1024, 1),
                    "hwm_mb": round(hwm / 1024, 1),
                }
            )
        return {
            "peak_mb": round(self.peak_kb / 1024, 1),
            "idle_mb": round(self.start_kb / 1024, 1),
            "sum_of_process_peaks_mb": round(sum(p["hwm_mb"] for p in processes), 1),
            "samples": self.samples,
            "processes": processes,
        }


def cpu_groups(server_pid: int, load_pid: int) -> dict[str, list[int]]:
    return {
        "server": procs.tree(server_pid),
        "postgres": procs.postgres_pids(),
        "load_generator": [load_pid],
        "bench": [os.getpid()],
    }


async def measured_load(
    load: LoadProcess,
    server_pid: int,
    url: str,
    headers: dict[str, str],
    concurrency: int,
    duration: float,
    surface: str = "sentry",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one load phase; returns the generator's result and the CPU split over it."""
    before = procs.CpuSnapshot.take(cpu_groups(server_pid, load.process.pid))
    everyone_before = procs.all_cpu()
    started = time.perf_counter()
    result = await load.run(url, headers, concurrency, duration, surface)
    wall = time.perf_counter() - started
    everyone_after = procs.all_cpu()
    after = procs.CpuSnapshot.take(cpu_groups(server_pid, load.process.pid))
    split = procs.cpu_split(before, after, wall)
    groups: dict[str, dict[str, float]] = split["groups"]
    machine: dict[str, float] = split.get("machine", {})
    measured = [pid for pids in after.groups.values() for pid in pids]
    others = procs.top_processes(everyone_before, everyone_after, measured, 100_000, min_s=0)
    other_s = sum(p["cpu_s"] for p in others)
    groups["other processes"] = {
        "cpu_s": round(other_s, 2),
        "cores_used": round(other_s / wall, 2),
    }
    split["top_other_processes"] = [p for p in others[:5] if p["cpu_s"] >= 0.05]
    if machine:
        irq = machine["irq_s"]
        groups["kernel irq"] = {"cpu_s": irq, "cores_used": round(irq / wall, 2)}
    return result, split
