"""A stored (canonical) event → the `data` of a Rollbar occurrence (pure): items.py in reverse.

Faultline keeps one form of every event, the canonical one, not the body that was posted; an
occurrence's `data` is rendered from it in Rollbar's item shape, so an item posted through
Rollbar reads back as it was sent (what the canonical form drops: frames' argument specs and
`class_name`, keys outside Rollbar's documented `data`, a `fingerprint` longer than 40
characters, stored as its SHA-1), and a Sentry event reads as Rollbar would show it:

    exception.values       body.trace (one), else body.trace_chain (outermost first)
    crash report, logentry body.crash_report {raw}, else body.message {body, its other keys}
    breadcrumbs            body.telemetry
    release                code_version
    user                   person {id, username, email}; its ip_address as request.user_ip
    request                request {url, method, query_string, headers, GET, POST | body}
    contexts.server        server (else {host: server_name})
    extra                  custom (the message's and crash report's own keys left out)
    transaction            context
    contexts.rollbar       platform, language, framework, notifier, client, attributes, title
                           and uuid as posted
"""

from __future__ import annotations

from typing import Any

from app.compat.rollbar.items import LEVELS

ROLLBAR_LEVEL = {canonical: rollbar for rollbar, canonical in LEVELS.items()}


def occurrence_data(event: dict[str, Any]) -> dict[str, Any]:
    rollbar = _object(_object(event.get("contexts")).get("rollbar"))
    extra = _object(event.get("extra"))
    data: dict[str, Any] = {"body": _body(event, extra)}
    for key in ("platform", "framework", "notifier", "client", "attributes", "title"):
        if key in rollbar:
            data[key] = rollbar[key]
    # An item has contexts.rollbar (its uuid at least); another SDK's event names its platform.
    language = rollbar.get("language") if rollbar else event.get("platform")
    if language:
        data["language"] = language
    if "notifier" not in data and isinstance(event.get("sdk"), dict):
        sdk = event["sdk"]
        data["notifier"] = {k: sdk[k] for k in ("name", "version") if k in sdk}
    if event.get("release"):
        data["code_version"] = event["release"]
    user = _object(event.get("user"))
    person = {k: user[k] for k in ("id", "username", "email") if k in user}
    if person:
        data["person"] = person
    request = _request(_object(event.get("request")), user.get("ip_address"))
    if request:
        data["request"] = request
    server = _object(_object(event.get("contexts")).get("server"))
    if server:
        data["server"] = server
    elif event.get("server_name"):
        data["server"] = {"host": event["server_name"]}
    custom = {k: v for k, v in extra.items() if k not in ("message", "crash_report")}
    if set(custom) == {"custom"} and not isinstance(custom["custom"], dict):
        data["custom"] = custom["custom"]  # a custom value that was no object
    elif custom:
        data["custom"] = custom
    if event.get("transaction"):
        data["context"] = event["transaction"]
    fingerprint = event.get("fingerprint")
    if isinstance(fingerprint, list) and len(fingerprint) == 1:
        data["fingerprint"] = fingerprint[0]
    return data


def _body(event: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any]
    values = _object(event.get("exception")).get("values")
    if isinstance(values, list) and values:
        traces = [_trace(_object(value)) for value in reversed(values)]
        body = {"trace": traces[0]} if len(traces) == 1 else {"trace_chain": traces}
    elif isinstance(extra.get("crash_report"), str):
        body = {"crash_report": {"raw": extra["crash_report"]}}
    else:
        logentry = _object(event.get("logentry"))
        text = logentry.get("formatted") or logentry.get("message") or ""
        rest = _object(extra.get("message"))
        body = {"message": {"body": text, **{k: v for k, v in rest.items() if k != "body"}}}
    crumbs = _object(event.get("breadcrumbs")).get("values")
    if isinstance(crumbs, list) and crumbs:
        body["telemetry"] = [_telemetry(_object(crumb)) for crumb in crumbs]
    return body


def _trace(value: dict[str, Any]) -> dict[str, Any]:
    exception: dict[str, Any] = {"class": value.get("type") or "Error"}
    if value.get("value") is not None:
        exception["message"] = value["value"]
    if value.get("description"):
        exception["description"] = value["description"]
    frames = _object(value.get("stacktrace")).get("frames")
    listed = frames if isinstance(frames, list) else []
    return {"frames": [_frame(_object(frame)) for frame in listed], "exception": exception}


def _frame(frame: dict[str, Any]) -> dict[str, Any]:
    # Rollbar requires a filename; a frame of another SDK may name only its module.
    filename = frame.get("abs_path") or frame.get("filename") or frame.get("module") or ""
    result: dict[str, Any] = {"filename": filename}
    for source, target in (
        ("lineno", "lineno"),
        ("colno", "colno"),
        ("function", "method"),
        ("context_line", "code"),
        ("vars", "locals"),
    ):
        if frame.get(source) is not None:
            result[target] = frame[source]
    context = {
        target: frame[source]
        for source, target in (("pre_context", "pre"), ("post_context", "post"))
        if frame.get(source)
    }
    if context:
        result["context"] = context
    return result


def _telemetry(crumb: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "level": ROLLBAR_LEVEL.get(str(crumb.get("level") or "info"), "info"),
        "type": crumb.get("category") or crumb.get("type") or "log",
    }
    if isinstance(crumb.get("timestamp"), int | float) and not isinstance(crumb["timestamp"], bool):
        entry["timestamp_ms"] = int(crumb["timestamp"] * 1000)
    body = crumb.get("data")
    if isinstance(body, dict):
        entry["body"] = body
    elif crumb.get("message") is not None:
        entry["body"] = {"message": crumb["message"]}
    return entry


def _request(request: dict[str, Any], user_ip: object) -> dict[str, Any]:
    keys = ("url", "method", "query_string", "headers")
    result: dict[str, Any] = {k: request[k] for k in keys if k in request}
    if isinstance(request.get("query"), dict):
        result["GET"] = request["query"]
    if "data" in request:
        result["POST" if isinstance(request["data"], dict) else "body"] = request["data"]
    if isinstance(user_ip, str) and user_ip:
        result["user_ip"] = user_ip
    return result


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
