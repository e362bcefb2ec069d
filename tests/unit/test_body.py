"""BodyReader: an envelope's first line read within a budget, then the rest, in every encoding."""

from __future__ import annotations

import asyncio
import os
import tracemalloc
import zlib
from collections.abc import Callable

import pytest
from aiohttp import StreamReader

from app.ingest.body import BodyReader
from app.ingest.pipeline import DSN_BUDGET_BYTES
from tests.unit.test_decoding import ENCODINGS, PAYLOAD, _Protocol, _stream

MIB = 1024 * 1024
HEADER = b'{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"http://k@h/1"}'


def _reader(stream: StreamReader, content_encoding: str | None) -> BodyReader:
    return BodyReader(
        stream, content_encoding, max_compressed_bytes=20 * MIB, max_decompressed_bytes=100 * MIB
    )


@pytest.mark.parametrize(("content_encoding", "encode"), ENCODINGS)
async def test_the_first_line_then_the_whole_body(
    content_encoding: str | None, encode: Callable[[bytes], bytes]
) -> None:
    body = HEADER + b"\n" + PAYLOAD
    reader = _reader(_stream(encode(body)), content_encoding)
    assert await reader.first_line(DSN_BUDGET_BYTES) == HEADER
    assert await reader.read_all() == body


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (b"\n\r\n  " + HEADER + b"\nrest", HEADER),  # blank lines before it are skipped
        (HEADER, HEADER),  # no newline: the whole body
        (b"", b""),
        (b" \n", b""),
    ],
)
async def test_first_line_edges(body: bytes, line: bytes) -> None:
    reader = _reader(_stream(body), None)
    assert await reader.first_line(DSN_BUDGET_BYTES) == line
    assert await reader.read_all() == body


async def _endless_gzip(reader: StreamReader, fed: list[int]) -> None:
    """A client streaming gzip of text without a newline, for ever."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    while True:
        chunk = compressor.compress(os.urandom(65536).replace(b"\n", b" "))
        if chunk:
            reader.feed_data(chunk)
            fed[0] += len(chunk)
        await asyncio.sleep(0)


async def test_a_first_line_longer_than_the_budget_reads_exactly_the_budget() -> None:
    loop = asyncio.get_running_loop()
    stream = StreamReader(_Protocol(loop), 2**16, loop=loop)
    fed = [0]
    sending = asyncio.create_task(_endless_gzip(stream, fed))
    try:
        reader = _reader(stream, "gzip")
        assert await reader.first_line(DSN_BUDGET_BYTES) is None
    finally:
        sending.cancel()
    assert reader.received == DSN_BUDGET_BYTES
    assert fed[0] < 20 * MIB


async def test_a_bomb_in_the_first_line_decodes_no_more_than_the_budget() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(compressor.compress(b"a" * MIB) for _ in range(64)) + compressor.flush()
    reader = _reader(_stream(bomb, piece=len(bomb)), "gzip")
    tracemalloc.start()
    try:
        assert await reader.first_line(4096) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reader.received == 4096
    assert peak < MIB  # 64 MiB inside, a few KiB decoded
