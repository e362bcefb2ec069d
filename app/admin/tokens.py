"""`faultline token …`: API tokens, shown in full only when created."""

from __future__ import annotations

import argparse
import json

from app.admin import Handler, every_page
from app.auth import tokens
from app.compat.rustrak.serializers import token_json
from app.config import Settings


async def _create(args: argparse.Namespace, settings: Settings) -> int:
    new = await tokens.create_token(args.description)
    print(f"created token {new.record.id}; it is shown only this once:")
    print(new.token)
    return 0


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    rows = await every_page(tokens.list_tokens)
    print(json.dumps([token_json(t) for t in rows], indent=2))
    return 0


async def _delete(args: argparse.Namespace, settings: Settings) -> int:
    await tokens.delete_token(args.id)
    print(f"deleted token {args.id}")
    return 0


COMMANDS: dict[tuple[str, str | None], Handler] = {
    ("token", "create"): _create,
    ("token", "list"): _list,
    ("token", "delete"): _delete,
}
