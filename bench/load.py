"""The load generator, run as its own process: `python -m bench.load [--groups 50] [--pool 2000]`.

It builds its pool of events once (bench.events, bench.bodies; the same events as Rollbar
items, bench.rollbar_items), prints one JSON line
`{"ready": true, ...}` and then takes commands, one JSON line each, on stdin:

    {"cmd": "run", "url": ..., "headers": {...}, "concurrency": 50, "duration": 20,
     "surface": "sentry" | "rollbar"}
        -> one JSON line with the result (statuses, latencies, CPU it used, ...)
    {"cmd": "exit"}  (or end of input)
        -> exits

`concurrency` workers each send their next request as soon as the previous answer is in (a
closed loop) until `duration` seconds have passed; requests in flight at the deadline are waited
for and counted. Plain asyncio (no uvloop); a body costs ~15 µs to make (bench.bodies.gzip_body).

Two HTTP clients, chosen per run with "client":

    aiohttp  (default) one ClientSession whose TCPConnector keeps at most `concurrency`
             keep-alive connections. ~300 µs of CPU per request on a small cloud core, which
             at 1,500 requests/s is a fifth of a 2-core machine taken from the server.
    raw      one keep-alive HTTP/1.1 connection per worker on a bare asyncio.Protocol, writing
             pre-formatted requests and reading Content-Length (or chunked) answers: a fraction
             of aiohttp's CPU, for when the generator's own cost matters.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import resource
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench.bodies import BodySource, build_pool, pool_stats
from bench.events import EventFactory
from bench.rollbar_items import ItemSource, build_item_pool

ERROR_BACKOFF_S = 0.05  # after a connection error, so a dead server is not hammered in a loop
REQUEST_TIMEOUT_S = 30.0
MAX_ERROR_SAMPLES = 5


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when it is empty)."""
    if not sorted_values:
        return 0.0
    # ceil(fraction * n), rounded first so 0.07 * 100 = 7.000000000000001 is rank 7, not 8.
    rank = max(1, min(len(sorted_values), math.ceil(round(fraction * len(sorted_values), 9))))
    return sorted_values[rank - 1]


class _Recorder:
    """Statuses, latencies and errors of one run, and the generator's CPU over it."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.errors: Counter[str] = Counter()
        self.error_samples: list[str] = []
        self.per_second_ok: Counter[int] = Counter()
        self.per_second_max: dict[int, float] = {}
        self.sent = 0
        self.start = self.deadline = 0.0
        self.wall_start = 0.0
        self.cpu_start = 0.0

    def begin(self, duration: float) -> None:
        self.cpu_start = cpu_seconds()
        self.wall_start = time.time()
        self.start = time.perf_counter()
        self.deadline = self.start + duration

    def answer(self, status: int, body: bytes, sent: float) -> None:
        done = time.perf_counter()
        latency = done - sent
        self.latencies.append(latency)
        self.statuses[status] += 1
        second = int(done - self.start)
        if status == 200:
            self.per_second_ok[second] += 1
        if latency > self.per_second_max.get(second, 0.0):
            self.per_second_max[second] = latency
        if status != 200 and len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(f"HTTP {status}: {body[:300].decode(errors='replace')}")

    def error(self, exc: BaseException) -> None:
        self.errors[type(exc).__name__] += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(f"{type(exc).__name__}: {exc}")

    def result(self, url: str, concurrency: int, duration: float) -> dict[str, Any]:
        elapsed = time.perf_counter() - self.start
        wall_end = time.time()
        cpu_used = cpu_seconds() - self.cpu_start
        latencies = sorted(self.latencies)
        statuses = self.statuses
        ok = statuses.get(200, 0)
        seconds = range(int(elapsed) + 1)
        return {
            "url": url,
            "concurrency": concurrency,
            "duration_s": duration,
            "elapsed_s": round(elapsed, 3),
            "wall_start": self.wall_start,
            "wall_end": wall_end,
            "requests": self.sent,
            "responses": len(latencies),
            "ok": ok,
            "ok_per_s": round(ok / elapsed, 1) if elapsed > 0 else 0.0,
            "statuses": {str(status): count for status, count in sorted(statuses.items())},
            "non_2xx": {
                str(status): count for status, count in sorted(statuses.items()) if status >= 300
            },
            "connection_errors": dict(self.errors),
            "error_samples": self.error_samples,
            "latency_ms": {
                "p50": round(percentile(latencies, 0.50) * 1000, 2),
                "p95": round(percentile(latencies, 0.95) * 1000, 2),
                "p99": round(percentile(latencies, 0.99) * 1000, 2),
                "max": round(latencies[-1] * 1000, 2) if latencies else 0.0,
                "mean": round(sum(latencies) / len(latencies) * 1000, 2) if latencies else 0.0,
            },
            "per_second_ok": [self.per_second_ok.get(s, 0) for s in seconds],
            "per_second_max_ms": [
                round(self.per_second_max.get(s, 0.0) * 1000, 1) for s in seconds
            ],
            "cpu_s": round(cpu_used, 2),
            "cpu_us_per_request": round(cpu_used / len(latencies) * 1e6, 1) if latencies else 0.0,
        }


async def run_load(
    url: str,
    headers: Mapping[str, str],
    source: BodySource | ItemSource,
    *,
    concurrency: int,
    duration: float,
) -> dict[str, Any]:
    """The closed loop on aiohttp's client (see the module doc)."""
    recorder = _Recorder()
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S, sock_connect=5)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, auto_decompress=False, headers=dict(headers)
    ) as session:

        async def worker() -> None:
            while time.perf_counter() < recorder.deadline:
                _, body = source.next()
                recorder.sent += 1
                sent = time.perf_counter()
                try:
                    async with session.post(url, data=body) as response:
                        answer = await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                    recorder.error(exc)
                    await asyncio.sleep(ERROR_BACKOFF_S)
                    continue
                recorder.answer(status, answer, sent)

        recorder.begin(duration)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return recorder.result(url, concurrency, duration)


class _RawConnection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 client connection; one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._header_end = -1
        self._status = 0
        self._length = -1  # -1: chunked; otherwise the body length
        self._close_after = False
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc or ConnectionResetError("server closed the connection"))

    def request(self, data: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._buffer.clear()
        self._header_end = -1
        self.transport.write(data)
        return self._waiter

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._header_end < 0:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self._header_end = end + 4
            head = bytes(self._buffer[:end]).lower()
            self._status = int(head[9:12])
            self._length = -1
            self._close_after = False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name == b"content-length":
                    self._length = int(value)
                elif name == b"connection" and b"close" in value:
                    self._close_after = True
        body = self._buffer[self._header_end :]
        if self._length >= 0:
            if len(body) < self._length:
                return
            answer = bytes(body[: self._length])
        elif body.endswith(b"0\r\n\r\n"):
            answer = bytes(body)  # chunked; only errors are, and only their status counts
        else:
            return
        if self._close_after and self.transport is not None:
            self.transport.close()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result((self._status, answer))


def _expire(waiter: asyncio.Future[tuple[int, bytes]]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError(f"no answer within {REQUEST_TIMEOUT_S:g} s"))


async def run_raw_load(
    url: str,
    headers: Mapping[str, str],
    source: BodySource | ItemSource,
    *,
    concurrency: int,
    duration: float,
) -> dict[str, Any]:
    """The same closed loop as `run_load`, on `_RawConnection`s (see the module doc)."""
    parsed = urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    head = f"POST {parsed.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head_bytes = head.encode()
    loop = asyncio.get_running_loop()
    recorder = _Recorder()

    async def worker() -> None:
        connection: _RawConnection | None = None
        while time.perf_counter() < recorder.deadline:
            _, body = source.next()
            recorder.sent += 1
            sent = time.perf_counter()
            try:
                if connection is None or connection.closed:
                    _, connection = await loop.create_connection(_RawConnection, host, port)
                waiter = connection.request(
                    head_bytes + b"Content-Length: %d\r\n\r\n" % len(body) + body
                )
                timer = loop.call_later(REQUEST_TIMEOUT_S, _expire, waiter)
                try:
                    status, answer = await waiter
                finally:
                    timer.cancel()
            except (TimeoutError, OSError) as exc:
                if connection is not None and connection.transport is not None:
                    connection.transport.close()
                connection = None
                recorder.error(exc)
                await asyncio.sleep(ERROR_BACKOFF_S)
                continue
            recorder.answer(status, answer, sent)
        if connection is not None and connection.transport is not None:
            connection.transport.close()

    recorder.begin(duration)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return recorder.result(url, concurrency, duration)


def _emit(message: Mapping[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--pool", type=int, default=2000, help="distinct event payloads")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    pool = build_pool(EventFactory(args.groups, seed=args.seed), args.pool)
    sources: dict[str, BodySource | ItemSource] = {
        "sentry": BodySource(pool),
        "rollbar": ItemSource(
            build_item_pool(EventFactory(args.groups, seed=args.seed), args.pool)
        ),
    }
    gc.collect()
    gc.freeze()  # the pool is immutable: keep it out of every later collection
    _emit(
        {
            "ready": True,
            "pool": pool_stats(pool, args.groups).as_dict(),
            "build_s": round(time.perf_counter() - started, 2),
            "build_cpu_s": round(cpu_seconds() - cpu_before, 2),
        }
    )
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if command.get("cmd") != "run":
            break
        runner = run_raw_load if command.get("client") == "raw" else run_load
        result = asyncio.run(
            runner(
                command["url"],
                command["headers"],
                sources[command.get("surface", "sentry")],
                concurrency=int(command["concurrency"]),
                duration=float(command["duration"]),
            )
        )
        result["client"] = command.get("client", "aiohttp")
        _emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
