"""Real exceptions for the UI tests: an in-app function failing inside a library call.

The line numbers and source lines of this file are what the event's frames carry: tests read
them from here (`source_line`), so editing this file cannot silently break their expectations.
"""

from __future__ import annotations

import json
import linecache
from typing import Any


def parse_order(text: str) -> Any:
    attempts = 1
    order_id = "A-17"
    return json.loads(text) if attempts and order_id else None


def checkout(text: str) -> Any:
    try:
        return parse_order(text)
    except ValueError as error:
        raise RuntimeError(f"checkout failed for {text!r}") from error


def source_line(function: Any, needle: str) -> tuple[int, str]:
    """The number and text (newline stripped) of the line of `function` containing `needle`."""
    code = function.__code__
    lines = linecache.getlines(code.co_filename)
    for number in range(code.co_firstlineno, len(lines) + 1):
        if needle in lines[number - 1]:
            return number, lines[number - 1].rstrip("\n")
    raise LookupError(needle)
