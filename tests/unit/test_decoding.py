"""Bounded Content-Encoding decoding: round trips, corrupt bodies, size caps and bombs."""

from __future__ import annotations

import asyncio
import base64
import functools
import gzip
import hashlib
import random
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import brotli
import pytest
import zstandard
from aiohttp import StreamReader
from aiohttp.base_protocol import BaseProtocol

from app.errors import BadRequest, PayloadTooLarge
from app.ingest.body import BodyReader
from app.ingest.decoding import (
    DECODERS,
    MAX_MEMBERS,
    BrotliDecoder,
    DeflateDecoder,
    GzipDecoder,
    IdentityDecoder,
    ZstdDecoder,
    decode_bytes,
    decoder_for,
)
from app.ingest.envelope import parse_envelope
from app.ingest.store_body import decode_store_body
from tests.samples import SENTRY_SAMPLES as SAMPLES

MIB = 1024 * 1024

# ~400 KB of text and noise: spans several 64 KiB chunks, zstd blocks and brotli meta-blocks.
_rng = random.Random(7)
PAYLOAD = b"".join(
    _rng.choice([b'{"message":"hello world"}\n', _rng.randbytes(37), b"\0" * 500])
    for _ in range(2000)
)


async def read_body(stream: Any, content_encoding: str | None, **limits: Any) -> bytes:
    """The whole decoded body, as ingestion reads it."""
    return await BodyReader(stream, content_encoding, **limits).read_all()


class _Protocol(BaseProtocol):
    """A connection that stays open and ignores flow control: tests feed the reader directly."""

    @property
    def connected(self) -> bool:
        return True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self, resume_parser: bool = True) -> None:
        pass


def _stream(data: bytes, piece: int = 777) -> StreamReader:
    loop = asyncio.get_running_loop()
    reader = StreamReader(_Protocol(loop), 2**16, loop=loop)
    for start in range(0, len(data), piece):
        reader.feed_data(data[start : start + piece])
    reader.feed_eof()
    return reader


def _identity(data: bytes) -> bytes:
    return data


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _gzip_members(data: bytes) -> bytes:
    third = len(data) // 3
    return b"".join(_gzip(part) for part in (data[:third], data[third:-10], data[-10:]))


def _zlib(data: bytes) -> bytes:
    return zlib.compress(data)


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _br(data: bytes) -> bytes:
    compressed: bytes = brotli.compress(data, quality=5)
    return compressed


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def _zstd_streamed(data: bytes) -> bytes:
    # Streaming compressors do not write the content size into the frame header.
    compressor = zstandard.ZstdCompressor().compressobj()
    return compressor.compress(data) + compressor.flush()


def _zstd_frames(data: bytes) -> bytes:
    half = len(data) // 2
    return _zstd(data[:half]) + _zstd_streamed(data[half:])


ENCODINGS: list[Any] = [
    pytest.param("gzip", _gzip, id="gzip"),
    pytest.param("x-gzip", _gzip, id="x-gzip"),
    pytest.param("gzip", _gzip_members, id="gzip_multi_member"),
    pytest.param(" GZip ", _gzip, id="encoding_names_are_case_insensitive"),
    pytest.param("deflate", _zlib, id="deflate_zlib_wrapped"),
    pytest.param("deflate", _raw_deflate, id="deflate_raw"),
    pytest.param("br", _br, id="br"),
    pytest.param("zstd", _zstd, id="zstd"),
    pytest.param("zstd", _zstd_streamed, id="zstd_without_content_size"),
    pytest.param("zstd", _zstd_frames, id="zstd_multi_frame"),
    pytest.param("identity", _identity, id="identity"),
    pytest.param(None, _identity, id="no_content_encoding"),
    pytest.param("", _identity, id="empty_content_encoding"),
    pytest.param("identity, br", _br, id="identity_entries_are_ignored"),
]


@pytest.mark.parametrize(("content_encoding", "encode"), ENCODINGS)
def test_decode_bytes_round_trips(
    content_encoding: str | None, encode: Callable[[bytes], bytes]
) -> None:
    assert decode_bytes(encode(PAYLOAD), content_encoding, max_decompressed_bytes=MIB) == PAYLOAD


@pytest.mark.parametrize(("content_encoding", "encode"), ENCODINGS)
async def test_read_body_round_trips(
    content_encoding: str | None, encode: Callable[[bytes], bytes]
) -> None:
    body = await read_body(
        _stream(encode(PAYLOAD)),
        content_encoding,
        max_compressed_bytes=MIB,
        max_decompressed_bytes=MIB,
        chunk_size=1000,
    )
    assert body == PAYLOAD


@pytest.mark.parametrize(("content_encoding", "encode"), ENCODINGS)
def test_decoders_return_at_most_max_length_and_resume(
    content_encoding: str | None, encode: Callable[[bytes], bytes]
) -> None:
    decoder = decoder_for(content_encoding)
    data = encode(PAYLOAD)
    pieces: list[bytes] = []
    for start in range(0, len(data), 333):
        piece = decoder.decompress(data[start : start + 333], 1000)
        pieces.append(piece)
        while len(piece) == 1000:  # the contract: exactly max_length means "call again"
            piece = decoder.decompress(b"", 1000)
            pieces.append(piece)
    decoder.finish()
    assert max(len(p) for p in pieces) <= 1000
    assert b"".join(pieces) == PAYLOAD


@pytest.mark.parametrize("content_encoding", ["gzip", "deflate", "br", "zstd", "identity"])
def test_empty_body_decodes_to_empty_bytes(content_encoding: str) -> None:
    assert decode_bytes(b"", content_encoding, max_decompressed_bytes=MIB) == b""


@pytest.mark.parametrize("content_encoding", sorted(DECODERS))
def test_decoders_refuse_a_max_length_below_one(content_encoding: str) -> None:
    # zlib reads max_length=0 as "unlimited": that must never slip through.
    with pytest.raises(ValueError, match="max_length must be at least 1, got 0"):
        decoder_for(content_encoding).decompress(b"", 0)


@pytest.mark.parametrize(
    ("content_encoding", "decoder_class"),
    [
        pytest.param(None, IdentityDecoder, id="none"),
        pytest.param("identity", IdentityDecoder, id="identity"),
        pytest.param("gzip", GzipDecoder, id="gzip"),
        pytest.param("x-gzip", GzipDecoder, id="x-gzip"),
        pytest.param("deflate", DeflateDecoder, id="deflate"),
        pytest.param("br", BrotliDecoder, id="br"),
        pytest.param("zstd", ZstdDecoder, id="zstd"),
        pytest.param("br, identity", BrotliDecoder, id="trailing_identity_ignored"),
    ],
)
def test_decoder_for_picks_one_decoder_class_per_encoding(
    content_encoding: str | None, decoder_class: type
) -> None:
    assert type(decoder_for(content_encoding)) is decoder_class


@pytest.mark.parametrize(
    ("content_encoding", "message"),
    [
        pytest.param("compress", "unsupported Content-Encoding: compress", id="compress"),
        pytest.param("bogus", "unsupported Content-Encoding: bogus", id="unknown"),
        pytest.param(
            "gzip, br",
            "unsupported Content-Encoding: gzip, br (stacked encodings are not supported)",
            id="stacked",
        ),
    ],
)
def test_unsupported_content_encodings_are_bad_requests(
    content_encoding: str, message: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        decode_bytes(b"{}", content_encoding, max_decompressed_bytes=MIB)
    assert caught.value.message == message


# --- captured bodies ---------------------------------------------------------------------------


async def test_captured_gzip_body_decodes_to_its_envelope() -> None:
    compressed = (SAMPLES / "message.envelope.gz").read_bytes()
    expected = (SAMPLES / "message.envelope").read_bytes()
    assert decode_bytes(compressed, "gzip", max_decompressed_bytes=MIB) == expected
    body = await read_body(
        _stream(compressed, piece=100),
        "gzip",
        max_compressed_bytes=MIB,
        max_decompressed_bytes=MIB,
    )
    assert body == expected


async def test_captured_brotli_body_decodes_to_its_own_envelope() -> None:
    # This body is a separate capture: it matches none of the .envelope files byte for byte
    # (exception-chained-in-transaction.envelope has another event id and a 4306-byte event).
    compressed = (SAMPLES / "exception-chained.envelope.br").read_bytes()
    body = await read_body(
        _stream(compressed, piece=100),
        "br",
        max_compressed_bytes=MIB,
        max_decompressed_bytes=MIB,
    )
    assert decode_bytes(compressed, "br", max_decompressed_bytes=MIB) == body
    assert len(body) == 4775
    assert hashlib.sha256(body).hexdigest() == (
        "e8b963e7f87b38610bf5675564ba8c91c86e888c10019d15de5b670aa240c15b"
    )
    envelope = parse_envelope(body)
    assert envelope.headers["event_id"] == "e7ba67e942c4430ab6907a47f6638fcc"
    assert [(item.type, len(item.payload)) for item in envelope.items] == [("event", 4379)]


# --- corrupt bodies ----------------------------------------------------------------------------

_SMALL = b'{"hello":"world"}' * 100


def _flip_byte(data: bytes, index: int) -> bytes:
    corrupted = bytearray(data)
    corrupted[index] ^= 0xFF
    return bytes(corrupted)


CORRUPT: list[Any] = [
    pytest.param(
        "gzip",
        b"not gzip at all",
        "invalid gzip body: Error -3 while decompressing data: incorrect header check",
        id="gzip_garbage",
    ),
    pytest.param(
        "gzip", _gzip(_SMALL)[:-10], "invalid gzip body: unexpected end of stream", id="gzip_cut"
    ),
    pytest.param(
        "gzip",
        _flip_byte(_gzip(_SMALL), -8),
        "invalid gzip body: Error -3 while decompressing data: incorrect data check",
        id="gzip_bad_crc",
    ),
    pytest.param(
        "gzip",
        _gzip(_SMALL) + b"garbage",
        "invalid gzip body: trailing data after end of stream",
        id="gzip_trailing_garbage",
    ),
    pytest.param(
        "gzip",
        _gzip(_SMALL) + b"\x1f",
        "invalid gzip body: unexpected end of stream",
        id="gzip_cut_in_second_member",
    ),
    pytest.param(
        "deflate",
        b"\xff\xff\xff\xff",
        "invalid deflate body: Error -3 while decompressing data: invalid block type",
        id="deflate_garbage",
    ),
    pytest.param(
        "deflate",
        _zlib(_SMALL)[:-5],
        "invalid deflate body: unexpected end of stream",
        id="deflate_cut",
    ),
    pytest.param(
        "deflate",
        _raw_deflate(_SMALL)[:-5],
        "invalid deflate body: unexpected end of stream",
        id="raw_deflate_cut",
    ),
    pytest.param(
        "deflate",
        _flip_byte(_zlib(_SMALL), -1),
        "invalid deflate body: Error -3 while decompressing data: incorrect data check",
        id="deflate_bad_adler32",
    ),
    pytest.param(
        "deflate",
        _zlib(_SMALL) + b"xx",
        "invalid deflate body: trailing data after end of stream",
        id="deflate_trailing_garbage",
    ),
    pytest.param(
        "deflate", b"x", "invalid deflate body: unexpected end of stream", id="deflate_one_byte"
    ),
    pytest.param(
        "br",
        b"\xff\xff\xff\xff garbage",
        "invalid br body: brotli: decoder failed",
        id="br_garbage",
    ),
    pytest.param("br", _br(_SMALL)[:-3], "invalid br body: unexpected end of stream", id="br_cut"),
    pytest.param(
        "br",
        _br(_SMALL) + b"garbage",
        "invalid br body: brotli: decoder failed",
        id="br_trailing_garbage_in_the_same_chunk",
    ),
    pytest.param(
        "zstd",
        b"not zstd at all",
        "invalid zstd body: zstd decompressor error: Unknown frame descriptor",
        id="zstd_garbage",
    ),
    pytest.param(
        "zstd", _zstd(_SMALL)[:-3], "invalid zstd body: unexpected end of stream", id="zstd_cut"
    ),
    pytest.param(
        "zstd",
        _zstd(_SMALL) + b"garbage",
        "invalid zstd body: zstd decompressor error: Unknown frame descriptor",
        id="zstd_trailing_garbage",
    ),
]


@pytest.mark.parametrize(("content_encoding", "body", "message"), CORRUPT)
async def test_corrupt_bodies_are_bad_requests(
    content_encoding: str, body: bytes, message: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        decode_bytes(body, content_encoding, max_decompressed_bytes=MIB)
    assert caught.value.message == message
    with pytest.raises(BadRequest) as caught:
        await read_body(
            _stream(body, piece=50),
            content_encoding,
            max_compressed_bytes=MIB,
            max_decompressed_bytes=MIB,
            chunk_size=50,
        )
    assert caught.value.message == message


def test_brotli_data_after_the_end_of_the_stream_is_refused() -> None:
    decoder = decoder_for("br")
    assert decoder.decompress(_br(_SMALL), MIB) == _SMALL
    with pytest.raises(BadRequest) as caught:
        decoder.decompress(b"x", MIB)
    assert caught.value.message == "invalid br body: trailing data after end of stream"


@pytest.mark.parametrize(
    ("content_encoding", "unit", "message"),
    [
        pytest.param(
            "gzip", _gzip(b""), f"invalid gzip body: more than {MAX_MEMBERS} members", id="gzip"
        ),
        pytest.param(
            "zstd", _zstd(b""), f"invalid zstd body: more than {MAX_MEMBERS} frames", id="zstd"
        ),
    ],
)
def test_a_flood_of_empty_members_is_refused(
    content_encoding: str, unit: bytes, message: str
) -> None:
    # A million empty members decode to nothing but would cost seconds of Python per request.
    body = unit * 1_000_000
    with pytest.raises(BadRequest) as caught:
        decode_bytes(body, content_encoding, max_decompressed_bytes=MIB)
    assert caught.value.message == message


def test_the_member_limit_leaves_room_for_real_multi_member_bodies() -> None:
    body = _gzip(b"a") * MAX_MEMBERS
    assert decode_bytes(body, "gzip", max_decompressed_bytes=MIB) == b"a" * MAX_MEMBERS


# --- size caps ---------------------------------------------------------------------------------

CAPPED: list[Any] = [
    pytest.param("gzip", _gzip, id="gzip"),
    pytest.param("deflate", _zlib, id="deflate"),
    pytest.param("br", _br, id="br"),
    pytest.param("zstd", _zstd, id="zstd"),
    pytest.param(None, _identity, id="identity"),
]


@pytest.mark.parametrize(("content_encoding", "encode"), CAPPED)
async def test_body_exactly_at_the_decompressed_limit_is_accepted(
    content_encoding: str | None, encode: Callable[[bytes], bytes]
) -> None:
    limit = len(PAYLOAD)
    body = await read_body(
        _stream(encode(PAYLOAD)),
        content_encoding,
        max_compressed_bytes=MIB,
        max_decompressed_bytes=limit,
    )
    assert body == PAYLOAD
    assert decode_bytes(encode(PAYLOAD), content_encoding, max_decompressed_bytes=limit) == PAYLOAD


@pytest.mark.parametrize(("content_encoding", "encode"), CAPPED)
async def test_body_one_byte_over_the_decompressed_limit_is_refused(
    content_encoding: str | None, encode: Callable[[bytes], bytes]
) -> None:
    limit = len(PAYLOAD) - 1
    message = f"request body exceeds the decompressed size limit of {limit} bytes"
    with pytest.raises(PayloadTooLarge) as caught:
        await read_body(
            _stream(encode(PAYLOAD)),
            content_encoding,
            max_compressed_bytes=MIB,
            max_decompressed_bytes=limit,
        )
    assert caught.value.message == message
    with pytest.raises(PayloadTooLarge) as caught:
        decode_bytes(encode(PAYLOAD), content_encoding, max_decompressed_bytes=limit)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("content_encoding", "encode", "message"),
    [
        pytest.param(
            "gzip", _gzip, "request body exceeds the compressed size limit of {} bytes", id="gzip"
        ),
        pytest.param(
            None, _identity, "request body exceeds the size limit of {} bytes", id="identity"
        ),
    ],
)
async def test_body_over_the_compressed_limit_is_refused(
    content_encoding: str | None, encode: Callable[[bytes], bytes], message: str
) -> None:
    data = encode(PAYLOAD)
    accepted = await read_body(
        _stream(data),
        content_encoding,
        max_compressed_bytes=len(data),
        max_decompressed_bytes=MIB,
    )
    assert accepted == PAYLOAD
    with pytest.raises(PayloadTooLarge) as caught:
        await read_body(
            _stream(data),
            content_encoding,
            max_compressed_bytes=len(data) - 1,
            max_decompressed_bytes=MIB,
        )
    assert caught.value.message == message.format(len(data) - 1)


async def test_limit_messages_name_the_body() -> None:
    bomb = _gzip(b"\0" * (21 * MIB))
    with pytest.raises(PayloadTooLarge) as caught:
        await read_body(
            _stream(bomb, piece=65536),
            "gzip",
            max_compressed_bytes=20 * MIB,
            max_decompressed_bytes=20 * MIB,
            what="envelope",
        )
    assert caught.value.message == "envelope exceeds the decompressed size limit of 20971520 bytes"


async def test_read_body_stops_reading_at_the_compressed_limit() -> None:
    # A client streaming "10 GiB": reading must stop at the cap, not drain the connection.
    loop = asyncio.get_running_loop()
    reader = StreamReader(_Protocol(loop), 2**16, loop=loop)
    chunk = b"\0" * 65536
    fed = 0

    async def client() -> None:
        nonlocal fed
        while fed < 10 * 1024 * MIB:
            reader.feed_data(chunk)
            fed += len(chunk)
            await asyncio.sleep(0)

    sending = asyncio.create_task(client())
    try:
        with pytest.raises(PayloadTooLarge) as caught:
            await read_body(
                reader, None, max_compressed_bytes=MIB, max_decompressed_bytes=100 * MIB
            )
    finally:
        sending.cancel()
    assert caught.value.message == "request body exceeds the size limit of 1048576 bytes"
    assert fed <= MIB + 2 * len(chunk)


# --- decompression bombs -----------------------------------------------------------------------


@functools.cache
def _bomb(kind: str) -> bytes:
    if kind == "gzip":  # the classic: 10 MiB of zeros in ~10 KB
        return _gzip(b"\0" * (10 * MIB))
    if kind == "gzip-members":  # 10 GiB in 10 MB: 1024 members of 10 MiB of zeros each
        return _bomb("gzip") * 1024
    if kind == "deflate":  # 16 MiB in ~16 KB
        return zlib.compress(b"\0" * (16 * MIB), 9)
    if kind == "br":  # 256 MiB in ~50 KB
        compressed: bytes = brotli.compress(b"\0" * (256 * MIB), quality=1)
        return compressed
    if kind == "zstd":  # 256 MiB in ~8 KB
        return zstandard.ZstdCompressor(level=1).compress(b"\0" * (256 * MIB))
    if kind == "zstd-frames":  # 100 GiB in ~3 MB
        return _bomb("zstd") * 400
    raise AssertionError(kind)


BOMBS: list[Any] = [
    pytest.param("gzip", "gzip", id="gzip_10mib"),
    pytest.param("gzip", "gzip-members", id="gzip_10gib_multi_member"),
    pytest.param("deflate", "deflate", id="deflate_16mib"),
    pytest.param("br", "br", id="br_256mib"),
    pytest.param("zstd", "zstd", id="zstd_256mib"),
    pytest.param("zstd", "zstd-frames", id="zstd_100gib_multi_frame"),
]
BOMB_MESSAGE = "request body exceeds the decompressed size limit of 1048576 bytes"


@pytest.mark.parametrize(("content_encoding", "kind"), BOMBS)
def test_decode_bytes_refuses_a_bomb_in_bounded_memory(content_encoding: str, kind: str) -> None:
    bomb = _bomb(kind)
    tracemalloc.start()
    try:
        with pytest.raises(PayloadTooLarge) as caught:
            decode_bytes(bomb, content_encoding, max_decompressed_bytes=MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.message == BOMB_MESSAGE
    assert peak < 4 * MIB  # the 1 MiB cap, one decoder step and bookkeeping


@pytest.mark.parametrize(("content_encoding", "kind"), BOMBS)
async def test_read_body_refuses_a_bomb_in_bounded_memory(content_encoding: str, kind: str) -> None:
    reader = _stream(_bomb(kind), piece=65536)
    tracemalloc.start()
    try:
        with pytest.raises(PayloadTooLarge) as caught:
            await read_body(
                reader,
                content_encoding,
                max_compressed_bytes=20 * MIB,
                max_decompressed_bytes=MIB,
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.message == BOMB_MESSAGE
    assert peak < 4 * MIB


# --- legacy store bodies -----------------------------------------------------------------------

EVENT = b'{"message":"hello","level":"info"}'


def _wrapped_base64(data: bytes) -> bytes:
    return base64.encodebytes(data)  # MIME style: lines of 76 characters


STORE_BODIES: list[Any] = [
    pytest.param(EVENT, EVENT, id="json_is_returned_unchanged"),
    pytest.param(b" \n" + EVENT, b" \n" + EVENT, id="json_after_whitespace_is_unchanged"),
    pytest.param(b"", b"", id="empty_body_is_unchanged"),
    pytest.param(base64.b64encode(EVENT), EVENT, id="base64_json"),
    pytest.param(base64.b64encode(_zlib(EVENT)), EVENT, id="base64_zlib_json"),
    pytest.param(base64.b64encode(_raw_deflate(EVENT)), EVENT, id="base64_raw_deflate_json"),
    pytest.param(_wrapped_base64(_zlib(EVENT * 10)), EVENT * 10, id="line_wrapped_base64"),
    pytest.param(
        base64.urlsafe_b64encode(_zlib(EVENT + b"\xff\xfe")).rstrip(b"="),
        EVENT + b"\xff\xfe",
        id="urlsafe_base64_without_padding",
    ),
]


@pytest.mark.parametrize(("body", "expected"), STORE_BODIES)
def test_store_body_decoding(body: bytes, expected: bytes) -> None:
    assert decode_store_body(body, max_decompressed_bytes=MIB) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            b"not base64!!", "invalid store body: neither JSON nor base64", id="not_base64"
        ),
        pytest.param(
            base64.b64encode(b"\xff\xff\xff\xff"),
            "invalid store body: base64 data is neither JSON nor zlib-compressed "
            "(invalid deflate body: Error -3 while decompressing data: invalid block type)",
            id="base64_of_neither",
        ),
    ],
)
def test_bad_store_bodies_are_bad_requests(body: bytes, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        decode_store_body(body, max_decompressed_bytes=MIB)
    assert caught.value.message == message


def test_store_body_zlib_bomb_is_refused() -> None:
    body = base64.b64encode(zlib.compress(b"\0" * (10 * MIB), 9))
    with pytest.raises(PayloadTooLarge) as caught:
        decode_store_body(body, max_decompressed_bytes=MIB)
    assert caught.value.message == "store body exceeds the decompressed size limit of 1048576 bytes"
