"""Envelope framing (protocols.md §A2) and event JSON decoding."""

from __future__ import annotations

import math
from typing import Any

import brotli
import pytest

from app.errors import BadRequest, PayloadTooLarge
from app.ingest.envelope import Envelope, EnvelopeItem, parse_envelope, parse_event_json
from tests.samples import SENTRY_SAMPLES as SAMPLES


def _items(envelope: Envelope) -> list[tuple[str, bytes]]:
    return [(item.type, item.payload) for item in envelope.items]


# --- grammar: what parses, and into what -------------------------------------------------------

GRAMMAR: list[Any] = [
    pytest.param(
        b'{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n'
        b'{"type":"attachment","length":10}\nhelloworld\n'
        b'{"type":"event","length":2}\n{}\n',
        [("attachment", b"helloworld"), ("event", b"{}")],
        id="items_with_length_are_sliced_exactly",
    ),
    pytest.param(
        b'{}\n{"type":"event"}\n{"message":"hi"}\n{"type":"attachment"}\nhello\n',
        [("event", b'{"message":"hi"}'), ("attachment", b"hello")],
        id="items_without_length_run_to_the_next_newline",
    ),
    pytest.param(
        b'{}\n{"type":"attachment","length":5}\nhello',
        [("attachment", b"hello")],
        id="final_newline_is_optional_after_a_length_item",
    ),
    pytest.param(
        b'{}\n{"type":"event"}\n{"a":1}',
        [("event", b'{"a":1}')],
        id="final_newline_is_optional_after_an_implicit_length_item",
    ),
    pytest.param(b"{}\n", [], id="empty_envelope_with_newline"),
    pytest.param(b"{}", [], id="empty_envelope_without_newline"),
    pytest.param(
        b'{}\n{"type":"attachment","length":0}\n\n',
        [("attachment", b"")],
        id="zero_length_item",
    ),
    pytest.param(
        b'{}\n{"type":"attachment","length":0}',
        [("attachment", b"")],
        id="zero_length_item_header_at_end_of_input",
    ),
    pytest.param(
        b'{}\n{"type":"attachment","length":0}\n\n{"type":"event","length":2}\n{}\n',
        [("attachment", b""), ("event", b"{}")],
        id="zero_length_item_followed_by_another_item",
    ),
    pytest.param(
        b'{}\n{"type":"attachment"}',
        [("attachment", b"")],
        id="implicit_length_header_last_without_newline_has_empty_payload",
    ),
    pytest.param(
        b'{}\n{"type":"attachment"}\n',
        [("attachment", b"")],
        id="implicit_length_header_last_with_newline_has_empty_payload",
    ),
    pytest.param(
        b'{}\n{"type":"a"}\n\n{"type":"b","length":1}\nx\n',
        [("a", b""), ("b", b"x")],
        id="implicit_length_empty_payload_between_items",
    ),
    pytest.param(
        b'{}\n{"type":"attachment","length":6}\nhello\r\n',
        [("attachment", b"hello\r")],
        id="carriage_return_stays_in_a_length_payload",
    ),
    pytest.param(
        b'{}\n{"type":"event"}\n{"a":1}\r\n',
        [("event", b'{"a":1}\r')],
        id="carriage_return_stays_in_an_implicit_payload",
    ),
    pytest.param(
        b'{}\n{"type":"attachment","length":11}\nhello\nworld\n',
        [("attachment", b"hello\nworld")],
        id="newlines_inside_a_length_payload_are_data",
    ),
    pytest.param(
        b'{}\n{"type":"attachment","length":16}\n{"type":"event"}\n',
        [("attachment", b'{"type":"event"}')],
        id="a_payload_that_looks_like_a_header_is_data",
    ),
    pytest.param(
        b'{}\n{"type":"attachment","length":4}\n\xff\x00\n\xfe\n',
        [("attachment", b"\xff\x00\n\xfe")],
        id="binary_payload_is_kept_byte_for_byte",
    ),
    pytest.param(
        b'{}\n\n{"type":"a","length":1}\nx\n\n\n{"type":"b","length":1}\ny\n',
        [("a", b"x"), ("b", b"y")],
        id="blank_lines_between_items_are_skipped",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":1}\nx\n\r\n{"type":"b","length":1}\ny\n',
        [("a", b"x"), ("b", b"y")],
        id="crlf_blank_line_between_items_is_skipped",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":1}\nx\n\n\n',
        [("a", b"x")],
        id="trailing_blank_lines_are_skipped",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":1}\r\nx\n',
        [("a", b"x")],
        id="carriage_return_after_a_header_is_tolerated",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":null}\nabc\n',
        [("a", b"abc")],
        id="null_length_means_implicit_length",
    ),
    pytest.param(
        b'{}\n{"type":"something_new","length":3}\nabc\n',
        [("something_new", b"abc")],
        id="unknown_item_types_are_kept",
    ),
    pytest.param(
        b'{}\n{"length":3}\nabc\n',
        [("", b"abc")],
        id="item_without_type_has_empty_type",
    ),
]


@pytest.mark.parametrize(("body", "expected"), GRAMMAR)
def test_envelope_grammar(body: bytes, expected: list[tuple[str, bytes]]) -> None:
    assert _items(parse_envelope(body)) == expected


def test_envelope_and_item_headers_keep_unknown_attributes() -> None:
    body = (
        '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"http://k@h/1","x":[1]}\n'
        '{"type":"attachment","length":3,"filename":"ñ.txt","custom":true}\nabc\n'
    ).encode()
    envelope = parse_envelope(body)
    assert envelope.headers == {
        "event_id": "9ec79c33ec9942ab8353589fcb2e04dc",
        "dsn": "http://k@h/1",
        "x": [1],
    }
    assert envelope.items == (
        EnvelopeItem(
            {"type": "attachment", "length": 3, "filename": "ñ.txt", "custom": True}, b"abc"
        ),
    )


def test_item_type_is_empty_when_not_a_string() -> None:
    assert EnvelopeItem({"type": 5}, b"").type == ""


# --- grammar: what is refused, and how it is explained -----------------------------------------

MALFORMED: list[Any] = [
    pytest.param(b"", "invalid envelope: missing envelope header", id="empty_body"),
    pytest.param(b"\n\n", "invalid envelope: missing envelope header", id="only_newlines"),
    pytest.param(
        b"{not json}\n",
        "invalid envelope: invalid JSON in envelope header at offset 0: "
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        id="bad_envelope_header_json",
    ),
    pytest.param(
        b"[]\n",
        "invalid envelope: envelope header at offset 0 must be a JSON object, got array",
        id="envelope_header_is_an_array",
    ),
    pytest.param(
        b'"abc"',
        "invalid envelope: envelope header at offset 0 must be a JSON object, got string",
        id="envelope_header_is_a_string",
    ),
    pytest.param(
        b'{"a":"\xff"}\n',
        "invalid envelope: envelope header at offset 0 is not valid UTF-8",
        id="envelope_header_is_not_utf8",
    ),
    pytest.param(
        b"[" * 100_000,
        "invalid envelope: invalid JSON in envelope header at offset 0: nesting too deep",
        id="envelope_header_nested_too_deep",
    ),
    pytest.param(
        b'{"length": ' + b"9" * 5000 + b"}\n",
        "invalid envelope: invalid JSON in envelope header at offset 0: "
        "a number has more than 4300 digits",
        id="envelope_header_number_too_long",
    ),
    pytest.param(
        b'{}{"a":1}\n',
        "invalid envelope: invalid JSON in envelope header at offset 0: "
        "Extra data: line 1 column 3 (char 2)",
        id="two_values_on_the_envelope_header_line",
    ),
    pytest.param(
        b'{}\n{"type":"a"} x\n',
        "invalid envelope: invalid JSON in item header at offset 3: "
        "Extra data: line 1 column 14 (char 13)",
        id="text_after_the_item_header_object",
    ),
    pytest.param(
        b'{}\n{"type":\n',
        "invalid envelope: invalid JSON in item header at offset 3: "
        "Expecting value: line 1 column 9 (char 8)",
        id="bad_item_header_json",
    ),
    pytest.param(
        b"{}\n[1]\n",
        "invalid envelope: item header at offset 3 must be a JSON object, got array",
        id="item_header_is_an_array",
    ),
    pytest.param(
        b"{}\nnull\n",
        "invalid envelope: item header at offset 3 must be a JSON object, got null",
        id="item_header_is_null",
    ),
    pytest.param(
        b'{}\n{"type":5}\n',
        "invalid envelope: item type must be a string, got number",
        id="item_type_is_a_number",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":-1}\n',
        "invalid envelope: item length must be a non-negative integer, got -1",
        id="negative_length",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":"5"}\nhello\n',
        'invalid envelope: item length must be a non-negative integer, got "5"',
        id="string_length",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":1.5}\nhello\n',
        "invalid envelope: item length must be a non-negative integer, got 1.5",
        id="fractional_length",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":true}\nhello\n',
        "invalid envelope: item length must be a non-negative integer, got true",
        id="boolean_length",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":10}\nhello',
        "invalid envelope: item payload truncated: length is 10 but only 5 bytes remain",
        id="payload_shorter_than_length",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":1}',
        "invalid envelope: item payload truncated: length is 1 but only 0 bytes remain",
        id="length_item_header_at_end_of_input",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":3}\nhello\n',
        "invalid envelope: missing newline after item payload",
        id="payload_longer_than_length",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":5}\nhelloX',
        "invalid envelope: missing newline after item payload",
        id="byte_directly_after_payload",
    ),
    pytest.param(
        b'{}\n{"type":"a","length":5}\nhello\ngarbage',
        "invalid envelope: invalid JSON in item header at offset 33: "
        "Expecting value: line 1 column 1 (char 0)",
        id="garbage_after_last_item",
    ),
]


@pytest.mark.parametrize(("body", "message"), MALFORMED)
def test_malformed_envelopes_are_bad_requests(body: bytes, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_envelope(body)
    assert caught.value.message == message


# --- per-type item limits ----------------------------------------------------------------------

LIMITS = {"event": 4, "attachment": 10}

ITEM_LIMITS: list[Any] = [
    pytest.param(b'{}\n{"type":"event","length":4}\n1234\n', None, id="event_at_the_limit"),
    pytest.param(
        b'{}\n{"type":"event","length":5}\n12345\n',
        "envelope item of type 'event' exceeds the size limit of 4 bytes (5 bytes)",
        id="event_over_the_limit",
    ),
    pytest.param(
        b'{}\n{"type":"event"}\n12345\n',
        "envelope item of type 'event' exceeds the size limit of 4 bytes (5 bytes)",
        id="implicit_length_event_over_the_limit",
    ),
    pytest.param(
        b'{}\n{"type":"event","length":2}\n{}\n{"type":"attachment","length":11}\nhello world\n',
        "envelope item of type 'attachment' exceeds the size limit of 10 bytes (11 bytes)",
        id="second_item_over_its_own_limit",
    ),
    pytest.param(
        b'{}\n{"type":"session","length":12}\n{"sid":"x1"}\n', None, id="types_without_a_limit"
    ),
]


@pytest.mark.parametrize(("body", "message"), ITEM_LIMITS)
def test_item_size_limits(body: bytes, message: str | None) -> None:
    if message is None:
        assert len(parse_envelope(body, max_item_bytes=LIMITS).items) == 1
        return
    with pytest.raises(PayloadTooLarge) as caught:
        parse_envelope(body, max_item_bytes=LIMITS)
    assert caught.value.message == message


# --- captured sentry-python 2.75.0 envelopes ---------------------------------------------------

ATTACHMENT = b"hello attachment\n"
SAMPLE_ITEMS: dict[str, list[tuple[str, int]]] = {
    "check-in-in-progress.envelope": [("check_in", 636), ("attachment", 17)],
    "check-in-ok.envelope": [("check_in", 626), ("attachment", 17)],
    "client-report.envelope": [("client_report", 182)],
    "exception-chained-in-transaction.envelope": [("event", 4306)],
    "exception-in-app-flags.envelope": [("event", 5150)],
    "logging-error-event-with-attachment.envelope": [("event", 1266), ("attachment", 17)],
    "logs.envelope": [("log", 2270)],
    "message-with-attachment.envelope": [("event", 1193), ("attachment", 17)],
    "message.envelope": [("event", 1212)],
    "session-update.envelope": [("session", 238)],
    "sessions-aggregate.envelope": [("sessions", 130)],
    "transaction.envelope": [("transaction", 1029)],
    # A separate capture (its own event id), not a compressed copy of an .envelope file.
    "exception-chained.envelope.br": [("event", 4379)],
}


def _sample(name: str) -> bytes:
    data = (SAMPLES / name).read_bytes()
    return brotli.decompress(data) if name.endswith(".br") else data


@pytest.mark.parametrize(
    ("name", "expected"), [pytest.param(n, e, id=n) for n, e in SAMPLE_ITEMS.items()]
)
def test_captured_envelopes_parse(name: str, expected: list[tuple[str, int]]) -> None:
    envelope = parse_envelope(_sample(name))
    assert [(item.type, len(item.payload)) for item in envelope.items] == expected
    for item in envelope.items:
        if item.type == "attachment":
            assert item.headers["filename"] == "note.txt"
            assert item.payload == ATTACHMENT
        else:
            assert isinstance(parse_event_json(item.payload), dict)


def test_every_captured_envelope_is_covered() -> None:
    covered = set(SAMPLE_ITEMS)
    on_disk = {p.name for p in SAMPLES.glob("*.envelope")} | {"exception-chained.envelope.br"}
    assert covered == on_disk


@pytest.mark.parametrize(
    ("name", "header_keys"),
    [
        pytest.param("message.envelope", ["event_id", "sent_at", "trace"], id="event"),
        pytest.param("logs.envelope", ["sent_at"], id="logs"),
        pytest.param("session-update.envelope", [], id="session_has_empty_header"),
    ],
)
def test_captured_envelope_headers(name: str, header_keys: list[str]) -> None:
    assert sorted(parse_envelope(_sample(name)).headers) == header_keys


def test_event_id_of_captured_event_matches_its_payload() -> None:
    envelope = parse_envelope(_sample("message.envelope"))
    event = parse_event_json(envelope.items[0].payload)
    assert envelope.headers["event_id"] == event["event_id"] == "457cba7b0e654d8c8c296635d3a38d21"


# --- event JSON --------------------------------------------------------------------------------

EVENT_JSON: list[Any] = [
    pytest.param(b'{"message":"hi"}', {"message": "hi"}, id="object"),
    pytest.param(b' {"a": [1, {"b": null}]} \n', {"a": [1, {"b": None}]}, id="nested_with_spaces"),
    pytest.param('{"m":"é"}'.encode(), {"m": "é"}, id="utf8_text"),
    # orjson's trade for speed: an integer beyond 64 bits is read as the nearest float.
    pytest.param(b'{"n":' + b"9" * 30 + b"}", {"n": 1e30}, id="integer_beyond_64_bits_as_float"),
]


@pytest.mark.parametrize(("payload", "expected"), EVENT_JSON)
def test_event_json_decodes(payload: bytes, expected: dict[str, Any]) -> None:
    assert parse_event_json(payload) == expected


def test_event_json_accepts_nan_and_infinity() -> None:
    event = parse_event_json(b'{"a":NaN,"b":Infinity,"c":-Infinity}')
    assert math.isnan(event["a"])
    assert event["b"] == math.inf
    assert event["c"] == -math.inf


BAD_EVENT_JSON: list[Any] = [
    pytest.param(
        b"",
        "invalid JSON in event item: Expecting value: line 1 column 1 (char 0)",
        id="empty",
    ),
    pytest.param(
        b'{"a":1',
        "invalid JSON in event item: Expecting ',' delimiter: line 1 column 7 (char 6)",
        id="truncated",
    ),
    pytest.param(
        b"\xff{}",
        "invalid JSON in event item: 'utf-8' codec can't decode byte 0xff in position 0: "
        "invalid start byte",
        id="not_utf8",
    ),
    pytest.param(b"[" * 100_000, "invalid JSON in event item: nesting too deep", id="too_deep"),
    pytest.param(
        b'{"n": ' + b"1" * 5000 + b"}",
        "invalid JSON in event item: a number has more than 4300 digits",
        id="long_number",
    ),
    pytest.param(b"[1]", "event item must be a JSON object", id="array"),
    pytest.param(b'"text"', "event item must be a JSON object", id="string"),
    pytest.param(b"null", "event item must be a JSON object", id="null"),
]


@pytest.mark.parametrize(("payload", "message"), BAD_EVENT_JSON)
def test_bad_event_json_is_a_bad_request(payload: bytes, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_event_json(payload)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("count", "accepted"), [(3, True), (4, False)], ids=["at-cap", "above-cap"]
)
def test_item_count_is_capped(count, accepted):
    body = b"{}\n" + b'{"type":"session"}\n{}\n' * count
    if accepted:
        assert len(parse_envelope(body, max_items=3).items) == 3
    else:
        with pytest.raises(PayloadTooLarge, match="envelope has more than 3 items"):
            parse_envelope(body, max_items=3)
