"""Bounded request-body decoding: Content-Encoding in, at most `max_decompressed_bytes` out.

Layered around the request stream (protocols.md §A3, STACK.md §8):

    raw stream ─▶ compressed cap ─▶ decoder (identity, gzip, deflate, br, zstd) ─▶ decompressed cap

The server disables aiohttp's own decompression, so handlers see the raw bytes and every error is
ours. One small decoder class per content encoding, all with the same contract:

    decompress(data, max_length) returns at most `max_length` bytes. Input it could not turn into
    output yet is kept inside the decoder; a result shorter than `max_length` means everything fed
    so far has been decoded (feed more), exactly `max_length` means call again with b"".
    finish() is called at end of input and raises when the stream stopped half-way.

Asking for `remaining + 1` bytes (in steps of at most 1 MiB) therefore detects a body over the
limit while holding at most limit + one step in memory, and a decompression bomb costs a few
capped calls, not gigabytes.

Choices where the protocol leaves room: an unknown Content-Encoding is a 400 (Relay would treat it
as identity and then fail on the binary body with a vaguer message); stacked encodings
("gzip, br") are a 400 as no SDK sends them ("identity" entries are ignored); gzip bodies may
have several members (RFC 1952); "deflate" is zlib-wrapped per RFC 9110 but raw deflate is
accepted too; zstd bodies may have several frames; an empty body decodes to b"" whatever the
encoding (the endpoint then reports the empty body).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from typing import Protocol

import brotli
import zstandard

from app.errors import BadRequest, PayloadTooLarge

_GZIP_WBITS = 16 + zlib.MAX_WBITS
# Each gzip member / zstd frame costs a few microseconds of Python however small it is; SDKs send
# one, so a body of a million empty ones is refused instead of burning seconds of CPU.
MAX_MEMBERS = 10_000
# Output taken from a decoder per call; bounds what a decoder buffers internally per call.
_OUTPUT_STEP = 1024 * 1024


class Decoder(Protocol):
    """Incremental, output-bounded decoder for one content encoding (contract: module doc)."""

    encoding: str

    def decompress(self, data: bytes, max_length: int) -> bytes: ...

    def finish(self) -> None: ...


class IdentityDecoder:
    encoding = "identity"

    def __init__(self) -> None:
        self._input = b""
        self._pos = 0

    def decompress(self, data: bytes, max_length: int) -> bytes:
        _check_max_length(max_length)
        self._input, self._pos = _append_input(self._input, self._pos, data)
        start, end = self._pos, min(len(self._input), self._pos + max_length)
        self._pos = end
        if start == 0 and end == len(self._input):
            return self._input  # the usual case: a whole chunk, no copy
        return self._input[start:end]

    def finish(self) -> None:
        return None


class GzipDecoder:
    """gzip (and its alias x-gzip); when a member ends, the next one starts (RFC 1952 §2.2).

    Input goes to zlib in slices that start at 8 KiB for each member and double up to 64 KiB: zlib
    copies whatever follows a member's end into `unused_data`, so a body made of thousands of
    tiny members costs a small copy per member instead of a copy of the whole rest each time.
    """

    encoding = "gzip"
    _FIRST_SLICE = 8 * 1024  # most SDK bodies fit in one slice
    _MAX_SLICE = 64 * 1024

    def __init__(self) -> None:
        self._member = zlib.decompressobj(_GZIP_WBITS)
        self._members = 1
        self._member_started = False
        self._slice = self._FIRST_SLICE
        self._input = b""
        self._pos = 0  # how much of `_input` zlib has consumed

    def decompress(self, data: bytes, max_length: int) -> bytes:
        _check_max_length(max_length)
        self._input, self._pos = _append_input(self._input, self._pos, data)
        view = memoryview(self._input)
        out: list[bytes] = []
        room = max_length
        try:
            while True:
                if self._member.eof:
                    if self._pos >= len(view):
                        break
                    if not _starts_gzip_member(view[self._pos : self._pos + 2]):
                        raise BadRequest("invalid gzip body: trailing data after end of stream")
                    self._members += 1
                    if self._members > MAX_MEMBERS:
                        raise BadRequest(f"invalid gzip body: more than {MAX_MEMBERS} members")
                    self._member = zlib.decompressobj(_GZIP_WBITS)
                    self._member_started = False
                    self._slice = self._FIRST_SLICE
                end = min(len(view), self._pos + self._slice)
                self._member_started = self._member_started or end > self._pos
                # An empty slice still flushes output zlib held back at the last limit.
                piece = self._member.decompress(view[self._pos : end], room)
                left = (
                    self._member.unused_data if self._member.eof else self._member.unconsumed_tail
                )
                self._pos = end - len(left)
                self._slice = min(self._slice * 2, self._MAX_SLICE)
                out.append(piece)
                room -= len(piece)
                if room == 0 or (self._pos >= len(view) and not self._member.eof):
                    break
        except zlib.error as exc:
            raise BadRequest(f"invalid gzip body: {exc}") from None
        return b"".join(out)

    def finish(self) -> None:
        if self._member_started and not self._member.eof:
            raise BadRequest("invalid gzip body: unexpected end of stream")


class DeflateDecoder:
    """deflate: zlib-wrapped (RFC 1950), or raw deflate when the body has no zlib header."""

    encoding = "deflate"

    def __init__(self) -> None:
        self._stream: zlib._Decompress | None = None
        self._head = b""  # the first byte, while waiting for the second to pick the format
        self._tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        _check_max_length(max_length)
        if self._stream is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            wbits = zlib.MAX_WBITS if _is_zlib_header(self._head) else -zlib.MAX_WBITS
            self._stream = zlib.decompressobj(wbits)
            data, self._head = self._head, b""
        buf = self._tail + data if self._tail else data
        stream = self._stream
        if stream.eof:
            if buf:
                raise BadRequest("invalid deflate body: trailing data after end of stream")
            return b""
        try:
            piece = stream.decompress(buf, max_length)
        except zlib.error as exc:
            raise BadRequest(f"invalid deflate body: {exc}") from None
        if stream.eof and stream.unused_data:
            raise BadRequest("invalid deflate body: trailing data after end of stream")
        self._tail = stream.unconsumed_tail
        return piece

    def finish(self) -> None:
        if self._stream is None:
            if self._head:
                raise BadRequest("invalid deflate body: unexpected end of stream")
            return
        if not self._stream.eof:
            raise BadRequest("invalid deflate body: unexpected end of stream")


class _HeldOutput:
    """Output a decoder produced beyond the caller's `max_length`, handed out first next time.

    brotli and zstd cannot stop exactly at a length, so their overshoot waits here.
    """

    def __init__(self) -> None:
        self._data = b""

    def take(self, room: int) -> bytes:
        piece, self._data = self._data[:room], self._data[room:]
        return piece

    def keep(self, piece: bytes, room: int) -> bytes:
        """`piece` cut to `room`; the rest is held."""
        if len(piece) <= room:
            return piece
        self._data = piece[room:]
        return piece[:room]


class BrotliDecoder:
    """br, via brotli>=1.2's output-limited `Decompressor.process`.

    The limit there is block-granular (the output buffer grows in doubling blocks and may end up
    to twice the limit, google/brotli#1396), so it is asked for small steps and any surplus over
    `max_length` is kept for the next call.
    """

    encoding = "br"
    _STEP = 64 * 1024  # at most ~96 KiB per process() call

    def __init__(self) -> None:
        if not hasattr(brotli.Decompressor, "can_accept_more_data"):
            raise RuntimeError("brotli>=1.2 is required to decode br bodies with a size limit")
        self._decompressor = brotli.Decompressor()
        self._started = False
        self._input = b""  # fed while the decoder still had output to hand out
        self._held = _HeldOutput()

    def decompress(self, data: bytes, max_length: int) -> bytes:
        _check_max_length(max_length)
        out = [self._held.take(max_length)]
        room = max_length - len(out[0])
        if data:
            self._input = self._input + data if self._input else data
        decompressor = self._decompressor
        try:
            while room > 0:
                feed = b""
                # can_accept_more_data() only says brotli has consumed its input; it may still
                # hold decoded output, so drained means "less output than asked for" instead.
                if self._input and decompressor.can_accept_more_data():
                    if decompressor.is_finished():
                        raise BadRequest("invalid br body: trailing data after end of stream")
                    feed, self._input = self._input, b""
                    self._started = True
                step = min(room, self._STEP)
                piece = decompressor.process(feed, output_buffer_limit=step)
                drained = len(piece) < step
                piece = self._held.keep(piece, room)
                out.append(piece)
                room -= len(piece)
                if drained and not self._input:
                    break
        except brotli.error as exc:
            raise BadRequest(f"invalid br body: {exc}") from None
        return b"".join(out)

    def finish(self) -> None:
        if self._started and not self._decompressor.is_finished():
            raise BadRequest("invalid br body: unexpected end of stream")


class ZstdDecoder:
    """zstd, one `decompressobj` per frame, fed in input slices small enough to bound output.

    zstandard's incremental API has no output limit, and one zstd block of 4 input bytes can
    expand to 128 KiB. Feeding at most `room / 32768` bytes per call (64 at least) therefore
    yields at most `room` + 128 KiB (about 2 MiB for the smallest slice) per call; the surplus
    is kept for the next call. Slices are memoryviews, so this costs calls, not copies.
    """

    encoding = "zstd"
    _MAX_RATIO = 128 * 1024 // 4
    _MIN_STEP = 64

    def __init__(self) -> None:
        self._dctx = zstandard.ZstdDecompressor()
        self._frame = self._dctx.decompressobj()
        self._frames = 1
        self._frame_started = False
        self._input = b""
        self._pos = 0  # how much of `_input` the frames have consumed
        self._held = _HeldOutput()

    def decompress(self, data: bytes, max_length: int) -> bytes:
        _check_max_length(max_length)
        out = [self._held.take(max_length)]
        room = max_length - len(out[0])
        self._input, self._pos = _append_input(self._input, self._pos, data)
        view = memoryview(self._input)
        try:
            while room > 0 and self._pos < len(view):
                if self._frame.eof:
                    self._frames += 1
                    if self._frames > MAX_MEMBERS:
                        raise BadRequest(f"invalid zstd body: more than {MAX_MEMBERS} frames")
                    self._frame = self._dctx.decompressobj()
                    self._frame_started = False
                end = min(len(view), self._pos + max(self._MIN_STEP, room // self._MAX_RATIO))
                piece = self._frame.decompress(view[self._pos : end])
                self._frame_started = True
                self._pos = end
                if self._frame.eof:
                    # The slice may reach into the next frame: give those bytes back.
                    self._pos -= len(self._frame.unused_data)
                piece = self._held.keep(piece, room)
                out.append(piece)
                room -= len(piece)
        except zstandard.ZstdError as exc:
            raise BadRequest(f"invalid zstd body: {exc}") from None
        return b"".join(out)

    def finish(self) -> None:
        if self._frame_started and not self._frame.eof:
            raise BadRequest("invalid zstd body: unexpected end of stream")


DECODERS: dict[str, Callable[[], Decoder]] = {
    "identity": IdentityDecoder,
    "gzip": GzipDecoder,
    "x-gzip": GzipDecoder,
    "deflate": DeflateDecoder,
    "br": BrotliDecoder,
    "zstd": ZstdDecoder,
}


def decoder_for(content_encoding: str | None) -> Decoder:
    """A fresh decoder for a Content-Encoding header value (None or "" = identity)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return IdentityDecoder()
    if len(codings) > 1:
        raise BadRequest(
            f"unsupported Content-Encoding: {', '.join(codings)} "
            "(stacked encodings are not supported)"
        )
    factory = DECODERS.get(codings[0])
    if factory is None:
        raise BadRequest(f"unsupported Content-Encoding: {codings[0]}")
    return factory()


def decode_bytes(
    data: bytes,
    content_encoding: str | None,
    *,
    max_decompressed_bytes: int,
    what: str = "request body",
) -> bytes:
    """Decode a body already in memory, with the same limit and errors as `body.BodyReader`."""
    decoder = decoder_for(content_encoding)
    sink = io.BytesIO()
    decode_into(sink, decoder, data, max_decompressed_bytes, what)
    decoder.finish()
    return sink.getvalue()


def decode_into(sink: io.BytesIO, decoder: Decoder, data: bytes, limit: int, what: str) -> None:
    """Decode `data` into `sink`, never holding more than `limit` + one step of output.

    Output is taken in steps of at most 1 MiB so a decoder's own buffers stay small; asking for
    one byte more than the room left either drains the decoder or proves the body too large.
    """
    while True:
        ask = min(limit - sink.tell() + 1, _OUTPUT_STEP)
        piece = decoder.decompress(data, ask)
        data = b""
        if sink.tell() + len(piece) > limit:
            raise PayloadTooLarge(f"{what} exceeds the decompressed size limit of {limit} bytes")
        sink.write(piece)
        if len(piece) < ask:
            return


def _append_input(buffer: bytes, pos: int, data: bytes) -> tuple[bytes, int]:
    """`data` after the unconsumed part of `buffer` (from `pos`); copies only to join the two."""
    if not data:
        return buffer, pos
    if pos < len(buffer):
        return buffer[pos:] + data, 0
    return data, 0


def _check_max_length(max_length: int) -> None:
    # zlib reads 0 as "unlimited"; never let a caller's off-by-one disable the bound.
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}")


def _starts_gzip_member(head: memoryview) -> bool:
    """Whether bytes after a member can begin another one (magic 1f 8b; one byte may be all)."""
    return head[0] == 0x1F and (len(head) < 2 or head[1] == 0x8B)


def _is_zlib_header(head: bytes) -> bool:
    """RFC 1950: deflate method, window <= 32 KiB, no preset dictionary, valid check bits."""
    cmf, flg = head[0], head[1]
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and not flg & 0x20 and (cmf << 8 | flg) % 31 == 0
