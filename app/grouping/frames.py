"""What each stack frame contributes to grouping (protocols.md §A8.4).

A frame contributes up to four values, in this order: `module`, `filename` (only without a
module), `function` and `context_line` (only for platforms whose source lines we trust). Line and
column numbers never contribute: they move with every unrelated edit of the file. The platform
tweaks below exist so that the same code path groups the same way across builds and browsers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from app.grouping.event import text

# Platforms whose context lines are real source and stable enough to group by.
CONTEXT_LINE_PLATFORMS = frozenset({"javascript", "node", "python", "php", "ruby"})
JAVASCRIPT_PLATFORMS = frozenset({"javascript", "node"})
NATIVE_PLATFORMS = frozenset({"native", "c", "cocoa", "objc", "swift"})
MAX_CONTEXT_LINE_CHARS = 120

_RECURSION_FIELDS = ("abs_path", "package", "module", "filename", "function", "lineno", "colno")
_URL_PREFIXES = ("http:", "https:", "blob:", "applewebdata:")
_JS_LOW_QUALITY_PATHS = frozenset({"[native code]", "native code", "eval code", "<anonymous>"})
_JS_UNKNOWN_FUNCTIONS = frozenset(
    {"?", "<anonymous function>", "<anonymous>", "Anonymous function"}
)
_UNKNOWN_NATIVE_FUNCTIONS = frozenset({"<redacted>", "<unknown>"})
_PATH_SEPARATORS = re.compile(r"[/\\]")
_RUBY_ERB_SUFFIX = re.compile(r"__\d{4,}_\d{4,}$")
# Java code generators append counters that differ per JVM run; keep the stable prefix.
_JAVA_METHOD_ACCESSOR = re.compile(r"(GeneratedMethodAccessor)\d+")
_JAVA_CODEGEN = re.compile(
    r"(Generated(?:Serialization)?ConstructorAccessor)\d+"
    r"|(\$\$\w+?CGLIB\$\$)[a-fA-F0-9]+(?:_\d+)?"
    r"|(\$\$_javassist)(?:_seam)?(?:_\d+)?"
    r"|(\$fn__)\d+"
)


class FrameValues(NamedTuple):
    """The grouping values of one frame; `values` is empty when the frame does not contribute.

    A NamedTuple rather than a frozen dataclass: one is made per frame of every event.
    """

    values: tuple[tuple[str, str], ...]  # (field, value) pairs, in hash order
    in_app: bool


def frame_values(
    frames: Sequence[Mapping[str, Any]], platform: str, *, in_app_only: bool = False
) -> list[FrameValues]:
    """Grouping values of every frame of one stack trace, oldest call first.

    With `in_app_only`, frames not marked in-app get no values: when the app variant decides,
    they cannot contribute, so computing them is wasted work on the ingestion path.
    """
    result: list[FrameValues] = []
    previous: Mapping[str, Any] | None = None
    for frame in frames:
        in_app = frame.get("in_app") is True
        if (in_app_only and not in_app) or _is_recursion(frame, previous):
            values: tuple[tuple[str, str], ...] = ()
        else:
            values = _contributing_values(frame, platform)
        result.append(FrameValues(values, in_app))
        previous = frame
    if len(frames) == 1 and result[0].values:
        # A lone JavaScript frame without a function and pointing to a URL is usually a
        # browser-extension or inline-script artefact: too low quality to group by.
        frame = frames[0]
        if (
            _platform(frame, platform) in JAVASCRIPT_PLATFORMS
            and not frame.get("function")
            and _is_url(frame.get("abs_path"))
        ):
            result[0] = FrameValues(values=(), in_app=result[0].in_app)
    return result


def _is_recursion(frame: Mapping[str, Any], previous: Mapping[str, Any] | None) -> bool:
    """A frame identical to the one before it is recursion: the loop counts once."""
    return (
        previous is not None
        and _same(frame.get("function"), previous.get("function"))
        and all(_same(frame.get(field), previous.get(field)) for field in _RECURSION_FIELDS)
    )


def _same(value: object, other: object) -> bool:
    # These fields are scalars; `==` on client-sent containers would recurse as deep as they nest.
    return value is other if isinstance(value, dict | list) else value == other


def _platform(frame: Mapping[str, Any], event_platform: str) -> str:
    platform = frame.get("platform")
    return platform if isinstance(platform, str) and platform else event_platform


def _is_url(path: object) -> bool:
    return isinstance(path, str) and path.startswith(_URL_PREFIXES)


def _contributing_values(
    frame: Mapping[str, Any], event_platform: str
) -> tuple[tuple[str, str], ...]:
    platform = _platform(frame, event_platform)
    abs_path = text(frame.get("abs_path"))
    function = text(frame.get("function"))
    raw_function = text(frame.get("raw_function"))
    is_javascript = platform in JAVASCRIPT_PLATFORMS

    if is_javascript:
        name = raw_function or function
        # eval'd and engine-internal frames differ between browsers for the same error.
        if (name and name.rsplit(".", 1)[-1] == "eval") or abs_path in _JS_LOW_QUALITY_PATHS:
            return ()

    values: list[tuple[str, str]] = []
    module = _module(frame, abs_path, platform)
    if module is not None:
        values.append(("module", module))
    else:
        filename = _filename(frame, abs_path)
        if filename is not None:
            values.append(("filename", filename))

    context_line = (
        _context_line(frame, abs_path, function, platform)
        if platform in CONTEXT_LINE_PLATFORMS
        else None
    )
    function_value = _function(frame, function, raw_function, platform, context_line is not None)
    if function_value is not None:
        values.append(("function", function_value))
    if context_line is not None:
        values.append(("context_line", context_line))
    return tuple(values)


def _module(frame: Mapping[str, Any], abs_path: str | None, platform: str) -> str | None:
    module = text(frame.get("module"))
    if module is None:
        return None
    if platform in JAVASCRIPT_PLATFORMS:
        # JS SDKs sometimes put the file path in `module`; it then adds nothing stable.
        if "/" in module and abs_path and abs_path.endswith(module):
            return None
    elif platform == "java":
        if "$$Lambda$" in module:
            return None  # lambda class names embed a per-run counter
        module = _JAVA_METHOD_ACCESSOR.sub(r"\1", module)
        module = _JAVA_CODEGEN.sub(_auto_counter, module)
    return module


def _auto_counter(match: re.Match[str]) -> str:
    return f"{match.group(match.lastindex or 0)}<auto>"


def _filename(frame: Mapping[str, Any], abs_path: str | None) -> str | None:
    filename = text(frame.get("filename"))
    if filename is None or _is_url(abs_path):
        return None  # the same script is served from many hosts, versions and CDNs
    if filename in ("<anonymous>", "[native code]"):
        return None
    return _PATH_SEPARATORS.split(filename)[-1].lower() or None


def _function(
    frame: Mapping[str, Any],
    function: str | None,
    raw_function: str | None,
    platform: str,
    has_context_line: bool,
) -> str | None:
    # C# trims `function`; the raw name was what grouping used before, so keep using it.
    name = (raw_function or function) if platform == "csharp" else (function or raw_function)
    if name is None:
        return None
    if platform == "ruby":
        return "block" if name.startswith("block ") else _RUBY_ERB_SUFFIX.sub("", name)
    if platform == "php":
        return None if name.startswith(("[Anonymous", "class@anonymous\x00")) else name
    if platform == "java":
        return None if name.startswith("lambda$") else name
    if platform in NATIVE_PLATFORMS:
        return None if name in _UNKNOWN_NATIVE_FUNCTIONS else name
    if platform in JAVASCRIPT_PLATFORMS:
        # `Object.foo` vs `foo` depends on the browser; the last segment is stable.
        name = name.rsplit(".", 1)[-1]
        if not name or name in _JS_UNKNOWN_FUNCTIONS or name.endswith("/<"):
            return None
        data = frame.get("data")
        sourcemapped = isinstance(data, Mapping) and data.get("sourcemap") is not None
        # Names recovered through source maps are unreliable; the source line is not.
        if sourcemapped and has_context_line:
            return None
    return name


def _context_line(
    frame: Mapping[str, Any], abs_path: str | None, function: str | None, platform: str
) -> str | None:
    raw = frame.get("context_line")
    if not isinstance(raw, str) or len(raw) > MAX_CONTEXT_LINE_CHARS:
        return None  # long lines are usually minified code: a new build changes them all
    if platform in JAVASCRIPT_PLATFORMS and not function and _is_url(abs_path):
        return None
    line = " ".join(raw.expandtabs(2).split())
    return line or None
