"""Outbound alert POSTs against a real local receiver: the SSRF guard where the connection is
made, redirects, answers worth a retry, time limits and the capped read."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from app.alerts.channels.slack import send_slack, slack_message
from app.alerts.outbound import MAX_REDIRECTS, post
from app.config import Settings
from tests.conftest import free_port
from tests.integration.channel_receiver import Receiver, receiving
from tests.unit.test_alert_messages import payload

HINT = "(FAULTLINE_ALERT_ALLOW_PRIVATE=1 allows private targets)"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as r:
        yield r


async def test_with_private_targets_allowed_the_post_arrives_as_sent(receiver: Receiver) -> None:
    result = await post(
        receiver.url("/hook"),
        b'{"a": 1}',
        {**JSON, "X-Faultline-Delivery": "5"},
        allow_private=True,
    )
    assert (result.ok, result.retry, result.status_code, result.error) == (True, False, 200, None)
    [got] = receiver.received
    assert (got.path, got.body) == ("/hook", b'{"a": 1}')
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-Faultline-Delivery"] == "5"
    assert got.headers["User-Agent"].startswith("Faultline/")
    assert got.headers["Accept-Encoding"] == "identity"


async def test_a_name_resolving_to_loopback_works_when_private_targets_are_allowed(
    receiver: Receiver,
) -> None:
    result = await post(receiver.url("/hook", "localhost"), b"{}", JSON, allow_private=True)
    assert (result.ok, result.status_code) == (True, 200)
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("[::1]", "::1 is a loopback address"),
        ("0.0.0.0", "0.0.0.0 is the unspecified address"),
        (
            "[::ffff:127.0.0.1]",
            "::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address",
        ),
        ("10.0.0.1", "10.0.0.1 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
    ],
)
async def test_literal_private_addresses_are_refused_before_connecting(
    receiver: Receiver, host: str, reason: str
) -> None:
    result = await post(receiver.url("/hook", host), b"{}", JSON)
    assert (result.ok, result.retry, result.status_code) == (False, False, None)
    assert result.error == f"refused: {reason} {HINT}"
    assert receiver.received == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [("localhost", "localhost"), ("LocalHost", "localhost")],
)
async def test_names_resolving_to_loopback_are_refused_by_the_connecting_resolver(
    receiver: Receiver, name: str, shown: str
) -> None:
    result = await post(receiver.url("/hook", name), b"{}", JSON)
    assert (result.ok, result.retry, result.status_code) == (False, False, None)
    # localhost may resolve to ::1 or 127.0.0.1 first; either is refused, the first one named.
    assert result.error in {
        f"refused: {shown} resolves to 127.0.0.1, a loopback address {HINT}",
        f"refused: {shown} resolves to ::1, a loopback address {HINT}",
    }
    assert receiver.received == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "0177.0.0.1", "127.0.0.1."])
async def test_legacy_forms_of_addresses_are_refused_even_with_private_targets_allowed(
    receiver: Receiver, host: str
) -> None:
    result = await post(receiver.url("/hook", host), b"{}", JSON, allow_private=True)
    assert (result.ok, result.retry, result.status_code) == (False, False, None)
    assert result.error == f"{host} is not an address written in the standard form"
    assert receiver.received == []


async def test_slack_messages_are_refused_like_any_post(receiver: Receiver) -> None:
    result = await send_slack(receiver.url("/hook"), payload(), 1, Settings())
    assert result.error == f"refused: 127.0.0.1 is a loopback address {HINT}"
    assert receiver.received == []


async def test_a_redirect_to_another_host_is_refused_and_not_followed(receiver: Receiver) -> None:
    elsewhere = receiver.url("/hook", "127.0.0.2")
    result = await post(
        receiver.url(f"/redirect/307?to={elsewhere}"), b"{}", JSON, allow_private=True
    )
    assert (result.ok, result.retry, result.status_code) == (False, False, 307)
    assert result.error == (
        f"HTTP 307: a redirect to another host or port ({elsewhere}) is refused; use the final URL"
    )
    assert [r.path for r in receiver.received] == [f"/redirect/307?to={elsewhere}"]


async def test_a_same_origin_307_is_followed_with_the_same_body(receiver: Receiver) -> None:
    result = await post(
        receiver.url("/redirect/307?to=/hook/moved"), b"payload", JSON, allow_private=True
    )
    assert (result.ok, result.status_code, result.error) == (True, 200, None)
    assert [(r.path, r.body) for r in receiver.received] == [
        ("/redirect/307?to=/hook/moved", b"payload"),
        ("/hook/moved", b"payload"),
    ]


async def test_a_same_origin_redirect_is_checked_like_the_first_url(receiver: Receiver) -> None:
    with_credentials = receiver.url("/hook").replace("http://", "http://user:pw@")
    result = await post(
        receiver.url(f"/redirect/307?to={with_credentials}"), b"{}", JSON, allow_private=True
    )
    assert (result.ok, result.retry, result.status_code) == (False, False, 307)
    assert result.error == (
        "HTTP 307: the redirect's target: URLs with credentials (user:password@) are refused"
    )
    assert len(receiver.received) == 1


async def test_a_302_is_not_followed_since_it_would_drop_the_body(receiver: Receiver) -> None:
    result = await post(receiver.url("/redirect/302?to=/hook"), b"{}", JSON, allow_private=True)
    assert (result.ok, result.retry, result.status_code) == (False, False, 302)
    assert result.error == (
        "HTTP 302: following this redirect would turn the POST into a GET; use the final URL "
        f"{receiver.url('/hook')}"
    )
    assert len(receiver.received) == 1


async def test_a_redirect_loop_ends(receiver: Receiver) -> None:
    result = await post(receiver.url("/redirect/308"), b"{}", JSON, allow_private=True)
    assert (result.ok, result.retry, result.status_code) == (False, False, 308)
    assert result.error == f"more than {MAX_REDIRECTS} redirects"
    assert len(receiver.received) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    ("code", "retry"),
    [
        (500, True),
        (502, True),
        (503, True),
        (429, True),
        (408, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (410, False),
    ],
)
async def test_failures_say_the_status_and_whether_to_retry(
    receiver: Receiver, code: int, retry: bool
) -> None:
    result = await post(receiver.url(f"/status/{code}"), b"{}", JSON, allow_private=True)
    assert (result.ok, result.retry, result.status_code) == (False, retry, code)
    assert result.error == f"HTTP {code}: answer {code}"


async def test_a_receiver_that_never_answers_times_out_worth_a_retry(receiver: Receiver) -> None:
    result = await post(receiver.url("/slow"), b"{}", JSON, allow_private=True, timeout_s=0.5)
    assert (result.ok, result.retry, result.status_code) == (False, True, None)
    assert result.error == "no answer within 0.5 s"


async def test_an_endless_answer_is_read_only_up_to_the_cap(receiver: Receiver) -> None:
    ok = await post(receiver.url("/endless/200"), b"{}", JSON, allow_private=True, timeout_s=30)
    assert (ok.ok, ok.status_code, ok.error) == (True, 200, None)
    failed = await post(receiver.url("/endless/500"), b"{}", JSON, allow_private=True, timeout_s=30)
    assert (failed.ok, failed.retry, failed.status_code) == (False, True, 500)
    assert failed.error == "HTTP 500: " + "x" * 159 + "…"


async def test_a_closed_port_is_a_connection_error_worth_a_retry() -> None:
    port = free_port()
    result = await post(f"http://127.0.0.1:{port}/hook", b"{}", JSON, allow_private=True)
    assert (result.ok, result.retry, result.status_code) == (False, True, None)
    assert result.error is not None
    assert result.error.startswith(f"cannot connect to 127.0.0.1:{port}: ")


async def test_an_unknown_name_is_worth_a_retry() -> None:
    result = await post("http://faultline-no-such-host.invalid/hook", b"{}", JSON)
    assert (result.ok, result.retry, result.status_code) == (False, True, None)
    assert result.error is not None
    assert result.error.startswith("cannot resolve faultline-no-such-host.invalid: ")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://127.0.0.1/hook", "only http:// and https:// URLs can be alert targets"),
        ("http://user:pw@127.0.0.1/hook", "URLs with credentials (user:password@) are refused"),
    ],
)
async def test_bad_urls_are_refused_even_with_private_targets_allowed(
    url: str, reason: str
) -> None:
    result = await post(url, b"{}", JSON, allow_private=True)
    assert (result.ok, result.retry, result.error) == (False, False, reason)


async def test_a_header_with_a_line_break_is_refused_not_raised(receiver: Receiver) -> None:
    result = await post(receiver.url("/hook"), b"{}", {"X-A": "a\r\nX-B: b"}, allow_private=True)
    assert (result.ok, result.retry, result.status_code) == (False, False, None)
    assert result.error == (
        "the request cannot be made: Forbidden control character detected in headers. "
        "Potential header injection attack."
    )
    assert receiver.received == []


async def test_a_slack_message_arrives_as_built(receiver: Receiver) -> None:
    settings = Settings(alert_allow_private=True)
    result = await send_slack(receiver.url("/hook/services/T0/B0/x"), payload(), 42, settings)
    assert (result.ok, result.status_code, result.error) == (True, 200, None)
    [got] = receiver.received
    assert got.path == "/hook/services/T0/B0/x"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-Faultline-Delivery"] == "42"
    assert json.loads(got.body) == slack_message(payload())


async def test_a_slack_refusal_quotes_the_receivers_words(receiver: Receiver) -> None:
    settings = Settings(alert_allow_private=True)
    result = await send_slack(receiver.url("/status/404"), payload(), 1, settings)
    assert (result.ok, result.retry, result.error) == (False, False, "HTTP 404: answer 404")
