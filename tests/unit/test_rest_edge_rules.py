"""Pure rules at the REST edge: id ranges, paging parameters, cursors, strict JSON, Rustrak aliases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from unittest.mock import Mock

import pytest
from aiohttp import StreamReader
from aiohttp.test_utils import make_mocked_request
from multidict import MultiDict

from app.compat.rustrak.aliases import IssueListing, issue_changes, issue_listing
from app.errors import BadRequest, InvalidField, PayloadTooLarge
from app.http import parse_json_object, read_body
from app.ids import column_range, parse_id
from app.issues.service import IssueSort
from app.pagination import Cursor, PageRequest, cursor_value, encode_cursor, parse_page
from app.text import require_plain_line
from models import ApiToken, Issue, IssueHistory, IssueState, Project

INT4 = 2**31 - 1
INT8 = 2**63 - 1


def test_id_ranges_come_from_the_model_columns():
    assert column_range(Project, "id") == (-(2**31), INT4)
    assert column_range(ApiToken, "id") == (-(2**31), INT4)
    assert column_range(Issue, "id") == (-(2**63), INT8)
    assert column_range(Issue, "counter") == (-(2**31), INT4)


@pytest.mark.parametrize(
    ("raw", "model", "expected"),
    [
        ("1", Project, 1),
        ("0007", Project, 7),
        (str(INT4), Project, INT4),
        (str(INT4 + 1), Project, None),
        (str(INT4 + 1), Issue, INT4 + 1),
        (str(INT8), Issue, INT8),
        (str(INT8 + 1), Issue, None),
        ("0" * 40 + "5", Issue, 5),
        ("0" * 5000 + "5", Issue, 5),
        ("0" * 5000, Issue, 0),
        ("9" * 5000, Issue, None),
        ("\u0663", Project, None),
        ("", Project, None),
        ("-1", Project, None),
    ],
)
def test_parse_id(raw, model, expected):
    assert parse_id(raw, model) == expected


def _page(**query: str) -> PageRequest:
    return parse_page(MultiDict(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, PageRequest(limit=50)),
        ({"limit": "7"}, PageRequest(limit=7)),
        ({"limit": "0000050"}, PageRequest(limit=50)),
        ({"limit": "0" * 5000 + "50"}, PageRequest(limit=50)),
        ({"per_page": "20"}, PageRequest(limit=20)),
        ({"per_page": "20", "limit": "20"}, PageRequest(limit=20)),
        ({"page": "1"}, PageRequest(limit=50, offset=0)),
        ({"page": "3", "per_page": "20"}, PageRequest(limit=20, offset=40)),
        ({"page": "2", "limit": "5"}, PageRequest(limit=5, offset=5)),
        ({"page": "10000", "per_page": "100"}, PageRequest(limit=100, offset=999_900)),
        (
            {"cursor": encode_cursor("project:id:asc", [3])},
            PageRequest(limit=50, after=Cursor("project:id:asc", (3,))),
        ),
    ],
)
def test_parse_page(query, expected):
    assert _page(**query) == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"limit": "0"}, "limit", "must be an integer from 1 to 100"),
        ({"limit": "\u0665"}, "limit", "must be an integer from 1 to 100"),
        ({"limit": "+5"}, "limit", "must be an integer from 1 to 100"),
        ({"limit": "5_0"}, "limit", "must be an integer from 1 to 100"),
        ({"page": "0"}, "page", "must be an integer from 1 to 10000"),
        ({"per_page": "101"}, "per_page", "must be an integer from 1 to 100"),
        ({"per_page": "20", "limit": "10"}, "per_page", "conflicts with limit=10"),
        (
            {"page": "2", "cursor": encode_cursor("project:id:asc", [1])},
            "page",
            "cannot be combined with cursor",
        ),
        ({"cursor": "A" * 257}, "cursor", "is not a cursor returned by this API"),
    ],
)
def test_bad_paging_parameters_name_the_field(query, field, message):
    with pytest.raises(InvalidField) as caught:
        _page(**query)
    assert (caught.value.field, caught.value.message) == (field, f"{field}: {message}")


def test_a_parameter_given_twice_is_refused():
    with pytest.raises(InvalidField, match=r"^limit: must be given at most once$"):
        parse_page(MultiDict([("limit", "1"), ("limit", "1")]))


@pytest.mark.parametrize(
    ("model", "key", "value", "expected"),
    [
        (Project, "id", 5, 5),
        (Issue, "id", INT8, INT8),
        (Issue, "counter", INT4, INT4),
        (
            IssueHistory,
            "at",
            "2026-01-02T03:04:05+00:00",
            datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        ),
        (
            IssueHistory,
            "at",
            "2026-01-02T03:04:05+02:00",
            datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC),
        ),
        (IssueHistory, "at", "0001-01-01T00:00:00+00:00", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_cursor_values_become_column_values(model, key, value, expected):
    assert cursor_value(model, key, value) == expected


@pytest.mark.parametrize(
    ("model", "key", "value"),
    [
        (Project, "id", INT4 + 1),
        (Issue, "id", INT8 + 1),
        (Issue, "counter", INT4 + 1),
        (Project, "id", True),
        (Project, "id", 1.0),
        (Project, "id", "1"),
        (Project, "id", None),
        (IssueHistory, "at", "2026-01-02T03:04:05"),
        (IssueHistory, "at", "0001-01-01T00:00:00+00:01"),
        (IssueHistory, "at", "9999-12-31T23:59:59-00:01"),
        (IssueHistory, "at", 1_700_000_000),
        (IssueHistory, "at", "2" * 41),
    ],
)
def test_cursor_values_the_column_cannot_hold_are_refused(model, key, value):
    with pytest.raises(InvalidField, match=r"^cursor: is not a cursor returned by this API$"):
        cursor_value(model, key, value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": 1}', {"a": 1}),
        (b'{"a": -12345678901234567890, "b": 1.5e300}', {"a": -12345678901234567890, "b": 1.5e300}),
        ('{"a": "\\ud83d\\ude00 é"}'.encode(), {"a": "\U0001f600 é"}),
        (b'{"a": {"a": 1}}', {"a": {"a": 1}}),
    ],
)
def test_strict_json_accepts_ordinary_objects(raw, expected):
    assert parse_json_object(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "body must be a JSON object"),
        (b"[1]", "body must be a JSON object"),
        (b"[" * 5000, "malformed JSON body: nested too deeply"),
        (b'{"a": NaN}', "malformed JSON body: NaN is not valid JSON"),
        (b'{"a": 1e309}', "malformed JSON body: a number is out of range"),
        (
            b'{"a": 123456789012345678901}',
            "malformed JSON body: an integer has more than 20 digits",
        ),
        (b'{"a": {"b": 1, "b": 2}}', "malformed JSON body: duplicate key 'b'"),
        (b'{"\\udfff": 1}', "malformed JSON body: a key holds a lone surrogate"),
        (b'{"a": "\\ud800"}', "a: must not contain lone surrogates"),
        (b"\xef\xbb\xbf{}", "malformed JSON body: starts with a byte order mark"),
        (b'{"' + b"k" * 65 + b'": 1}', "unknown field '" + "k" * 40 + "...'"),
    ],
)
def test_strict_json_refuses(raw, message):
    with pytest.raises(BadRequest) as caught:
        parse_json_object(raw)
    assert caught.value.message == message


def test_nesting_near_the_recursion_limit_is_parsed_or_refused_never_raised():
    outcomes = set()
    for depth in range(850, 1100, 7):
        raw = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
        try:
            parse_json_object(raw)
            outcomes.add("parsed")
        except BadRequest as refused:
            outcomes.add(refused.message)
    assert outcomes == {"parsed", "malformed JSON body: nested too deeply"}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("a\x00b", "must not contain control characters"),
        ("a\tb", "must not contain control characters"),
        ("a\x9fb", "must not contain control characters"),
        ("a\ud800", "must not contain lone surrogates"),
    ],
)
def test_plain_lines_refuse_controls_and_surrogates(value, problem):
    with pytest.raises(InvalidField, match=f"^name: {problem}$"):
        require_plain_line("name", value)
    assert require_plain_line("name", "Ünïcode app ✓") == "Ünïcode app ✓"


# --- Rustrak aliases -----------------------------------------------------------------------


def _listing(**query: str) -> IssueListing:
    return issue_listing(MultiDict(query))


DEFAULT = IssueListing(state=None, sort=IssueSort.LAST_SEEN, descending=True, page=PageRequest())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, DEFAULT),
        (
            {"state": "open"},
            IssueListing(IssueState.OPEN, IssueSort.LAST_SEEN, True, PageRequest()),
        ),
        (
            {"filter": "muted"},
            IssueListing(IssueState.MUTED, IssueSort.LAST_SEEN, True, PageRequest()),
        ),
        ({"filter": "all"}, DEFAULT),
        (
            {"filter": "resolved", "state": "resolved"},
            IssueListing(IssueState.RESOLVED, IssueSort.LAST_SEEN, True, PageRequest()),
        ),
        ({"sort": "digest_order"}, IssueListing(None, IssueSort.DIGEST_ORDER, True, PageRequest())),
        (
            {"sort": "last_seen", "order": "asc"},
            IssueListing(None, IssueSort.LAST_SEEN, False, PageRequest()),
        ),
        ({"order": "desc"}, DEFAULT),
        (
            {"page": "2", "per_page": "20"},
            IssueListing(None, IssueSort.LAST_SEEN, True, PageRequest(limit=20, offset=20)),
        ),
    ],
)
def test_issue_listing_translates_rustrak_parameters(query, expected):
    assert _listing(**query) == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"filter": "closed"}, "filter", "must be one of open, resolved, muted, all"),
        ({"filter": "all", "state": "open"}, "filter", "conflicts with state=open"),
        ({"filter": "muted", "state": "open"}, "filter", "conflicts with state=open"),
        ({"state": "all"}, "state", "must be one of open, resolved, muted"),
        ({"sort": "event_count"}, "sort", "must be one of last_seen, digest_order"),
        ({"order": "up"}, "order", "must be one of asc, desc"),
        ({"order": "ASC"}, "order", "must be one of asc, desc"),
    ],
)
def test_issue_listing_refuses_unknown_and_conflicting_parameters(query, field, message):
    with pytest.raises(InvalidField) as caught:
        _listing(**query)
    assert (caught.value.field, caught.value.message) == (field, f"{field}: {message}")


def test_repeated_filter_is_refused():
    with pytest.raises(InvalidField, match=r"^filter: must be given at most once$"):
        issue_listing(MultiDict([("filter", "open"), ("filter", "muted")]))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"state": "muted"}, {"state": "muted"}),
        ({}, {}),
        ({"is_resolved": True}, {"state": "resolved"}),
        ({"is_resolved": False}, {"state": "open"}),
        ({"is_muted": True}, {"state": "muted"}),
        ({"is_muted": False}, {"state": "open"}),
        ({"is_resolved": True, "is_muted": False}, {"state": "resolved"}),
        ({"is_resolved": False, "is_muted": True}, {"state": "muted"}),
        ({"is_resolved": False, "is_muted": False}, {"state": "open"}),
        ({"is_resolved": True, "state": "resolved"}, {"state": "resolved"}),
        ({"is_muted": True, "title": "x"}, {"title": "x", "state": "muted"}),
    ],
)
def test_issue_changes_translate_rustrak_flags(body, expected):
    assert issue_changes(body) == expected


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"is_resolved": 1}, "is_resolved", "must be true or false"),
        ({"is_muted": "true"}, "is_muted", "must be true or false"),
        ({"is_muted": None}, "is_muted", "must be true or false"),
        ({"is_resolved": True, "is_muted": True}, "is_muted", "conflicts with is_resolved=true"),
        ({"is_resolved": True, "state": "open"}, "state", "conflicts with is_resolved=true"),
        ({"is_muted": False, "state": "muted"}, "state", "conflicts with is_muted=false"),
        (
            {"is_resolved": True, "state": "closed"},
            "state",
            "must be one of open, resolved, muted",
        ),
    ],
)
def test_issue_changes_refuse_bad_and_conflicting_flags(body, field, message):
    with pytest.raises(InvalidField) as caught:
        issue_changes(body)
    assert (caught.value.field, caught.value.message) == (field, f"{field}: {message}")


async def _read(payload: StreamReader, max_bytes: int = 100) -> bytes:
    request = make_mocked_request("POST", "/api/projects", payload=payload)
    return await read_body(request, max_bytes, timeout_s=5)


def _stream() -> StreamReader:
    return StreamReader(Mock(_reading_paused=False), 2**16, loop=asyncio.get_running_loop())


async def test_read_body_reads_until_eof():
    payload = _stream()
    payload.feed_data(b'{"a": 1}')
    payload.feed_eof()
    assert await _read(payload) == b'{"a": 1}'


async def test_read_body_stops_past_the_limit_without_content_length():
    payload = _stream()
    payload.feed_data(b"x" * 101)
    with pytest.raises(PayloadTooLarge, match=r"^request body too large \(limit 100 bytes\)$"):
        await _read(payload)
