"""What a channel and an alert rule may say (pure): every field checked, bounded and named.

Bodies are the REST JSON objects (GraphQL passes its arguments under the same names); an
unknown field, a field of another kind or trigger, or a value of the wrong JSON type is an
InvalidField naming it. That a rule's channels belong to its project is the service's check.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from app.errors import BadRequest, InvalidField
from app.ids import fits
from app.text import require_name
from models import AlertChannel, AlertTrigger, ChannelKind

MAX_NAME = 200
MAX_URL = 2_048
MIN_SECRET, MAX_SECRET = 16, 128
MAX_RECIPIENTS = 20
MAX_ADDRESS = 254
MAX_RULE_CHANNELS = 20
MAX_THROTTLE_MINUTES = 10_080  # a week
DEFAULT_THROTTLE_MINUTES = 30
MAX_THRESHOLD = 1_000_000
MAX_WINDOW_MINUTES = 1_440  # a day

_KIND_FIELDS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.WEBHOOK: ("kind", "name", "url", "secret"),
    ChannelKind.SLACK: ("kind", "name", "url"),
    ChannelKind.EMAIL: ("kind", "name", "to"),
}
_CHANNEL_FIELDS = ("kind", "name", "url", "secret", "to")
RULE_FIELDS = (
    "trigger",
    "channel_ids",
    "throttle_minutes",
    "threshold",
    "window_minutes",
    "enabled",
)
_SPIKE_FIELDS = ("threshold", "window_minutes")
# Printable ASCII without spaces: a secret pasted into a receiver's config survives intact.
_SECRET = re.compile(rf"[\x21-\x7e]{{{MIN_SECRET},{MAX_SECRET}}}")
# A pragmatic address: no spaces, quotes, brackets or commas (nothing an SMTP header could
# misread), one @, a domain of letters, digits and hyphens in dot-separated labels.
_LOCAL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    kind: ChannelKind
    name: str
    url: str | None = None
    secret: str | None = None
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleSpec:
    trigger: AlertTrigger
    channel_ids: tuple[int, ...]
    throttle_minutes: int = DEFAULT_THROTTLE_MINUTES
    threshold: int | None = None
    window_minutes: int | None = None
    enabled: bool = True


def _one_of(field: str, value: object, choices: type[ChannelKind] | type[AlertTrigger]) -> Any:
    allowed = ", ".join(choices)
    if value is None:
        raise InvalidField(field, f"is required: one of {allowed}")
    if not isinstance(value, str) or value not in choices.__members__.values():
        raise InvalidField(field, f"must be one of {allowed}")
    return choices(value)


def _refuse_unknown(body: Mapping[str, Any], known: tuple[str, ...], what: str) -> None:
    unknown = sorted(key for key in body if key not in known)
    if unknown:
        shown = unknown[0] if len(unknown[0]) <= 40 else unknown[0][:40] + "..."
        raise InvalidField(shown, f"is not a field of {what}; expected: {', '.join(known)}")


def check_url(value: object) -> str:
    if value is None:
        raise InvalidField("url", "is required")
    if not isinstance(value, str):
        raise InvalidField("url", "must be a string")
    if len(value) > MAX_URL:
        raise InvalidField("url", f"must be at most {MAX_URL} characters")
    if not value.isascii() or any(c.isspace() or not c.isprintable() for c in value):
        raise InvalidField("url", "must be ASCII without spaces (percent-encode the rest)")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises on a port that is not a number from 0 to 65535)
    except ValueError:
        raise InvalidField("url", "is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidField("url", "must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidField("url", "must not contain credentials (user:password@)")
    if not parts.hostname:
        raise InvalidField("url", "must name a host")
    return value


def check_secret(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidField("secret", "must be a string")
    if not _SECRET.fullmatch(value):
        raise InvalidField(
            "secret",
            f"must be {MIN_SECRET} to {MAX_SECRET} printable ASCII characters without spaces",
        )
    return value


def new_secret() -> str:
    return secrets.token_hex(32)


def check_address(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidField("to", "each address must be a string")
    shown = value if len(value) <= 60 else value[:60] + "..."
    if len(value) > MAX_ADDRESS:
        raise InvalidField("to", f"{shown!r} is longer than {MAX_ADDRESS} characters")
    local, at, domain = value.partition("@")
    labels = domain.split(".")
    if not (at and _LOCAL.fullmatch(local) and all(_LABEL.fullmatch(label) for label in labels)):
        raise InvalidField("to", f"{shown!r} is not an email address such as you@example.com")
    return value


def check_recipients(value: object) -> tuple[str, ...]:
    if value is None:
        raise InvalidField("to", "is required: a list of email addresses")
    if not isinstance(value, list):
        raise InvalidField("to", "must be a list of email addresses")
    if not 1 <= len(value) <= MAX_RECIPIENTS:
        raise InvalidField("to", f"must list 1 to {MAX_RECIPIENTS} addresses")
    addresses = tuple(check_address(entry) for entry in value)
    if len({a.lower() for a in addresses}) != len(addresses):
        raise InvalidField("to", "lists an address twice")
    return addresses


def parse_channel(body: Mapping[str, Any]) -> ChannelSpec:
    """A new channel from its body; a webhook without `secret` gets a generated one."""
    _refuse_unknown(body, _CHANNEL_FIELDS, "a channel")
    kind: ChannelKind = _one_of("kind", body.get("kind"), ChannelKind)
    for field in _CHANNEL_FIELDS:
        if field in body and field not in _KIND_FIELDS[kind]:
            raise InvalidField(field, f"is not a field of a {kind} channel")
    name = require_name(body.get("name"), MAX_NAME)
    if kind is ChannelKind.EMAIL:
        return ChannelSpec(kind, name, recipients=check_recipients(body.get("to")))
    url = check_url(body.get("url"))
    if kind is ChannelKind.SLACK:
        return ChannelSpec(kind, name, url=url)
    secret = body.get("secret")
    return ChannelSpec(kind, name, url, new_secret() if secret is None else check_secret(secret))


def _bounded(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, f"must be an integer from {low} to {high}")
    if not low <= value <= high:
        raise InvalidField(field, f"must be an integer from {low} to {high}")
    return value


def not_in_project(channel_id: int) -> InvalidField:
    return InvalidField("channel_ids", f"channel {channel_id} is not a channel of this project")


def check_channel_ids(value: object) -> tuple[int, ...]:
    if value is None:
        raise InvalidField("channel_ids", "is required: a list of channel ids")
    if not isinstance(value, list):
        raise InvalidField("channel_ids", "must be a list of channel ids")
    if not 1 <= len(value) <= MAX_RULE_CHANNELS:
        raise InvalidField("channel_ids", f"must list 1 to {MAX_RULE_CHANNELS} channels")
    ids: list[int] = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, int):
            raise InvalidField("channel_ids", "each channel id must be an integer")
        if not fits(AlertChannel, "id", entry):
            raise not_in_project(entry)
        if entry in ids:
            raise InvalidField("channel_ids", f"lists channel {entry} twice")
        ids.append(entry)
    return tuple(ids)


def _field(field: str, value: object) -> Any:
    """One rule field's value, checked on its own."""
    if field == "trigger":
        return _one_of("trigger", value, AlertTrigger)
    if field == "channel_ids":
        return check_channel_ids(value)
    if field == "throttle_minutes":
        return _bounded(field, value, 1, MAX_THROTTLE_MINUTES)
    if field in _SPIKE_FIELDS and value is None:
        return None  # as if absent
    if field == "threshold":
        return _bounded(field, value, 1, MAX_THRESHOLD)
    if field == "window_minutes":
        return _bounded(field, value, 1, MAX_WINDOW_MINUTES)
    if not isinstance(value, bool):
        raise InvalidField(field, "must be true or false")
    return value


def _check_trigger_fields(rule: RuleSpec, given: Mapping[str, Any]) -> RuleSpec:
    if rule.trigger is AlertTrigger.SPIKE:
        for field in _SPIKE_FIELDS:
            if getattr(rule, field) is None:
                raise InvalidField(field, "is required for a spike rule")
        return rule
    for field in _SPIKE_FIELDS:
        if given.get(field) is not None:
            raise InvalidField(field, "is only for spike rules")
    return rule


def parse_rule(body: Mapping[str, Any]) -> RuleSpec:
    _refuse_unknown(body, RULE_FIELDS, "an alert rule")
    values = {field: _field(field, value) for field, value in body.items()}
    for field in ("trigger", "channel_ids"):
        if field not in values:
            _field(field, None)  # raises: required
    return _check_trigger_fields(RuleSpec(**values), body)


def apply_rule_changes(current: RuleSpec, changes: Mapping[str, Any]) -> RuleSpec:
    """A PATCH: any subset of the fields. Leaving spike drops threshold and window_minutes;
    becoming a spike rule needs both."""
    if not changes:
        raise BadRequest(f"body must name a field to change: {', '.join(RULE_FIELDS)}")
    _refuse_unknown(changes, RULE_FIELDS, "an alert rule")
    values = {field: _field(field, value) for field, value in changes.items()}
    rule = replace(current, **values)
    if rule.trigger is not AlertTrigger.SPIKE:
        rule = replace(rule, threshold=None, window_minutes=None)
    return _check_trigger_fields(rule, changes)
