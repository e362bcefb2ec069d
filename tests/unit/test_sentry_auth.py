"""Sentry credentials: auth header parsing, the sources of the public key, DSNs (§A1)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from app.errors import BadRequest, FaultlineError, Unauthorized
from app.ingest.sentry_auth import SentryAuth, extract_auth, key_from_dsn, parse_auth_header

KEY = "abcdef0123456789abcdef0123456789"
DASHED = "abcdef01-2345-6789-abcd-ef0123456789"
OTHER = "0123456789abcdef0123456789abcdef"
# Exactly what sentry-python 2.75.0 sent (samples/sentry-python-2.75.0/message.request.txt).
CAPTURED = f"Sentry sentry_key={KEY}, sentry_version=7, sentry_client=sentry.python/2.75.0"


def _basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


# --- parse_auth_header -------------------------------------------------------------------------

HEADER_VALUES: list[Any] = [
    pytest.param(
        CAPTURED,
        {"sentry_key": KEY, "sentry_version": "7", "sentry_client": "sentry.python/2.75.0"},
        id="captured_sentry_python_header",
    ),
    pytest.param("sentry a=1", {"a": "1"}, id="prefix_is_case_insensitive"),
    pytest.param("SENTRY a=1", {"a": "1"}, id="prefix_in_capitals"),
    pytest.param(" Sentry  a = 1 ,b=2 , ", {"a": "1", "b": "2"}, id="keys_and_values_are_trimmed"),
    pytest.param("Sentry\ta=1", {"a": "1"}, id="tab_after_prefix"),
    pytest.param("Sentry a=1, junk, =2", {"a": "1"}, id="pairs_without_a_name_are_ignored"),
    pytest.param("Sentry a=x=y", {"a": "x=y"}, id="value_keeps_later_equals_signs"),
    pytest.param("Sentry", {}, id="prefix_only"),
]


@pytest.mark.parametrize(("value", "expected"), HEADER_VALUES)
def test_parse_auth_header(value: str, expected: dict[str, str]) -> None:
    assert parse_auth_header(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("Basic abc", id="other_scheme"),
        pytest.param("", id="empty"),
        pytest.param("Sentrysentry_key=x", id="no_space_after_prefix"),
        pytest.param("sentry_key=x, sentry_version=7", id="no_prefix"),
    ],
)
def test_auth_header_without_sentry_prefix_is_unauthorized(value: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        parse_auth_header(value)
    assert caught.value.message == "bad X-Sentry-Auth header"


# --- extract_auth: accepted sources ------------------------------------------------------------

ACCEPTED: list[Any] = [
    pytest.param(
        {"X-Sentry-Auth": CAPTURED},
        {},
        SentryAuth(KEY, "sentry.python/2.75.0", 7),
        id="x_sentry_auth_header",
    ),
    pytest.param(
        {"x-sentry-auth": CAPTURED},
        {},
        SentryAuth(KEY, "sentry.python/2.75.0", 7),
        id="header_names_are_case_insensitive",
    ),
    pytest.param(
        {"X-Sentry-Auth": f"Sentry sentry_key={KEY}, sentry_secret=s, sentry_timestamp=1"},
        {},
        SentryAuth(KEY, None, 7),
        id="secret_and_timestamp_are_ignored",
    ),
    pytest.param(
        {"Authorization": f"Sentry sentry_key={KEY}, sentry_client=x/1"},
        {},
        SentryAuth(KEY, "x/1", 7),
        id="authorization_sentry_header",
    ),
    pytest.param(
        {"Authorization": _basic(f"{KEY}:")}, {}, SentryAuth(KEY, None, 7), id="basic_auth"
    ),
    pytest.param(
        {"Authorization": _basic(f"{KEY}:secret")},
        {},
        SentryAuth(KEY, None, 7),
        id="basic_auth_with_a_password",
    ),
    pytest.param(
        {"Authorization": _basic(KEY)}, {}, SentryAuth(KEY, None, 7), id="basic_auth_without_colon"
    ),
    pytest.param(
        {},
        {"sentry_version": "7", "sentry_key": KEY, "sentry_client": "sentry.javascript.browser/9"},
        SentryAuth(KEY, "sentry.javascript.browser/9", 7),
        id="query_string",
    ),
    pytest.param({}, {"sentry_key": KEY}, SentryAuth(KEY, None, 7), id="query_key_only"),
    pytest.param(
        {"X-Sentry-Auth": f"Sentry sentry_key={DASHED}"},
        {},
        SentryAuth(KEY, None, 7),
        id="dashed_uuid_key_is_normalised",
    ),
    pytest.param(
        {},
        {"sentry_key": KEY.upper()},
        SentryAuth(KEY, None, 7),
        id="upper_case_key_is_lowered",
    ),
    pytest.param(
        {"X-Sentry-Auth": CAPTURED},
        {"sentry_key": DASHED, "sentry_client": "other/1"},
        SentryAuth(KEY, "sentry.python/2.75.0", 7),
        id="two_sources_with_the_same_key",
    ),
    pytest.param(
        {"X-Sentry-Auth": f"Sentry sentry_key={KEY}"},
        {"sentry_key": KEY, "sentry_client": "js/1", "sentry_version": "6"},
        SentryAuth(KEY, "js/1", 6),
        id="missing_fields_come_from_the_next_source",
    ),
    pytest.param(
        {},
        {"sentry_key": KEY, "sentry_version": "7.0"},
        SentryAuth(KEY, None, 7),
        id="version_is_read_up_to_the_first_dot",
    ),
    pytest.param(
        {},
        {"sentry_key": KEY, "sentry_version": "5"},
        SentryAuth(KEY, None, 5),
        id="older_versions_are_accepted",
    ),
    pytest.param(
        {"Authorization": "Bearer some-proxy-token"},
        {"sentry_key": KEY},
        SentryAuth(KEY, None, 7),
        id="other_authorization_schemes_are_ignored",
    ),
]


@pytest.mark.parametrize(("headers", "query", "expected"), ACCEPTED)
def test_extract_auth(headers: dict[str, str], query: dict[str, str], expected: SentryAuth) -> None:
    assert extract_auth(headers, query) == expected


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        pytest.param({}, {}, id="nothing"),
        pytest.param({"Authorization": "Bearer token"}, {}, id="bearer_token_only"),
        pytest.param({"User-Agent": "sentry.python/2.75.0"}, {}, id="user_agent_only"),
        pytest.param({}, {"sentry_version": "7"}, id="query_without_a_key"),
    ],
)
def test_requests_without_sentry_credentials_have_no_auth(
    headers: dict[str, str], query: dict[str, str]
) -> None:
    assert extract_auth(headers, query) is None


# --- extract_auth: refused ---------------------------------------------------------------------

REFUSED: list[Any] = [
    pytest.param(
        {"X-Sentry-Auth": "Bearer abc"},
        {},
        Unauthorized,
        "bad X-Sentry-Auth header",
        id="x_sentry_auth_with_another_scheme",
    ),
    pytest.param(
        {"X-Sentry-Auth": ""}, {}, Unauthorized, "bad X-Sentry-Auth header", id="empty_header"
    ),
    pytest.param(
        {"X-Sentry-Auth": "Sentry sentry_version=7"},
        {},
        Unauthorized,
        "bad X-Sentry-Auth header: missing sentry_key",
        id="x_sentry_auth_without_key",
    ),
    pytest.param(
        {"Authorization": "Sentry sentry_version=7"},
        {},
        Unauthorized,
        "bad Authorization header: missing sentry_key",
        id="authorization_without_key",
    ),
    pytest.param(
        {"Authorization": "Basic !!!"},
        {},
        Unauthorized,
        "bad Authorization header: invalid Basic credentials",
        id="basic_auth_not_base64",
    ),
    pytest.param(
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:").decode()},
        {},
        Unauthorized,
        "bad Authorization header: invalid Basic credentials",
        id="basic_auth_not_utf8",
    ),
    pytest.param(
        # The captured client-report request used a DSN with the key "k1".
        {"X-Sentry-Auth": "Sentry sentry_key=k1, sentry_version=7"},
        {},
        Unauthorized,
        "invalid sentry_key",
        id="key_that_is_not_hex",
    ),
    pytest.param({}, {"sentry_key": KEY[:-1]}, Unauthorized, "invalid sentry_key", id="short_key"),
    pytest.param({}, {"sentry_key": ""}, Unauthorized, "invalid sentry_key", id="empty_key"),
    pytest.param(
        {}, {"sentry_key": "g" * 32}, Unauthorized, "invalid sentry_key", id="non_hex_digits"
    ),
    pytest.param(
        {},
        {"sentry_key": "abcdef0123-456789-abcd-ef0123456789"},
        Unauthorized,
        "invalid sentry_key",
        id="dashes_in_the_wrong_places",
    ),
    pytest.param(
        {"Authorization": _basic("k1:")},
        {},
        Unauthorized,
        "invalid sentry_key",
        id="basic_auth_with_an_invalid_key",
    ),
    pytest.param(
        {"X-Sentry-Auth": CAPTURED},
        {"sentry_key": OTHER},
        Unauthorized,
        "conflicting sentry keys in request",
        id="header_and_query_disagree",
    ),
    pytest.param(
        {"X-Sentry-Auth": CAPTURED, "Authorization": _basic(f"{OTHER}:")},
        {},
        Unauthorized,
        "conflicting sentry keys in request",
        id="header_and_basic_auth_disagree",
    ),
    pytest.param(
        {},
        {"sentry_key": KEY, "sentry_version": "8"},
        BadRequest,
        "unsupported protocol version (8)",
        id="version_above_7",
    ),
    pytest.param(
        {"X-Sentry-Auth": CAPTURED},
        {"sentry_key": KEY, "sentry_version": "9"},
        BadRequest,
        "unsupported protocol version (9)",
        id="version_above_7_in_a_second_source",
    ),
    pytest.param(
        {"X-Sentry-Auth": f"Sentry sentry_key={KEY}, sentry_version=abc"},
        {},
        Unauthorized,
        "bad X-Sentry-Auth header: invalid sentry_version 'abc'",
        id="version_not_a_number",
    ),
    pytest.param(
        {},
        {"sentry_key": KEY, "sentry_version": "-1"},
        Unauthorized,
        "bad query string: invalid sentry_version '-1'",
        id="negative_version",
    ),
]


@pytest.mark.parametrize(("headers", "query", "error", "message"), REFUSED)
def test_bad_credentials_are_refused(
    headers: dict[str, str], query: dict[str, str], error: type[FaultlineError], message: str
) -> None:
    with pytest.raises(error) as caught:
        extract_auth(headers, query)
    assert type(caught.value) is error
    assert caught.value.message == message


# --- DSNs --------------------------------------------------------------------------------------

DSNS: list[Any] = [
    pytest.param(f"http://{KEY}@127.0.0.1:8765/42", (KEY, 42), id="captured_test_dsn"),
    pytest.param(f"https://{KEY}:secret@o1.ingest.sentry.io/123", (KEY, 123), id="with_secret"),
    pytest.param(f"https://{KEY}@example.com/sentry/prefix/7", (KEY, 7), id="with_path_prefix"),
    pytest.param(f"http://{KEY}@host/42/", (KEY, 42), id="trailing_slash"),
    pytest.param(f"http://{DASHED.upper()}@host/1", (KEY, 1), id="dashed_upper_case_key"),
    pytest.param(f" http://{KEY}@host/1 ", (KEY, 1), id="surrounding_whitespace"),
    pytest.param("not a dsn", None, id="not_a_url"),
    pytest.param("", None, id="empty"),
    pytest.param(f"ftp://{KEY}@host/1", None, id="unsupported_scheme"),
    pytest.param("http://host/1", None, id="no_public_key"),
    pytest.param(f"http://{KEY}@host/", None, id="no_project_id"),
    pytest.param(f"http://{KEY}@host/abc", None, id="project_id_not_a_number"),
    pytest.param(f"http://{KEY}@host/٤٢", None, id="project_id_in_non_ascii_digits"),
    pytest.param("http://k1@host/1", None, id="invalid_public_key"),
    pytest.param(f"http://{KEY}@/1", None, id="no_host"),
    pytest.param(f"http://{KEY}@[::1/1", None, id="unparseable_host"),
]


@pytest.mark.parametrize(("dsn", "expected"), DSNS)
def test_key_from_dsn(dsn: str, expected: tuple[str, int] | None) -> None:
    assert key_from_dsn(dsn) == expected
