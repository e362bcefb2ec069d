"""Faultline's errors as GraphQL errors: one mapping, and what is logged where.

Expected failures (a FaultlineError raised by a service, an invalid document) reach the client
with `extensions.code`; a database that cannot serve now is UNAVAILABLE; anything else is masked
as "Unexpected error." and logged with its traceback, never shown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from app.database import is_unavailable
from app.errors import (
    BadRequest,
    FaultlineError,
    Forbidden,
    InvalidField,
    NotFound,
    Unauthorized,
    Unavailable,
)

log = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error."
UNAVAILABLE = "database unavailable, try again shortly"
_CODES: tuple[tuple[type[FaultlineError], str], ...] = (
    (BadRequest, "BAD_USER_INPUT"),
    (Unauthorized, "UNAUTHENTICATED"),
    (Forbidden, "FORBIDDEN"),
    (NotFound, "NOT_FOUND"),
    (Unavailable, "UNAVAILABLE"),
)
# Codes of failures outside any resolver: the HTTP request itself, or an invalid document.
_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    503: "UNAVAILABLE",
}
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def error_code(error: FaultlineError) -> str:
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return _STATUS_CODES.get(error.status, "INTERNAL_SERVER_ERROR")


def extensions_of(error: FaultlineError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error_code(error)}
    if isinstance(error, InvalidField):
        extensions["field"] = error.field
    return extensions


def _is_expected(error: GraphQLError) -> bool:
    """Raised on purpose: by our services, or by GraphQL itself about the document."""
    original = error.original_error
    # Errors without a path come before execution (syntax, validation, variable values).
    return (
        error.path is None
        or original is None
        or isinstance(original, FaultlineError | GraphQLError)
    )


def for_client(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it: a code in extensions, nothing unexpected revealed."""
    original = error.original_error
    if isinstance(original, FaultlineError):
        return _located(error, original.message, extensions_of(original))
    if original is not None and is_unavailable(original):
        return _located(error, UNAVAILABLE, {"code": "UNAVAILABLE"})
    if not _is_expected(error):
        return _located(error, UNEXPECTED, {"code": "INTERNAL_SERVER_ERROR"})
    if error.extensions and "code" in error.extensions:
        return error
    code = PARSE_FAILED if isinstance(error, GraphQLSyntaxError) else VALIDATION_FAILED
    return _located(error, error.message, {**(error.extensions or {}), "code": code})


def _located(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def log_errors(errors: list[GraphQLError]) -> None:
    """Tracebacks at ERROR for the unexpected only; expected failures are a client's business."""
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, FaultlineError):
            if is_unavailable(original):
                log.warning("database unavailable during GraphQL %s: %s", error.path, original)
                continue
            if not _is_expected(error):
                log.error("unexpected error in GraphQL %s", error.path, exc_info=original)
                continue
        log.debug("GraphQL error: %s", error.message)


def process(errors: list[GraphQLError]) -> None:
    """Log `errors`, then replace each, in place, by what the client may see.

    Strawberry passes every result's error list through Schema.process_errors (parse,
    validation and execution errors alike) before it sends it, so rewriting the list there
    is the one place every error goes through; an extension's hook misses parse errors.
    """
    log_errors(errors)
    errors[:] = [for_client(error) for error in errors]


@contextmanager
def renamed_fields(**names: str) -> Iterator[None]:
    """Service errors name a field by its REST name; GraphQL clients know the argument."""
    try:
        yield
    except InvalidField as error:
        if error.field not in names:
            raise
        problem = error.message.removeprefix(f"{error.field}: ")
        raise InvalidField(names[error.field], problem) from None
