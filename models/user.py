"""A person who signs in to the web UI; the password is stored only as an argon2 hash."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class User(Model):
    id = fields.IntField(primary_key=True)
    # Lowercased on the way in, so uniqueness is case-insensitive on both databases.
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        # "user" is reserved in PostgreSQL.
        table = "user_account"
