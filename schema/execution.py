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

An object-typed field of the same kind (or a list of objects: a connection's `edges`, an
edge's `node`, an issue's `project`) is read the same way and completed by graphql-core's own
`complete_value`, with its error handling, skipping only the resolve info and strawberry's
resolver wrapper, which nothing on that path reads: taken only for object types with no
`is_type_of` (so no interface or union), no `@stream`, and a value that is there (a null
takes the ordinary path, for its error). When every field selected under such an object
takes a shortcut (a page's edges: the issues' columns, project and latest event), the whole
object is completed in plain Python, without graphql-core's work per object and field; any
value that cannot be falls back to the ordinary completion of the whole object.

A resolver field marked `read_ahead` (no arguments, no permission) takes the same shortcut when
its object already holds the value: an issue list's latest events, read with the page, and an
event's stored message; otherwise its resolver runs.

What a resolver returns (an issue's buckets, tags and history, an event's exceptions with their
frames) is completed whole in the same way when its selection allows, without middleware,
directive or error; else graphql-core's completion answers or reports it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    Undefined,
    UndefinedType,
    get_named_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

_BACKREF = "strawberry-definition"


class ObjectField:
    """How to complete one plain object-typed field: read `name` with `read`, then complete it
    with graphql-core's `complete_value` (`where` stands for the resolve info in its error
    messages, the only thing it reads of the info for these types)."""

    __slots__ = ("items", "name", "non_null", "read", "where")

    def __init__(
        self,
        read: Callable[[Any, str], Any],
        name: str,
        non_null: bool,
        items: bool,
        where: _Where,
    ) -> None:
        self.read = read
        self.name = name
        self.non_null = non_null
        self.items = items
        self.where = where

    def present(self, value: Any) -> bool:
        """Whether the value can be completed without the resolve info: not null, and a
        Python list of no nulls for a list (anything else takes the ordinary path)."""
        if value is None:
            return False
        if not self.items:
            return True
        return type(value) is list and all(item is not None for item in value)


class _Where:
    """What graphql-core's completion reads of a resolve info: for its error messages."""

    __slots__ = ("field_name", "parent_type")

    def __init__(self, parent_type: GraphQLObjectType, field_name: str) -> None:
        self.parent_type = parent_type
        self.field_name = field_name


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


def _object_type(graphql_type: Any) -> bool:
    return isinstance(graphql_type, GraphQLObjectType) and graphql_type.is_type_of is None


def read_ahead(attribute: str) -> dict[str, str]:
    """Metadata for a resolver field whose value its object may already hold, read ahead
    (a page's latest events, a message stored with its event): `attribute` is None, or the
    value in a 1-tuple, which the shortcut then completes as it would a plain field's; the
    resolver must answer the same from it, for every other path."""
    return {_READ_AHEAD: attribute}


_READ_AHEAD = "faultline-read-ahead"


def _held(source: Any, attribute: str) -> Any:
    held = getattr(source, attribute)
    return Undefined if held is None else held[0]


def plain_field(parent_type: GraphQLObjectType, field_name: str) -> PlainField | ObjectField | None:
    """The shortcut for this field of this type, or None when it must take the ordinary path."""
    field = parent_type.fields.get(field_name)
    if field is None or field.args:
        return None
    definition = (field.extensions or {}).get(_BACKREF)
    if not isinstance(definition, StrawberryField):
        return None
    metadata: Mapping[Any, Any] = definition.metadata or {}
    ahead = metadata.get(_READ_AHEAD)
    read: Callable[[Any, str], Any]
    if isinstance(ahead, str) and not definition.extensions:
        read, name = _held, ahead
    elif getattr(field.resolve, "_is_default", False) and definition.is_basic_field:
        read, name = definition.default_resolver, definition.python_name
    else:
        return None
    outer, non_null = _unwrapped(field.type)
    if isinstance(outer, GraphQLScalarType | GraphQLEnumType):
        return PlainField(read, name, outer.serialize, non_null)
    if isinstance(outer, GraphQLList):
        item, non_null_items = _unwrapped(outer.of_type)
        if isinstance(item, GraphQLScalarType | GraphQLEnumType):
            return PlainField(read, name, item.serialize, non_null, True, non_null_items)
        if _object_type(item):
            return ObjectField(read, name, non_null, True, _Where(parent_type, field_name))
    if _object_type(outer):
        return ObjectField(read, name, non_null, False, _Where(parent_type, field_name))
    return None


# Per response name: its shortcut (None: __typename), the type of an object field (None: a
# scalar's), and its selection.
_Plan = list[tuple[str, PlainField | ObjectField | None, Any, FieldDetailsList]]


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    # (type, field name) → its shortcut or None, for the process's schema (types by identity);
    # bounded by the schema's fields, since only fields the schema has are added.
    _plain: dict[tuple[GraphQLObjectType, str], PlainField | ObjectField | None] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (object type, selection's id) → (the selection, kept alive; its plan)
        self._plans: dict[tuple[Any, int], tuple[FieldDetailsList, _Plan | None]] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        plain = self._shortcut(parent_type, field_details_list[0].node.name.value)
        # (strawberry always passes a manager; it has middleware when an extension has a
        # `resolve` hook, which every field must then go through)
        middleware = self.middleware_manager
        if (
            plain is not None
            and (middleware is None or not middleware.middlewares)
            and not field_details_list[0].node.directives
        ):
            value = plain.read(source, plain.name)  # Undefined: not read ahead
            if value is Undefined:
                pass
            elif isinstance(plain, PlainField):
                completed = plain.complete(value)
                if completed is not Undefined:
                    return completed
            elif plain.present(value):
                return self._complete_object(
                    plain, parent_type, value, field_details_list, path, position_context
                )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        """A resolver's object (or list of them: an issue's buckets and tags, an event's
        exceptions) completed whole in plain Python when its selection allows; otherwise, or
        if anything in it cannot be, graphql-core's completion answers or reports it."""
        middleware = self.middleware_manager  # (a `resolve` hook must see every field)
        if (
            not isinstance(result, Exception)  # (graphql-core raises a returned error)
            and _object_type(get_named_type(return_type))
            and not field_details_list[0].node.directives  # (@stream)
            and (middleware is None or not middleware.middlewares)
        ):
            try:
                completed = self._plainly(return_type, field_details_list, result)
            except Exception:  # (a value without a field's attribute) reported below
                completed = Undefined
            if completed is not Undefined:
                return completed
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _shortcut(
        self, parent_type: GraphQLObjectType, name: str
    ) -> PlainField | ObjectField | None:
        key = (parent_type, name)
        try:
            return self._plain[key]
        except KeyError:
            if name not in parent_type.fields:  # __typename, or a field the schema lacks
                return None
            plain = self._plain[key] = plain_field(parent_type, name)
            return plain

    def _plainly(self, return_type: Any, field_details_list: FieldDetailsList, value: Any) -> Any:
        """The value completed in plain Python when every field selected under it takes a
        shortcut and completes (so no error, no resolver, no directive), else Undefined, and
        the ordinary completion answers or reports it (the reads are attribute reads: doing
        them twice changes nothing)."""
        if isinstance(return_type, GraphQLNonNull):
            if value is None:
                return Undefined
            return_type = return_type.of_type
        elif value is None:
            return None
        if isinstance(return_type, GraphQLList):
            if type(value) is not list:
                return Undefined
            item_type = return_type.of_type
            items = []
            for item in value:
                completed = self._plainly(item_type, field_details_list, item)
                if completed is Undefined:
                    return Undefined
                items.append(completed)
            return items
        plan = self._plan(return_type, field_details_list)
        if plan is None:
            return Undefined
        result: dict[str, Any] = {}
        for response_name, plain, field_type, details in plan:
            if plain is None:  # __typename
                result[response_name] = return_type.name
                continue
            field_value = plain.read(value, plain.name)
            if field_value is Undefined:
                return Undefined
            if isinstance(plain, PlainField):
                completed = plain.complete(field_value)
            else:
                completed = self._plainly(field_type, details, field_value)
            if completed is Undefined:
                return Undefined
            result[response_name] = completed
        return result

    def _plan(self, return_type: Any, field_details_list: FieldDetailsList) -> _Plan | None:
        """How to complete the selection of an object plainly, or None if it cannot be: per
        response name, its shortcut (None: __typename) and, for an object field, its type.
        Memoised for the operation, on the selection's identity, as graphql-core's
        collect_subfields is (the selection kept alive with it)."""
        key = (return_type, id(field_details_list))
        plans = self._plans
        found = plans.get(key)
        if found is not None:
            return found[1]
        plan: _Plan | None = None
        if _object_type(return_type):
            plan = self._new_plan(return_type, field_details_list)
        plans[key] = (field_details_list, plan)
        return plan

    def _new_plan(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> _Plan | None:
        grouped_field_set, defer_usages, _ = self.collect_subfields(return_type, field_details_list)
        if defer_usages:
            return None
        plan: _Plan = []
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            if node.directives:
                return None
            name = node.name.value
            if name == "__typename":
                plan.append((response_name, None, None, details))
                continue
            plain = self._shortcut(return_type, name)
            if plain is None:
                return None
            field_type = None if isinstance(plain, PlainField) else return_type.fields[name].type
            plan.append((response_name, plain, field_type, details))
        return plan

    def _complete_object(
        self,
        plain: ObjectField,
        parent_type: GraphQLObjectType,
        value: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        """What graphql-core's execute_field does once the resolver has answered `value`."""
        return_type = parent_type.fields[plain.where.field_name].type
        completed = self._plainly(return_type, field_details_list, value)
        if completed is not Undefined:
            return completed
        try:
            completed = self.complete_value(
                return_type,
                field_details_list,
                cast("GraphQLResolveInfo[Any]", plain.where),
                path,
                value,
                position_context,
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return await_completed()
