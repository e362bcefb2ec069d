"""Reading /proc: process trees, memory (VmRSS, VmHWM) and CPU time, without psutil."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from `state` on (the command name may contain spaces)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return raw[raw.rindex(b")") + 2 :].decode().split()


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def parents() -> dict[int, int]:
    """pid -> parent pid for every process."""
    result: dict[int, int] = {}
    for pid in all_pids():
        fields = _stat_fields(pid)
        if fields is not None:
            result[pid] = int(fields[1])
    return result


def descendants(root: int, parent_of: Mapping[int, int] | None = None) -> list[int]:
    """Every live process below `root` (children, grandchildren, ...)."""
    parent_of = parents() if parent_of is None else parent_of
    children: dict[int, list[int]] = {}
    for pid, ppid in parent_of.items():
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return sorted(found)


def tree(root: int) -> list[int]:
    return [root, *descendants(root)]


def comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def postgres_pids() -> list[int]:
    """The PostgreSQL server processes on this machine (postmaster and its backends)."""
    return [pid for pid in all_pids() if comm(pid) == "postgres"]


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of `pid` in KiB; (0, 0) when it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return rss, hwm


def rss_kb(pid: int) -> int:
    """Current resident set size (statm: cheaper to read than status)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of `pid` so far (None when it is gone)."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass(frozen=True, slots=True)
class MachineCpu:
    """Jiffies of the whole machine, from the `cpu` line of /proc/stat."""

    user: int  # user + nice
    system: int
    irq: int  # irq + softirq: not charged to any process (loopback networking lands here)
    idle: int
    iowait: int
    steal: int

    @property
    def busy(self) -> int:
        return self.user + self.system + self.irq

    @classmethod
    def read(cls) -> MachineCpu:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
        return cls(
            user=user + nice,
            system=system,
            irq=irq + softirq,
            idle=idle,
            iowait=iowait,
            steal=steal,
        )


@dataclass(slots=True)
class CpuSnapshot:
    """CPU seconds of named groups of processes, and of the machine, at one moment."""

    groups: dict[str, dict[int, float]] = field(default_factory=dict)
    machine: MachineCpu | None = None

    @classmethod
    def take(cls, groups: Mapping[str, Iterable[int]]) -> CpuSnapshot:
        snapshot = cls(machine=MachineCpu.read())
        for name, pids in groups.items():
            seconds: dict[int, float] = {}
            for pid in pids:
                value = cpu_seconds(pid)
                if value is not None:
                    seconds[pid] = value
            snapshot.groups[name] = seconds
        return snapshot


def cpu_split(start: CpuSnapshot, end: CpuSnapshot, wall_s: float) -> dict[str, Any]:
    """CPU seconds each group used between two snapshots, and the machine's busy/idle split.

    A process that appears only in `end` was started in between and counts whole; one that
    exited in between is missed (none of the long-lived processes measured here do).
    """
    cores = os.cpu_count() or 1
    result: dict[str, Any] = {"wall_s": round(wall_s, 2), "cores": cores}
    groups: dict[str, dict[str, float]] = {}
    for name, after in end.groups.items():
        before = start.groups.get(name, {})
        used = sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())
        groups[name] = {
            "cpu_s": round(used, 2),
            "cores_used": round(used / wall_s, 2) if wall_s > 0 else 0.0,
        }
    result["groups"] = groups
    if start.machine and end.machine:
        a, b = start.machine, end.machine

        def seconds(jiffies: int) -> float:
            return round(jiffies / CLOCK_TICKS, 2)

        total = (b.busy + b.idle + b.iowait + b.steal) - (a.busy + a.idle + a.iowait + a.steal)
        result["machine"] = {
            "busy_s": seconds(b.busy - a.busy),
            "user_s": seconds(b.user - a.user),
            "system_s": seconds(b.system - a.system),
            "irq_s": seconds(b.irq - a.irq),
            "idle_s": seconds(b.idle - a.idle),
            "iowait_s": seconds(b.iowait - a.iowait),
            "steal_s": seconds(b.steal - a.steal),
            "busy_pct": round(100 * (b.busy - a.busy) / total, 1) if total else 0.0,
        }
    return result


def top_processes(
    start: Mapping[int, float],
    end: Mapping[int, float],
    exclude: Iterable[int],
    count: int = 5,
    min_s: float = 0.05,
) -> list[dict[str, Any]]:
    """The processes outside `exclude` that used the most CPU between two `all_cpu` readings."""
    skip = set(exclude)
    used = sorted(
        ((seconds - start.get(pid, 0.0), pid) for pid, seconds in end.items() if pid not in skip),
        reverse=True,
    )
    return [
        {"pid": pid, "comm": comm(pid), "cpu_s": round(seconds, 2)}
        for seconds, pid in used[:count]
        if seconds >= min_s
    ]


def all_cpu() -> dict[int, float]:
    """CPU seconds of every process."""
    result: dict[int, float] = {}
    for pid in all_pids():
        value = cpu_seconds(pid)
        if value is not None:
            result[pid] = value
    return result
