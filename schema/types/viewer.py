"""Who is asking: the signed-in person of the web UI."""

from __future__ import annotations

import strawberry

from models import User


@strawberry.type(name="Viewer")
class ViewerType:
    id: strawberry.ID
    email: str

    @classmethod
    def of(cls, user: User) -> ViewerType:
        return cls(id=strawberry.ID(str(user.id)), email=user.email)
