"""A request body read from the network and decoded as far as needed, under both size caps.

    BodyReader(stream, Content-Encoding, caps)
        .first_line(budget)   the decoded body's first line, if it ends within
                              `budget` bytes of input and of output: an envelope's header, read
                              to authenticate by its `dsn` before the rest is read
        .read_all()           the whole decoded body (413 past either cap)

Reading stops at the first chunk past a cap; the rest of the stream is never read.
"""

from __future__ import annotations

import io

import aiohttp

from app.errors import PayloadTooLarge
from app.ingest.decoding import decode_into, decoder_for

CHUNK_BYTES = 65536
_BLANKS = b" \t\r\n"  # JSON whitespace, which Relay skips before an envelope header


class BodyReader:
    def __init__(
        self,
        stream: aiohttp.StreamReader,
        content_encoding: str | None,
        *,
        max_compressed_bytes: int,
        max_decompressed_bytes: int,
        chunk_size: int = CHUNK_BYTES,
        what: str = "request body",
    ) -> None:
        self._stream = stream
        self._decoder = decoder_for(content_encoding)
        self._max_compressed = max_compressed_bytes
        self._max_decompressed = max_decompressed_bytes
        self._chunk_size = chunk_size
        self._what = what
        self._sink = io.BytesIO()
        self.received = 0  # bytes read from the stream so far
        self._ended = False
        self._partly_decoded = False  # first_line may have left output inside the decoder

    async def first_line(self, budget: int) -> bytes | None:
        """The first line of the decoded body that is not blank (the rest if it has no newline).

        None when neither the line nor the body ends within `budget` bytes read and `budget`
        bytes decoded; what was read is kept for `read_all`.
        """
        self._partly_decoded = True
        limit = min(budget, self._max_decompressed)
        searched = 0
        while True:
            data = self._sink.getvalue()
            start = len(data) - len(data.lstrip(_BLANKS))  # blank lines before it are skipped
            newline = data.find(b"\n", max(searched, start))
            if newline >= 0:
                return data[start:newline]
            if self._ended:
                return data[start:]
            if len(data) > limit or self.received >= budget:
                return None
            searched = len(data)
            chunk = await self._read(min(self._chunk_size, budget - self.received))
            if chunk is None:
                continue
            # Asking for one byte more than the room left either drains the decoder or
            # shows the line is longer than the budget; the decoder keeps any output beyond.
            self._sink.write(self._decoder.decompress(chunk, limit + 1 - len(data)))

    async def read_all(self) -> bytes:
        """The whole decoded body, including what `first_line` has read."""
        if self._partly_decoded and not self._ended:
            decode_into(self._sink, self._decoder, b"", self._max_decompressed, self._what)
        while not self._ended:
            chunk = await self._read(self._chunk_size)
            if chunk is not None:
                decode_into(self._sink, self._decoder, chunk, self._max_decompressed, self._what)
        return self._sink.getvalue()

    async def _read(self, size: int) -> bytes | None:
        """The next chunk of at most `size` bytes; None at the end of the body (checked)."""
        chunk = await self._stream.read(size)
        if not chunk:
            self._decoder.finish()
            self._ended = True
            return None
        self.received += len(chunk)
        if self.received > self._max_compressed:
            qualifier = "" if self._decoder.encoding == "identity" else "compressed "
            raise PayloadTooLarge(
                f"{self._what} exceeds the {qualifier}size limit of {self._max_compressed} bytes"
            )
        return chunk
