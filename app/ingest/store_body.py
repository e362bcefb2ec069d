"""The legacy store endpoint's body (protocols.md §A4): JSON, base64(JSON) or
base64(zlib(JSON)), after Content-Encoding decoding."""

from __future__ import annotations

import base64
import binascii

from app.errors import BadRequest
from app.ingest.decoding import decode_bytes


def decode_store_body(data: bytes, *, max_decompressed_bytes: int) -> bytes:
    """The legacy store body (protocols.md §A4): JSON, base64(JSON) or base64(zlib(JSON)).

    Applied after Content-Encoding decoding. Bodies that start with `{` are returned unchanged,
    so are empty ones (the endpoint reports those).
    """
    stripped = data.lstrip()
    if not stripped or stripped.startswith(b"{"):
        return data
    # Old clients wrap base64 at 76 columns and some use the URL-safe alphabet or drop padding.
    compact = stripped.translate(_BASE64_NORMALISE, b" \t\r\n")
    compact += b"=" * (-len(compact) % 4)
    try:
        binary = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("invalid store body: neither JSON nor base64") from None
    if binary.lstrip().startswith(b"{"):
        return binary
    try:
        return decode_bytes(
            binary, "deflate", max_decompressed_bytes=max_decompressed_bytes, what="store body"
        )
    except BadRequest as exc:
        raise BadRequest(
            f"invalid store body: base64 data is neither JSON nor zlib-compressed ({exc.message})"
        ) from None


_BASE64_NORMALISE = bytes.maketrans(b"-_", b"+/")
