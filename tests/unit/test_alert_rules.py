"""What a channel and an alert rule may say (app.alerts.rules, pure)."""

from __future__ import annotations

import re

import pytest

from app.alerts.rules import (
    ChannelSpec,
    RuleSpec,
    apply_rule_changes,
    check_address,
    check_url,
    parse_channel,
    parse_rule,
)
from app.errors import BadRequest, InvalidField
from models import AlertTrigger, ChannelKind

HOOK = "https://hooks.example.com/x"


def refused(call, *args) -> tuple[str, str]:
    with pytest.raises(InvalidField) as caught:
        call(*args)
    return caught.value.field, caught.value.message


def test_a_webhook_without_a_secret_gets_a_fresh_one():
    a = parse_channel({"kind": "webhook", "name": "h", "url": HOOK})
    b = parse_channel({"kind": "webhook", "name": "h", "url": HOOK})
    assert re.fullmatch(r"[0-9a-f]{64}", a.secret or "")
    assert a.secret != b.secret
    assert a == ChannelSpec(ChannelKind.WEBHOOK, "h", HOOK, a.secret)


def test_each_kind_keeps_only_its_fields():
    assert parse_channel({"kind": "slack", "name": " s ", "url": HOOK}) == ChannelSpec(
        ChannelKind.SLACK, "s", HOOK
    )
    assert parse_channel({"kind": "email", "name": "e", "to": ["a@x.example"]}) == ChannelSpec(
        ChannelKind.EMAIL, "e", recipients=("a@x.example",)
    )
    secret = "0123456789abcdef"
    spec = parse_channel({"kind": "webhook", "name": "h", "url": HOOK, "secret": secret})
    assert spec.secret == secret


@pytest.mark.parametrize(
    "url",
    [
        "http://x.example",
        "https://x.example:8443/a/b?c=d#e",
        "HTTPS://X.EXAMPLE/",
        "http://10.0.0.5/hook",  # private addresses are refused when sending, per setting
        "http://[::1]:8080/",
        "https://x.example/" + "a" * 2030,
    ],
)
def test_http_urls_are_accepted(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(1)", "url: must be an http:// or https:// URL"),
        ("//x.example/", "url: must be an http:// or https:// URL"),
        ("gopher://x.example/", "url: must be an http:// or https:// URL"),
        ("http://[::1/", "url: is not a valid URL"),
        ("http://x.example:0x50/", "url: is not a valid URL"),
        ("http://a:b@x.example/", "url: must not contain credentials (user:password@)"),
        ("http://:@x.example/", "url: must not contain credentials (user:password@)"),
        ("http://x.example/\x00", "url: must be ASCII without spaces (percent-encode the rest)"),
        ("http://x.example/\t", "url: must be ASCII without spaces (percent-encode the rest)"),
        ("http:", "url: must name a host"),
        ("https://x.example/" + "a" * 2031, "url: must be at most 2048 characters"),
    ],
)
def test_other_urls_are_refused(url, problem):
    assert refused(check_url, url) == ("url", problem)


@pytest.mark.parametrize(
    "address",
    ["a@x.example", "first.last+tag@mail.x-y.example", "root@localhost", "o'neil@x.example"],
)
def test_addresses_are_accepted(address):
    assert check_address(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "",
        "@x.example",
        "a@",
        "a@-x.example",
        "a@x..example",
        "a@x.example.",
        "a b@x.example",
        '"a"@x.example',
        "a@x.example>",
        "a@x.example,b@y.example",
        "a@x.example\nBcc: b@y.example",
        "ä@x.example",
        "a" * 65 + "@x.example",
    ],
)
def test_non_addresses_are_refused(address):
    field, message = refused(check_address, address)
    assert field == "to"
    assert message.endswith("is not an email address such as you@example.com")


def test_a_rule_defaults_and_spike_fields():
    assert parse_rule({"trigger": "new_issue", "channel_ids": [3, 1]}) == RuleSpec(
        AlertTrigger.NEW_ISSUE, (3, 1)
    )
    spike = {"trigger": "spike", "channel_ids": [1], "threshold": 1, "window_minutes": 1440}
    assert parse_rule(spike) == RuleSpec(AlertTrigger.SPIKE, (1,), 30, 1, 1440)


def test_changes_apply_to_the_current_rule():
    current = RuleSpec(AlertTrigger.SPIKE, (1, 2), 30, 10, 5, True)
    assert apply_rule_changes(current, {"enabled": False}) == RuleSpec(
        AlertTrigger.SPIKE, (1, 2), 30, 10, 5, False
    )
    assert apply_rule_changes(current, {"threshold": 20, "channel_ids": [7]}) == RuleSpec(
        AlertTrigger.SPIKE, (7,), 30, 20, 5, True
    )
    # Leaving spike drops what only a spike has.
    assert apply_rule_changes(current, {"trigger": "regression"}) == RuleSpec(
        AlertTrigger.REGRESSION, (1, 2), 30, None, None, True
    )
    assert refused(apply_rule_changes, current, {"trigger": "regression", "threshold": 3}) == (
        "threshold",
        "threshold: is only for spike rules",
    )
    assert refused(apply_rule_changes, current, {"window_minutes": None}) == (
        "window_minutes",
        "window_minutes: is required for a spike rule",
    )
    with pytest.raises(BadRequest) as caught:
        apply_rule_changes(current, {})
    assert caught.value.message == (
        "body must name a field to change: trigger, channel_ids, throttle_minutes, threshold, "
        "window_minutes, enabled"
    )


def test_an_unknown_field_is_named_and_clipped():
    assert refused(parse_rule, {"trigger": "new_issue", "channel_ids": [1], "b": 1, "a": 2}) == (
        "a",
        "a: is not a field of an alert rule; expected: trigger, channel_ids, throttle_minutes, "
        "threshold, window_minutes, enabled",
    )
    long = "x" * 100
    field, message = refused(parse_channel, {long: 1})
    assert field == "x" * 40 + "..."
    assert message.startswith(f"{'x' * 40}...: is not a field of a channel")
