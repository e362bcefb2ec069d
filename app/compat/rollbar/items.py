"""A Rollbar item's `data` → the canonical event every surface hands to digestion (pure).

Validation follows Rollbar's own answers (422, "Invalid format. …", naming the field). The
translation:

    body.trace            one exception; frames oldest first, as Rollbar sends them
    body.trace_chain      exceptions outermost first in Rollbar, so reversed: the canonical
                          (Sentry) order puts the cause first and the caught exception last
    body.message          logentry; the message object's other keys go to `extra.message`
    body.crash_report     logentry of the report's first line; the report in `extra`
    body.telemetry        breadcrumbs
    level                 critical → fatal; default error for traces, info otherwise
    timestamp             unix seconds; the receive time when missing or far off
    code_version          release (else client.javascript.code_version, server.code_version)
    person                user {id, username, email}; request.user_ip its ip_address
    request, server       request (`$remote_ip` → the sender's address); server → server_name
                          and contexts.server
    custom                extra (an object) or extra.custom (anything else)
    context               transaction (what the culprit shows)
    fingerprint           ≤ 40 characters as is, longer → its SHA-1, as Rollbar does
    title                 returned beside the event: it replaces the computed title
    uuid                  the event id (its hex; a uuid that is not a UUID → its MD5)
    server.root           frames under it are in-app (installed packages never are); for
                          Python their module follows from the path, as Sentry SDKs report it
    language              the canonical platform (python, javascript, node, ruby, …), which
                          decides how frames group; Rollbar's platform, framework, notifier,
                          client, attributes, uuid and title are kept in contexts.rollbar
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from typing import Any

from app.compat.rollbar.traces import AppRoot, chain_values, exception_value, invalid

LEVELS = {
    "critical": "fatal",
    "error": "error",
    "warning": "warning",
    "info": "info",
    "debug": "debug",
}
BODY_KINDS = ("trace", "trace_chain", "message", "crash_report")
MAX_FINGERPRINT_CHARS = 40
MAX_UUID_CHARS = 36
MAX_TITLE_CHARS = 255
MAX_ENVIRONMENT_CHARS = 255
MAX_CODE_VERSION_CHARS = 40
# The clock-drift window: a timestamp further out than this is replaced by the receive time.
MAX_FUTURE_S = 60.0
MAX_PAST_S = 30 * 24 * 3600.0
REMOTE_IP = "$remote_ip"


@dataclass(frozen=True, slots=True)
class Item:
    event: dict[str, Any]
    title: str | None  # the client's own title, when it sent one
    uuid: str  # the client's uuid, or one made here
    platform: str  # Rollbar's platform ("" when not sent): client-side or not


def translate(data: object, *, received_at: float, client_ip: str | None) -> Item:
    """The canonical event of a Rollbar `data` object; Unprocessable names what is wrong."""
    if not isinstance(data, dict):
        raise invalid("data is missing and it is required.")
    body = data.get("body")
    if not isinstance(body, dict):
        raise invalid(
            "data.body must not be undefined. Instead, it should be an object with a "
            "'message', 'trace', 'trace_chain', or 'crash_report' key."
        )
    kinds = [kind for kind in BODY_KINDS if kind in body]
    if len(kinds) != 1:
        raise invalid(
            "data.body must have either a 'trace', 'trace_chain', 'message' or "
            "'crash_report' property, (but not more than one)."
        )
    environment = _required_text(data, "environment", MAX_ENVIRONMENT_CHARS)
    language = _optional_text(data, "language", 255) or ""
    root = _object(data.get("server")).get("root")
    app = (
        AppRoot(root.rstrip("/") + "/", language.lower().startswith("python"))
        if (isinstance(root, str) and root.strip("/"))
        else None
    )
    event: dict[str, Any] = {}
    kind = kinds[0]
    if kind == "trace":
        event["exception"] = {"values": [exception_value(body["trace"], "data.body.trace", app)]}
    elif kind == "trace_chain":
        event["exception"] = {"values": chain_values(body["trace_chain"], app)}
    elif kind == "message":
        event.update(_message(body["message"]))
    else:
        event.update(_crash_report(body["crash_report"]))
    breadcrumbs = _telemetry(body.get("telemetry"))
    if breadcrumbs:
        event["breadcrumbs"] = {"values": breadcrumbs}

    item_uuid = _optional_text(data, "uuid", MAX_UUID_CHARS) or str(uuid.uuid4())
    platform = _optional_text(data, "platform", 255) or ""
    event["event_id"] = _event_id(item_uuid)
    event["timestamp"] = _timestamp(data.get("timestamp"), received_at)
    event["received"] = received_at
    event["level"] = _level(data.get("level"), default="error" if "exception" in event else "info")
    event["platform"] = canonical_platform(
        language, platform, has_server=isinstance(data.get("server"), dict)
    )
    event["environment"] = environment
    release = _release(data)
    if release is not None:
        event["release"] = release
    _copy_objects(event, data, client_ip)
    context = _optional_text(data, "context", 255)
    if context:
        event["transaction"] = context
    fingerprint = _optional_text(data, "fingerprint", None)
    if fingerprint:
        event["fingerprint"] = [rollbar_fingerprint(fingerprint)]
    # Kept for the occurrence as read back (occurrences.py); grouping reads none of them.
    rollbar = {
        key: data[key]
        for key in ("platform", "language", "framework", "notifier", "client", "attributes")
        if isinstance(data.get(key), str | dict | list)
    }
    title = _optional_text(data, "title", None)
    if title:  # (the title is its first event's: kept for the occurrence's own data)
        rollbar["title"] = title[:MAX_TITLE_CHARS]
    event.setdefault("contexts", {})["rollbar"] = {**rollbar, "uuid": item_uuid}
    return Item(
        event=event,
        title=title[:MAX_TITLE_CHARS] if title else None,
        uuid=item_uuid,
        platform=platform,
    )


def rollbar_fingerprint(value: str) -> str:
    if len(value) <= MAX_FINGERPRINT_CHARS:
        return value
    return hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()


def canonical_platform(language: str, platform: str, *, has_server: bool = False) -> str:
    """The platform grouping reads: the language, JavaScript split into browser and node
    (rollbar.js in Node sends no platform, but a `server` object)."""
    name = language.split(" ", 1)[0].strip().lower()
    if name in ("javascript", "js", "typescript"):
        browser = platform.lower() in ("browser", "client") or (not platform and not has_server)
        return "javascript" if browser else "node"
    if name:
        return name[:32]
    if platform.lower() == "browser":
        return "javascript"
    return "other"


def _required_text(data: dict[str, Any], field: str, limit: int) -> str:
    value = data.get(field)
    if value is None or value == "":
        raise invalid(f"data.{field} is missing and it is required.")
    if not isinstance(value, str):
        raise invalid(f"data.{field} should be string.")
    if len(value) > limit:
        raise invalid(f"data.{field} should be at most {limit} characters.")
    return value


def _optional_text(data: dict[str, Any], field: str, limit: int | None) -> str | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"data.{field} should be string.")
    if limit is not None and len(value) > limit:
        raise invalid(f"data.{field} should be at most {limit} characters.")
    return value


def _message(message: object) -> dict[str, Any]:
    if not isinstance(message, dict):
        raise invalid("data.body.message should be object.")
    body = message.get("body")
    if body is None:
        raise invalid("data.body.message.body is missing and it is required.")
    if not isinstance(body, str):
        raise invalid("data.body.message.body should be string.")
    event: dict[str, Any] = {"logentry": {"message": body, "formatted": body, "params": None}}
    rest = {key: value for key, value in message.items() if key != "body"}
    if rest:
        event["extra"] = {"message": rest}
    return event


def _crash_report(report: object) -> dict[str, Any]:
    if not isinstance(report, dict):
        raise invalid("data.body.crash_report should be object.")
    raw = report.get("raw")
    if not isinstance(raw, str) or not raw.strip():
        raise invalid("data.body.crash_report.raw is missing and it is required.")
    first = raw.strip().splitlines()[0]
    return {
        "logentry": {"message": first, "formatted": first, "params": None},
        "extra": {"crash_report": raw},
    }


def _telemetry(telemetry: object) -> list[dict[str, Any]]:
    if telemetry is None:
        return []
    if not isinstance(telemetry, list):
        raise invalid("data.body.telemetry should be array.")
    crumbs: list[dict[str, Any]] = []
    for entry in telemetry:
        if not isinstance(entry, dict):
            continue
        crumb: dict[str, Any] = {"type": "default", "category": entry.get("type")}
        millis = entry.get("timestamp_ms")
        if isinstance(millis, int | float) and not isinstance(millis, bool):
            crumb["timestamp"] = millis / 1000
        level = entry.get("level")
        if isinstance(level, str):
            crumb["level"] = LEVELS.get(level, "info")
        body = entry.get("body")
        if isinstance(body, dict):
            message = body.get("message")
            if isinstance(message, str):
                crumb["message"] = message
            crumb["data"] = body
        crumbs.append(crumb)
    return crumbs


def _event_id(item_uuid: str) -> str:
    try:
        return uuid.UUID(item_uuid).hex
    except ValueError:
        return hashlib.md5(item_uuid.encode("utf-8", "surrogatepass")).hexdigest()


def _timestamp(value: object, received_at: float) -> float:
    if value is None:
        return received_at
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid("data.timestamp should be integer.")
    seconds = float(value)
    if not math.isfinite(seconds):
        raise invalid("data.timestamp should be integer.")
    if not received_at - MAX_PAST_S <= seconds <= received_at + MAX_FUTURE_S:
        return received_at
    return seconds


def _level(value: object, *, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise invalid("data.level should be string.")
    level = LEVELS.get(value.strip().lower())
    if level is None:
        raise invalid(f"data.level should be one of {', '.join(LEVELS)}.")
    return level


def _release(data: dict[str, Any]) -> str | None:
    value = data.get("code_version")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise invalid("data.code_version should be string.")
    if value:
        if len(value) > MAX_CODE_VERSION_CHARS:
            raise invalid(
                f"data.code_version should be at most {MAX_CODE_VERSION_CHARS} characters."
            )
        return value
    for holder in (
        _object(_object(data.get("client")).get("javascript")),
        _object(data.get("server")),
    ):
        nested = holder.get("code_version")
        if isinstance(nested, str) and nested:
            return nested[:MAX_CODE_VERSION_CHARS]
    return None


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _copy_objects(event: dict[str, Any], data: dict[str, Any], client_ip: str | None) -> None:
    request = data.get("request")
    user_ip: str | None = None
    if isinstance(request, dict):
        user_ip = request.get("user_ip") if isinstance(request.get("user_ip"), str) else None
        if user_ip == REMOTE_IP:
            user_ip = client_ip
        event["request"] = _request(request)
    person = data.get("person")
    if isinstance(person, dict):
        user = {
            key: str(person[key])
            for key in ("id", "username", "email")
            if isinstance(person.get(key), str | int) and not isinstance(person.get(key), bool)
        }
        if user_ip:
            user["ip_address"] = user_ip
        if user:
            event["user"] = user
    elif user_ip:
        event["user"] = {"ip_address": user_ip}
    server = data.get("server")
    if isinstance(server, dict):
        host = server.get("host")
        if isinstance(host, str) and host:
            event["server_name"] = host
        event["contexts"] = {"server": server}
    custom = data.get("custom")
    if custom is not None:
        extra = event.setdefault("extra", {})
        if isinstance(custom, dict):
            extra.update(custom)
        else:
            extra["custom"] = custom


def _request(request: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key in ("url", "method", "query_string"):
        value = request.get(key)
        if isinstance(value, str):
            result[key] = value
    headers = request.get("headers")
    if isinstance(headers, dict):
        result["headers"] = headers
    for key in ("POST", "body"):
        if request.get(key) is not None:
            result["data"] = request[key]
            break
    query = request.get("GET") or request.get("params")
    if isinstance(query, dict):
        result["query"] = query
    return result
