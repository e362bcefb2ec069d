"""An event's stored id shown dashed, as uuid.UUID would show it, whatever was stored."""

from __future__ import annotations

import uuid

import pytest

from schema.types.event import dashed


@pytest.mark.parametrize(
    "stored",
    [
        "0123456789abcdef0123456789abcdef",
        "ffffffffffffffffffffffffffffffff",
        "0123456789ABCDEF0123456789ABCDEF",  # not as ingestion stores it: still a UUID
        "{01234567-89ab-cdef-0123-456789abcdef}",
    ],
)
def test_a_stored_id_is_dashed_as_uuid_dashes_it(stored):
    assert dashed(stored) == str(uuid.UUID(hex=stored))


def test_what_is_no_uuid_is_refused_as_uuid_refuses_it():
    with pytest.raises(ValueError, match="base 16"):
        dashed("0123456789abcdef0123456789abcdeg")
