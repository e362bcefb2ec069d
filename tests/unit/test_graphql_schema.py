"""The GraphQL schema as code: committed SDL, protected root fields, the one error mapping."""

from __future__ import annotations

import asyncpg
import pytest
from graphql import GraphQLError

from app.errors import Forbidden, InvalidField, InvalidTransition, NotFound, Unauthorized
from schema import SDL_PATH, schema, sdl
from schema.errors import UNEXPECTED, for_client
from schema.permissions import IsAuthenticated, ws_authorization


def test_committed_sdl_matches_the_code():
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "schema/schema.graphql is out of date: run `make schema` and commit it"
    )


@pytest.mark.parametrize("root", ["Query", "Mutation", "Subscription"])
def test_every_root_field_requires_authentication(root):
    definition = schema.get_type_by_name(root)
    assert definition is not None
    open_fields = [
        field.name for field in definition.fields if IsAuthenticated not in field.permission_classes
    ]
    assert open_fields == []


def _at_path(original: Exception) -> GraphQLError:
    return GraphQLError("raw text", path=["issue"], original_error=original)


@pytest.mark.parametrize(
    ("original", "message", "extensions"),
    [
        (NotFound("issue 7 not found"), "issue 7 not found", {"code": "NOT_FOUND"}),
        (
            InvalidField("first", "too big"),
            "first: too big",
            {"code": "BAD_USER_INPUT", "field": "first"},
        ),
        (InvalidTransition("no"), "no", {"code": "BAD_USER_INPUT"}),
        (Unauthorized("who?"), "who?", {"code": "UNAUTHENTICATED"}),
        (Forbidden("not you"), "not you", {"code": "FORBIDDEN"}),
        (
            asyncpg.CannotConnectNowError("the database system is starting up"),
            "database unavailable, try again shortly",
            {"code": "UNAVAILABLE"},
        ),
        (RuntimeError("secret detail"), UNEXPECTED, {"code": "INTERNAL_SERVER_ERROR"}),
        (KeyError("secret"), UNEXPECTED, {"code": "INTERNAL_SERVER_ERROR"}),
    ],
)
def test_errors_map_to_one_code_each(original, message, extensions):
    mapped = for_client(_at_path(original))
    assert (mapped.message, mapped.extensions, mapped.path) == (message, extensions, ["issue"])
    assert mapped.original_error is None


def test_a_mapped_error_maps_to_itself():
    once = for_client(_at_path(NotFound("gone")))
    assert for_client(once).formatted == once.formatted


@pytest.mark.parametrize(
    ("params", "header", "expected"),
    [
        ({"Authorization": "Bearer abc"}, None, "Bearer abc"),
        ({"authorization": "Bearer abc"}, "Bearer other", "Bearer abc"),
        ({"token": "abc"}, None, "Bearer abc"),
        ({}, "Bearer hdr", "Bearer hdr"),
        (None, None, None),
    ],
)
def test_websocket_credentials_come_from_the_payload_first(params, header, expected):
    assert ws_authorization(params, header) == expected


@pytest.mark.parametrize("params", [{"Authorization": 1}, {"token": None}, {"token": ["a"]}])
def test_websocket_credentials_of_the_wrong_type_are_refused(params):
    with pytest.raises(Unauthorized):
        ws_authorization(params, None)
