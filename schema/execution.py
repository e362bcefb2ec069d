"""Query execution with a shortcut for plain scalar fields.

graphql-core spends ~5 µs on every field it resolves (a resolve info object, strawberry's
wrapper around the default resolver, value completion), and a page of 50 issues with their
latest events resolves ~1,000 fields, ~900 of them scalars that are attributes of the type's
object. For such a field — no resolver, no field extension (so no permission), no arguments,
a scalar or enum type, no middleware — the shortcut reads the attribute and serialises it
the way graphql-core would. Everything else, and every value the shortcut cannot complete
(null where the type says non-null, a serialiser that fails or returns null), takes the
ordinary path, which answers or reports the error exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    UndefinedType,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

_BACKREF = "strawberry-definition"


class PlainField:
    """How to complete one plain field: read `name` with `read`, then `serialize` it."""

    __slots__ = ("name", "non_null", "read", "serialize")

    def __init__(
        self,
        read: Callable[[Any, str], Any],
        name: str,
        serialize: Callable[[Any], Any],
        non_null: bool,
    ) -> None:
        self.read = read
        self.name = name
        self.serialize = serialize
        self.non_null = non_null


def plain_field(parent_type: GraphQLObjectType, field_name: str) -> PlainField | None:
    """The shortcut for this field of this type, or None when it must take the ordinary path."""
    field = parent_type.fields.get(field_name)
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    return PlainField(
        definition.default_resolver,
        definition.python_name,
        leaf.serialize,
        isinstance(field.type, GraphQLNonNull),
    )


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    # (type, field name) → its shortcut or None, for the process's schema (types by identity);
    # bounded by the schema's fields, since only fields the schema has are added.
    _plain: dict[tuple[GraphQLObjectType, str], PlainField | None] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        name = field_details_list[0].node.name.value
        key = (parent_type, name)
        try:
            plain = self._plain[key]
        except KeyError:
            if name not in parent_type.fields:  # __typename, or a field the schema lacks
                plain = None
            else:
                plain = self._plain[key] = plain_field(parent_type, name)
        # (strawberry always passes a manager; it has middleware when an extension has a
        # `resolve` hook, which every field must then go through)
        middleware = self.middleware_manager
        if plain is not None and (middleware is None or not middleware.middlewares):
            value = plain.read(source, plain.name)
            if value is None:
                if not plain.non_null:
                    return None
            else:
                try:
                    serialized = plain.serialize(value)
                except Exception:  # the ordinary path reports it, with the field's location
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    return serialized
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
