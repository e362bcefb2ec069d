"""Query execution with a shortcut for plain scalar fields.

graphql-core spends ~5 µs on every field it resolves (a resolve info object, strawberry's
wrapper around the default resolver, value completion), and a page of 50 issues with their
latest events resolves ~1,000 fields, ~900 of them scalars that are attributes of the type's
object (and a stack trace's frames carry lists of source lines). For such a field — no
resolver, no field extension (so no permission), no arguments, no directive, a scalar or enum
type or a list of one, no middleware — the shortcut reads the attribute and serialises it the
way graphql-core would. Everything else, and every value the shortcut cannot complete (null
where the type says non-null, a serialiser that fails or returns null, a list that is no
Python list), takes the ordinary path, which answers or reports the error exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
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
    """How to complete one plain field: read `name` with `read`, then `serialize` it (each
    item of it when `items`, whose items may be null unless `non_null_items`)."""

    __slots__ = ("items", "name", "non_null", "non_null_items", "read", "serialize")

    def __init__(
        self,
        read: Callable[[Any, str], Any],
        name: str,
        serialize: Callable[[Any], Any],
        non_null: bool,
        items: bool = False,
        non_null_items: bool = False,
    ) -> None:
        self.read = read
        self.name = name
        self.serialize = serialize
        self.non_null = non_null
        self.items = items
        self.non_null_items = non_null_items

    def complete(self, value: Any) -> Any:
        """The serialised value, or Undefined when the ordinary path must complete it."""
        if value is None:
            return Undefined if self.non_null else None
        if not self.items:
            return self._leaf(value)
        if type(value) is not list:
            return Undefined
        completed: list[Any] = []
        for item in value:
            if item is None:
                if self.non_null_items:
                    return Undefined
                completed.append(None)
                continue
            serialized = self._leaf(item)
            if serialized is Undefined:
                return Undefined
            completed.append(serialized)
        return completed

    def _leaf(self, value: Any) -> Any:
        try:
            serialized = self.serialize(value)
        except Exception:  # the ordinary path reports it, with the field's location
            return Undefined
        return Undefined if serialized is None else serialized


def _unwrapped(graphql_type: Any) -> tuple[Any, bool]:
    if isinstance(graphql_type, GraphQLNonNull):
        return graphql_type.of_type, True
    return graphql_type, False


def plain_field(parent_type: GraphQLObjectType, field_name: str) -> PlainField | None:
    """The shortcut for this field of this type, or None when it must take the ordinary path."""
    field = parent_type.fields.get(field_name)
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    read, name = definition.default_resolver, definition.python_name
    outer, non_null = _unwrapped(field.type)
    if isinstance(outer, GraphQLScalarType | GraphQLEnumType):
        return PlainField(read, name, outer.serialize, non_null)
    if isinstance(outer, GraphQLList):
        item, non_null_items = _unwrapped(outer.of_type)
        if isinstance(item, GraphQLScalarType | GraphQLEnumType):
            return PlainField(read, name, item.serialize, non_null, True, non_null_items)
    return None


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
        if (
            plain is not None
            and (middleware is None or not middleware.middlewares)
            and not field_details_list[0].node.directives
        ):
            completed = plain.complete(plain.read(source, plain.name))
            if completed is not Undefined:
                return completed
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
