"""Envelope bodies for the load: a pool of pre-deflated events, gzip bodies with fresh ids.

Bodies are gzip-compressed envelopes. Compressing 10 KB per request would cost the load
generator ~0.2 ms of CPU each, on the cores the server needs, so the compression is split:

    A = envelope header + item header + '{"event_id":"<id>",'   varies per request
    B = the rest of the event JSON + "\\n"                         fixed per pool entry

B is deflated once, up front, by a fresh compressor (so it refers to nothing before it); per
request A goes out as a stored (uncompressed) deflate block in front of it. The result is one
valid gzip member; per request only the CRC-32 of the whole envelope is computed.
"""

from __future__ import annotations

import json
import struct
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from bench.events import USER_AGENT, EventFactory


@dataclass(frozen=True, slots=True)
class PreparedEvent:
    """One pool entry: the fixed, pre-deflated part of an envelope body."""

    group: int
    item_length: int  # bytes of the event JSON, id included (ids are always 32 hex)
    tail: bytes  # the event JSON after '{"event_id":"…",' plus "\n"
    tail_deflated: bytes  # `tail` as raw deflate, ending in a final block


def prepare(factory: EventFactory, n: int) -> PreparedEvent:
    event = factory.event(n)
    # '{"event_id":"<id>",' is the per-request prefix; the rest is fixed.
    tail = json.dumps(event, separators=(",", ":")).encode()[1:] + b"\n"
    item_length = len(b'{"event_id":"') + 32 + len(b'",') + len(tail) - 1
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    return PreparedEvent(
        group=n % factory.groups, item_length=item_length, tail=tail, tail_deflated=deflated
    )


def build_pool(factory: EventFactory, size: int) -> list[PreparedEvent]:
    return [prepare(factory, n) for n in range(max(size, factory.groups))]


def request_headers(sentry_key: str) -> dict[str, str]:
    """The headers sentry-python sends with an envelope, for a project's key."""
    return {
        "Content-Type": "application/x-sentry-envelope",
        "Content-Encoding": "gzip",
        "Accept-Encoding": "identity",
        "User-Agent": USER_AGENT,
        "X-Sentry-Auth": f"Sentry sentry_key={sentry_key}, sentry_version=7, "
        f"sentry_client={USER_AGENT}",
    }


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"


def _head(prepared: PreparedEvent, event_id: str, sent_at: str) -> bytes:
    """Envelope header, item header and the event's opening up to its id: part A."""
    return (
        f'{{"event_id":"{event_id}","sent_at":"{sent_at}"}}\n'
        f'{{"type":"event","content_type":"application/json","length":{prepared.item_length}}}\n'
        f'{{"event_id":"{event_id}",'
    ).encode()


def gzip_body(prepared: PreparedEvent, event_id: str, sent_at: str) -> bytes:
    """The gzip-compressed envelope of `prepared` carrying `event_id` (32 hex)."""
    head = _head(prepared, event_id, sent_at)
    crc = zlib.crc32(prepared.tail, zlib.crc32(head))
    size = len(head) + len(prepared.tail)
    # A non-final stored block: BFINAL=0, BTYPE=00, padded to the byte; then LEN and ~LEN.
    stored = b"\x00" + struct.pack("<HH", len(head), len(head) ^ 0xFFFF) + head
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return _GZIP_HEADER + stored + prepared.tail_deflated + trailer


def plain_envelope(prepared: PreparedEvent, event_id: str, sent_at: str) -> bytes:
    """The same envelope uncompressed (for checks and debugging)."""
    return _head(prepared, event_id, sent_at) + prepared.tail


class BodySource:
    """Cycles through a pool, giving every body a new uuid4 event id."""

    def __init__(self, pool: list[PreparedEvent]) -> None:
        self._pool = pool
        self._index = 0
        self._sent_at_second = -1
        self._sent_at_prefix = ""

    def _sent_at(self) -> str:
        now = time.time()
        second = int(now)
        if second != self._sent_at_second:
            self._sent_at_second = second
            self._sent_at_prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._sent_at_prefix}.{int((now - second) * 1e6):06d}Z"

    def next(self) -> tuple[str, bytes]:
        prepared = self._pool[self._index]
        self._index = (self._index + 1) % len(self._pool)
        event_id = uuid.uuid4().hex
        return event_id, gzip_body(prepared, event_id, self._sent_at())

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        while True:
            yield self.next()


@dataclass(frozen=True, slots=True)
class PoolStats:
    events: int
    groups: int
    json_kb_min: float
    json_kb_mean: float
    json_kb_max: float
    gzip_kb_mean: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "events": self.events,
            "groups": self.groups,
            "json_kb_min": self.json_kb_min,
            "json_kb_mean": self.json_kb_mean,
            "json_kb_max": self.json_kb_max,
            "gzip_kb_mean": self.gzip_kb_mean,
        }


def pool_stats(pool: list[PreparedEvent], groups: int) -> PoolStats:
    sizes = [p.item_length for p in pool]
    gzipped = [len(p.tail_deflated) + 200 for p in pool]  # + the stored head, roughly
    return PoolStats(
        events=len(pool),
        groups=groups,
        json_kb_min=round(min(sizes) / 1024, 1),
        json_kb_mean=round(sum(sizes) / len(sizes) / 1024, 1),
        json_kb_max=round(max(sizes) / 1024, 1),
        gzip_kb_mean=round(sum(gzipped) / len(gzipped) / 1024, 1),
    )
