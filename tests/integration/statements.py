"""The SQL statements this process sends through Tortoise while a block runs (its client logs
each one at DEBUG), for tests that count or inspect them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar


class Statements(logging.Handler):
    """The statements heard, in order; the pool's own messages are not statements."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "connection pool" not in message:
            self.sql.append(message)

    @property
    def count(self) -> int:
        return len(self.sql)


S = TypeVar("S", bound=Statements)


@contextmanager
def recording(kind: type[S] = Statements) -> Iterator[S]:  # type: ignore[assignment]
    """A `kind` of Statements hearing every statement until the block ends."""
    logger = logging.getLogger("tortoise.db_client")
    handler, level = kind(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
