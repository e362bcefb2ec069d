"""API tokens: listed masked; the full token only in the answer to createToken."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.auth.tokens import NewToken, masked
from models import ApiToken


@strawberry.type(name="Token")
class TokenType:
    id: strawberry.ID
    # The first characters and a mask: enough to tell tokens apart.
    token: str
    description: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, record: ApiToken) -> TokenType:
        return cls(
            id=strawberry.ID(str(record.id)),
            token=masked(record.prefix),
            description=record.description,
            created_at=record.created_at,
            last_used_at=record.last_used_at,
        )


@strawberry.type
class CreatedToken:
    id: strawberry.ID
    token: str = strawberry.field(description="The full token; shown this once, never again.")
    description: str
    created_at: datetime

    @classmethod
    def of(cls, new: NewToken) -> CreatedToken:
        return cls(
            id=strawberry.ID(str(new.record.id)),
            token=new.token,
            description=new.record.description,
            created_at=new.record.created_at,
        )
