"""Sentry envelope parsing (protocols.md §A2): bytes in, headers and raw item payloads out.

    envelope = header-line *( item-header-line payload [ "\\n" ] )
    header   = one line of UTF-8 JSON object, ended by "\\n" or end of input

An item with a `length` header owns exactly that many bytes, which must be followed by "\\n" or
the end of input; an item without one runs to the next "\\n". The grammar is Relay's, with three
leniencies: whitespace (blank lines) before a header line is skipped, as Relay's JSON reader does;
blanks after a header's JSON (a "\\r") are ignored; and an item without `type` is kept with type
"" (callers skip unknown types anyway). A "\\r" inside a payload is always data.

Pure and allocation-light: line ends are found with `bytes.find`, payloads are single slices, and
nothing walks the body byte by byte in Python. Item payloads stay raw bytes; `parse_event_json`
decodes the JSON ones when a caller actually needs them.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from app.errors import BadRequest, PayloadTooLarge

# JSON whitespace; Relay's streaming JSON reader skips it before every header.
_LEADING_WHITESPACE = re.compile(rb"[ \t\r\n]*")


# Relay caps each kind (100 sessions, 30 attachments, …); no SDK sends anywhere near this many
# items, and tiny items cost microseconds each to parse.
MAX_ITEMS = 1000


@dataclass(frozen=True, slots=True)
class EnvelopeItem:
    headers: dict[str, Any]
    payload: bytes

    @property
    def type(self) -> str:
        value = self.headers.get("type")
        return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class Envelope:
    headers: dict[str, Any]
    items: tuple[EnvelopeItem, ...]


def parse_envelope(
    body: bytes,
    *,
    max_item_bytes: Mapping[str, int] | None = None,
    max_items: int = MAX_ITEMS,
) -> Envelope:
    """Split an (already decompressed) envelope into its header and items.

    `max_item_bytes` maps an item type to the largest payload allowed for it; a larger item
    raises PayloadTooLarge before its payload is copied, and so does an item beyond
    `max_items`. Malformed framing raises BadRequest.
    """
    size = len(body)
    pos = _skip_whitespace(body, 0)
    if pos >= size:
        raise BadRequest("invalid envelope: missing envelope header")
    headers, pos = _read_header(body, pos, "envelope header")

    items: list[EnvelopeItem] = []
    while True:
        pos = _skip_whitespace(body, pos)
        if pos >= size:
            break
        if len(items) == max_items:
            raise PayloadTooLarge(f"envelope has more than {max_items} items")
        item_headers, payload_start = _read_header(body, pos, "item header")
        item_type = item_headers.get("type", "")
        if not isinstance(item_type, str):
            raise BadRequest(
                f"invalid envelope: item type must be a string, got {_json_kind(item_type)}"
            )

        length = item_headers.get("length")
        if length is None:
            # Implicit length: the payload is the rest of the line (and cannot hold a newline).
            newline = body.find(b"\n", payload_start)
            payload_end = size if newline < 0 else newline
            pos = size if newline < 0 else newline + 1
        else:
            # bool is an int subclass; `"length": true` is not a length.
            if type(length) is not int or length < 0:
                raise BadRequest(
                    "invalid envelope: item length must be a non-negative integer, "
                    f"got {json.dumps(length)}"
                )
            payload_end = payload_start + length
            if payload_end > size:
                raise BadRequest(
                    f"invalid envelope: item payload truncated: length is {length} "
                    f"but only {size - payload_start} bytes remain"
                )
            if payload_end < size and body[payload_end] != 0x0A:
                raise BadRequest("invalid envelope: missing newline after item payload")
            pos = payload_end + 1

        if max_item_bytes is not None:
            limit = max_item_bytes.get(item_type)
            if limit is not None and payload_end - payload_start > limit:
                raise PayloadTooLarge(
                    f"envelope item of type {item_type!r} exceeds the size limit of "
                    f"{limit} bytes ({payload_end - payload_start} bytes)"
                )
        items.append(EnvelopeItem(item_headers, body[payload_start:payload_end]))

    return Envelope(headers, tuple(items))


def parse_event_json(payload: bytes) -> dict[str, Any]:
    """Decode an event-like item payload (event, transaction, feedback, store body) to a dict.

    NaN, Infinity and -Infinity are accepted: legacy Python SDKs emit them and Relay accepts them.
    """
    try:
        value = _loads(payload)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadRequest(f"invalid JSON in event item: {_json_error(exc)}") from None
    if not isinstance(value, dict):
        raise BadRequest("event item must be a JSON object")
    return value


def _skip_whitespace(body: bytes, pos: int) -> int:
    match = _LEADING_WHITESPACE.match(body, pos)
    return match.end() if match else pos  # `*` always matches; the fallback is for mypy


def _read_header(body: bytes, start: int, what: str) -> tuple[dict[str, Any], int]:
    """Parse the JSON object on the line starting at `start`; return it and the next offset."""
    newline = body.find(b"\n", start)
    end = len(body) if newline < 0 else newline
    try:
        value = _parse_json_line(body[start:end].decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest(f"invalid envelope: {what} at offset {start} is not valid UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise BadRequest(
            f"invalid envelope: invalid JSON in {what} at offset {start}: {_json_error(exc)}"
        ) from None
    if not isinstance(value, dict):
        raise BadRequest(
            f"invalid envelope: {what} at offset {start} must be a JSON object, "
            f"got {_json_kind(value)}"
        )
    return value, (end if newline < 0 else newline + 1)


_HEADER_DECODER = json.JSONDecoder()


def _parse_json_line(text: str) -> Any:
    # raw_decode skips json.loads' whitespace regexes, half the cost of a small header; headers
    # start at a non-blank byte (skipped before), and only trailing blanks may follow the value.
    value, end = _HEADER_DECODER.raw_decode(text)
    if end != len(text) and text[end:].strip(" \t\r\n"):
        json.loads(text)  # raises "Extra data: ..." with the position
    return value


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _json_error(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nesting too deep"
    if "integer string conversion" in str(exc):
        # int()'s own words point at a Python setting; say what is wrong with the input.
        return f"a number has more than {sys.get_int_max_str_digits()} digits"
    return str(exc)


def _loads(payload: bytes) -> Any:
    try:
        # orjson parses event JSON 2-3x faster; it reads integers beyond 64 bits as floats.
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        # It rejects NaN/Infinity, which legacy Python SDKs send and json accepts; json also
        # words the error when the payload really is broken. Decode explicitly:
        # json.loads(bytes) would guess UTF-16/32, which no SDK sends.
        return json.loads(payload.decode("utf-8"))
