"""Outbound HTTP for alert channels: one POST, its outcome as a value (never an exception)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import aiohttp

TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one attempt came to. `retry`: worth trying again later (timeouts, 5xx, 429)."""

    ok: bool
    retry: bool
    status_code: int | None
    error: str | None
    duration_ms: int


async def post(url: str, body: bytes, headers: dict[str, str]) -> SendResult:
    started = time.monotonic()

    def result(ok: bool, retry: bool, status: int | None, error: str | None) -> SendResult:
        elapsed = int((time.monotonic() - started) * 1000)
        return SendResult(ok, retry, status, error, elapsed)

    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, data=body, headers=headers) as response,
        ):
            status = response.status
    except TimeoutError:
        return result(False, True, None, f"no answer within {TIMEOUT_S:g} s")
    except aiohttp.ClientError as e:
        return result(False, True, None, f"{type(e).__name__}: {e}")
    if status < 300:
        return result(True, False, status, None)
    return result(False, status >= 500 or status == 429, status, f"HTTP {status}")
