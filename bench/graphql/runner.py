"""Closed-loop GraphQL load: `concurrency` clients sending one operation for `duration` s.

Each client posts its next request as soon as the last is answered; latency is from just
before the request until its body is read. An answer counts as an error when its status is
not 200 or its JSON carries `errors` (GraphQL reports failures with a 200).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import aiohttp
import orjson

from bench.graphql.queries import Operation
from bench.load import percentile

MAX_ERROR_SAMPLES = 3


class GraphQLClient:
    """POSTs to /graphql with the bench token."""

    def __init__(self, http: aiohttp.ClientSession, url: str, token: str) -> None:
        self.http = http
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> tuple[int, Any]:
        body = orjson.dumps({"query": query, "variables": variables or {}})
        async with self.http.post(self.url, data=body, headers=self.headers) as response:
            raw = await response.read()
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError:
            answer = None
        if not isinstance(answer, dict):
            return response.status, {"errors": [{"message": raw[:200].decode(errors="replace")}]}
        return response.status, answer

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The answer's `data`; raises RuntimeError naming the errors when there are any."""
        status, answer = await self.post(query, variables)
        if status != 200 or answer.get("errors"):
            raise RuntimeError(f"HTTP {status}: {answer.get('errors')}")
        data: dict[str, Any] = answer["data"]
        return data


def summarize(
    name: str, latencies_s: Sequence[float], errors: Counter[str], samples: list[str], wall_s: float
) -> dict[str, Any]:
    """One operation's figures: requests/s, latency percentiles (ms), errors by kind."""
    ordered = sorted(latencies_s)
    ok = len(ordered) - sum(errors.values())
    return {
        "operation": name,
        "requests": len(ordered),
        "ok": ok,
        "requests_per_s": round(len(ordered) / wall_s, 1) if wall_s > 0 else 0.0,
        "latency_ms": {
            "p50": round(percentile(ordered, 0.50) * 1000, 2),
            "p95": round(percentile(ordered, 0.95) * 1000, 2),
            "p99": round(percentile(ordered, 0.99) * 1000, 2),
            "max": round(ordered[-1] * 1000, 2) if ordered else 0.0,
        },
        "errors": dict(errors),
        "error_samples": samples,
    }


async def run_operation(
    client: GraphQLClient, operation: Operation, concurrency: int, duration_s: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    samples: list[str] = []
    counter = iter(range(1 << 62))
    started = time.perf_counter()
    deadline = started + duration_s

    def fail(kind: str, detail: str) -> None:
        errors[kind] += 1
        if len(samples) < MAX_ERROR_SAMPLES:
            samples.append(detail[:300])

    async def one_client() -> None:
        while time.perf_counter() < deadline:
            variables = operation.variables_for(next(counter))
            sent = time.perf_counter()
            try:
                status, answer = await client.post(operation.query, variables)
            except (aiohttp.ClientError, TimeoutError) as exc:
                latencies.append(time.perf_counter() - sent)
                fail(type(exc).__name__, repr(exc))
                continue
            latencies.append(time.perf_counter() - sent)
            if status != 200:
                fail(f"HTTP {status}", str(answer))
            elif answer.get("errors"):
                fail("GraphQL errors", str(answer["errors"]))

    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    return summarize(operation.name, latencies, errors, samples, time.perf_counter() - started)
