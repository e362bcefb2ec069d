"""Rollbar traces → canonical exceptions: frames oldest first, chains cause first (pure).

`server.root`, when the item has one, marks the frames under it in-app (and, for Python,
gives their module from the path) the way Sentry SDKs mark theirs, so the same crash groups
the same through either SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import Unprocessable
from app.ingest.normalize import MAX_EXCEPTIONS, bounded_frames

# Installed packages: never the app's own code, wherever the root is.
VENDORED_DIRS = ("/site-packages/", "/dist-packages/", "/node_modules/")


def invalid(message: str) -> Unprocessable:
    """Rollbar's 422: "Invalid format. …" naming the field."""
    return Unprocessable(f"Invalid format. {message}")


@dataclass(frozen=True, slots=True)
class AppRoot:
    """`server.root`: frames under it are the app's (in-app), as Sentry SDKs mark theirs."""

    prefix: str  # the root with one trailing slash
    python: bool  # module names follow from the path (`app/views.py` → `app.views`)

    def placement(self, filename: str) -> dict[str, Any]:
        if any(part in filename for part in VENDORED_DIRS):
            return {"in_app": False}
        if not filename.startswith(self.prefix):
            return {}
        relative = filename[len(self.prefix) :]
        if self.python and relative.endswith(".py"):
            module = relative[: -len(".py")].removesuffix("/__init__").replace("/", ".")
            return {"in_app": True, "module": module}
        return {"in_app": True}


def exception_value(trace: object, path: str, app: AppRoot | None) -> dict[str, Any]:
    if not isinstance(trace, dict):
        raise invalid(f"{path} should be object.")
    frames = trace.get("frames")
    if frames is None:
        raise invalid(f"{path}.frames is missing and it is required.")
    if not isinstance(frames, list):
        raise invalid(f"{path}.frames should be array.")
    exception = trace.get("exception")
    if not isinstance(exception, dict):
        raise invalid(f"{path}.exception is missing and it is required.")
    kind = exception.get("class")
    if kind is None or kind == "":
        raise invalid(f"{path}.exception.class is missing and it is required.")
    if not isinstance(kind, str):
        raise invalid(f"{path}.exception.class should be string.")
    value: dict[str, Any] = {"type": kind}
    message = exception.get("message")
    if message is not None:
        if not isinstance(message, str):
            raise invalid(f"{path}.exception.message should be string.")
        if message:
            value["value"] = message
    description = exception.get("description")
    if isinstance(description, str) and description:
        value["description"] = description
    converted = [_frame(frame, f"{path}.frames[{i}]", app) for i, frame in enumerate(frames)]
    if converted:
        value["stacktrace"] = bounded_frames(converted)
    return value


def _frame(frame: object, path: str, app: AppRoot | None) -> dict[str, Any]:
    if not isinstance(frame, dict):
        raise invalid(f"{path} should be object.")
    filename = frame.get("filename")
    if not isinstance(filename, str) or not filename:
        raise invalid(f"{path}.filename is missing and it is required.")
    result: dict[str, Any] = {"filename": filename, "abs_path": filename}
    for source, target in (("method", "function"), ("code", "context_line")):
        text = frame.get(source)
        if isinstance(text, str) and text:
            result[target] = text
    for key in ("lineno", "colno"):
        number = frame.get(key)
        if isinstance(number, int) and not isinstance(number, bool):
            result[key] = number
    context = frame.get("context")
    if isinstance(context, dict):
        for source, target in (("pre", "pre_context"), ("post", "post_context")):
            lines = context.get(source)
            if isinstance(lines, list):
                result[target] = [line for line in lines if isinstance(line, str)]
    local_vars = frame.get("locals")
    if isinstance(local_vars, dict):
        result["vars"] = local_vars
    if app is not None:
        result.update(app.placement(filename))
    class_name = frame.get("class_name")
    if isinstance(class_name, str) and class_name:
        result["module"] = class_name
    return result


def chain_values(chain: object, app: AppRoot | None) -> list[dict[str, Any]]:
    if not isinstance(chain, list) or not chain:
        raise invalid("data.body.trace_chain should be a non-empty array.")
    # The caught exception and its newest causes, as ingestion keeps of a Sentry chain.
    values = [
        exception_value(trace, f"data.body.trace_chain[{i}]", app)
        for i, trace in enumerate(chain[:MAX_EXCEPTIONS])
    ]
    values.reverse()  # Rollbar: the caught exception first; canonical: the cause first
    return values
