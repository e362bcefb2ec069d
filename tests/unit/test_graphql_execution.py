"""The plain-field shortcut of schema.execution answers exactly what graphql-core would:
values, nulls, enums, custom scalars, objects, lists of objects and errors, on a schema of
its own."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from schema import schema as faultline_schema
from schema.execution import (
    ObjectField,
    PlainField,
    PlainFieldsExecutionContext,
    plain_field,
    read_ahead,
)


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Thing:
    name: str
    nickname: str | None
    count: int
    color: Color
    seen: datetime
    when: datetime | None
    lines: list[str]
    maybe_lines: list[str | None] | None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


def _thing(**changes: Any) -> Thing:
    values: dict[str, Any] = {
        "name": "a",
        "nickname": None,
        "count": 3,
        "color": Color.BLUE,
        "seen": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "when": None,
        "lines": ["x", "y"],
        "maybe_lines": None,
    }
    values.update(changes)
    return Thing(**values)


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [
            _thing(),
            _thing(name="b", nickname="bee", when=datetime(2026, 2, 1, tzinfo=UTC)),
            _thing(name=None),  # null where the type says non-null
            _thing(count=2**40),  # beyond Int: graphql-core's serialiser refuses it
            _thing(color="green"),  # no value of the enum
            _thing(lines=("t", "u"), maybe_lines=["m", None]),  # a tuple is a list too
            _thing(lines=["x", None]),  # a null item where items are non-null
            _thing(lines="xy"),  # a string is no list
            _thing(maybe_lines=[1.5]),  # String serialises a float as its text
        ]


class Hook(SchemaExtension):
    """An extension with a `resolve` hook: every field must go through it."""

    def resolve(self, _next, root, info, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = _next(root, info, *args, **kwargs)
        return f"<{result}>" if isinstance(result, str) else result


ORDINARY = strawberry.Schema(query=Query)
SHORTCUT = strawberry.Schema(query=Query, execution_context_class=PlainFieldsExecutionContext)
QUERY = """{ things {
  __typename name nickname count color seen when shout lines maybeLines
  again: name @include(if: true)
} }"""


def _answer(schema: strawberry.Schema, query: str = QUERY) -> tuple[Any, Any]:
    result = schema.execute_sync(query)
    errors = [(e.message, e.path, e.locations) for e in result.errors or []]
    return result.data, errors


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "__typename": "Thing",
        "name": "a",
        "nickname": None,
        "count": 3,
        "color": "BLUE",
        "seen": "2026-01-02T03:04:05+00:00",
        "when": None,
        "shout": "A",
        "lines": ["x", "y"],
        "maybeLines": None,
        "again": "a",
    }
    row.update(changes)
    return row


def test_the_shortcut_answers_as_graphql_core_does():
    data, errors = _answer(SHORTCUT)
    assert (data, errors) == _answer(ORDINARY)
    assert data == {
        "things": [
            _row(),
            _row(
                name="b",
                nickname="bee",
                when="2026-02-01T00:00:00+00:00",
                shout="B",
                again="b",
            ),
            None,
            None,
            None,
            _row(lines=["t", "u"], maybeLines=["m", None]),
            None,
            None,
            _row(maybeLines=["1.5"]),
        ]
    }
    assert [(message[:40], path) for message, path, _ in errors] == [
        ("Cannot return null for non-nullable fiel", ["things", 2, "name"]),
        ("Int cannot represent non 32-bit signed i", ["things", 3, "count"]),
        ("Enum 'Color' cannot represent value: 'gr", ["things", 4, "color"]),
        ("Cannot return null for non-nullable fiel", ["things", 6, "lines", 1]),
        ("Expected Iterable, but did not find one ", ["things", 7, "lines"]),
    ]


def test_a_resolve_hook_still_sees_every_field():
    hooked = strawberry.Schema(
        query=Query, execution_context_class=PlainFieldsExecutionContext, extensions=[Hook]
    )
    data, _ = _answer(hooked, "{ things { name nickname } }")
    assert data["things"][:2] == [
        {"name": "<a>", "nickname": None},
        {"name": "<b>", "nickname": "<bee>"},
    ]


@pytest.mark.parametrize(
    ("type_name", "field", "plain"),
    [
        ("Issue", "title", PlainField),
        ("Issue", "state", PlainField),  # an enum
        ("Issue", "eventCount", PlainField),  # a custom scalar (BigInt)
        ("Frame", "preContext", PlainField),  # a list of strings
        ("Issue", "project", ObjectField),  # an object
        ("IssueConnection", "edges", ObjectField),  # a list of objects
        ("IssueEdge", "node", ObjectField),
        ("Issue", "latestEvent", ObjectField),  # a resolver, read ahead by a list
        ("Issue", "history", None),  # a resolver with arguments
        ("Issue", "frequency", None),  # a resolver
        ("Event", "message", PlainField),  # a resolver, but stored with most events
        ("Event", "timestamp", PlainField),
        ("Query", "issues", None),  # a permission (field extension)
    ],
)
def test_which_fields_of_faultline_take_the_shortcut(type_name, field, plain):
    graphql_type = faultline_schema._schema.type_map[type_name]
    found = plain_field(graphql_type, field)  # type: ignore[arg-type]
    assert (type(found) if found is not None else None) is plain


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Pet(Named):  # an interface's type: graphql-core checks is_type_of, so no shortcut
    legs: int


@strawberry.type
class Slow:
    @strawberry.field
    async def late(self) -> str | None:
        return "late"

    @strawberry.field
    async def broken(self) -> str:
        raise ValueError("broken")


@strawberry.type
class Box:
    thing: Thing
    maybe: Thing | None
    things: list[Thing]
    maybe_things: list[Thing | None] | None
    pet: Pet | None
    slow: Slow
    slows: list[Slow] | None


@strawberry.type
class BoxQuery:
    @strawberry.field
    def boxes(self) -> list[Box | None]:
        def box(**changes: Any) -> Box:
            values: dict[str, Any] = {
                "thing": _thing(),
                "maybe": None,
                "things": [_thing(name="b")],
                "maybe_things": [_thing(name="c"), None],
                "pet": Pet(name="rex", legs=4),
                "slow": Slow(),
                "slows": [Slow()],
            }
            values.update(changes)
            return Box(**values)

        return [
            box(),
            box(maybe=_thing(name="m"), maybe_things=None, pet=None, slows=[]),
            box(thing=None),  # null where the type says non-null
            box(thing=_thing(name=None)),  # a non-null field of it null: the box is null
            box(maybe=_thing(count=2**40)),  # only `maybe` is null
            box(things=[_thing(), None]),  # a null item where items are non-null
            box(things=(_thing(),)),  # a tuple is a list too
            box(things="xy"),  # a string is no list
            box(maybe_things=[_thing(name=None)]),  # that item is null
            box(pet=_thing()),  # no Pet
        ]


BOX_QUERY = """{ boxes {
  thing { name count }
  maybe { name count color }
  things { __typename name lines }
  maybeThings { name nickname }
  pet { name legs }
  slow { late }
  slows { late }
} }"""


def _answer_async(schema: strawberry.Schema, query: str) -> tuple[Any, Any]:
    import asyncio

    result = asyncio.run(schema.execute(query))
    errors = [(e.message, e.path, e.locations) for e in result.errors or []]
    return result.data, errors


def test_objects_and_lists_of_objects_answer_as_graphql_core_does():
    shortcut = strawberry.Schema(
        query=BoxQuery, execution_context_class=PlainFieldsExecutionContext
    )
    ordinary = strawberry.Schema(query=BoxQuery)
    data, errors = _answer_async(shortcut, BOX_QUERY)
    assert (data, errors) == _answer_async(ordinary, BOX_QUERY)
    full = {
        "thing": {"name": "a", "count": 3},
        "maybe": None,
        "things": [{"__typename": "Thing", "name": "b", "lines": ["x", "y"]}],
        "maybeThings": [{"name": "c", "nickname": None}, None],
        "pet": {"name": "rex", "legs": 4},
        "slow": {"late": "late"},
        "slows": [{"late": "late"}],
    }
    b = {"name": "b", "lines": ["x", "y"], "__typename": "Thing"}
    assert data["boxes"] == [
        full,
        full
        | {
            "maybe": {"name": "m", "count": 3, "color": "BLUE"},
            "maybeThings": None,
            "pet": None,
            "slows": [],
        },
        None,
        None,
        full,
        None,
        full | {"things": [b | {"name": "a"}]},
        None,
        full | {"maybeThings": [None]},
        full | {"pet": None},
    ]
    assert [(message[:40], path) for message, path, _ in errors] == [
        ("Cannot return null for non-nullable fiel", ["boxes", 2, "thing"]),
        ("Cannot return null for non-nullable fiel", ["boxes", 3, "thing", "name"]),
        ("Int cannot represent non 32-bit signed i", ["boxes", 4, "maybe", "count"]),
        ("Cannot return null for non-nullable fiel", ["boxes", 5, "things", 1]),
        ("Expected Iterable, but did not find one ", ["boxes", 7, "things"]),
        ("Cannot return null for non-nullable fiel", ["boxes", 8, "maybeThings", 0, "name"]),
        ("Expected value of type 'Pet' but got: <T", ["boxes", 9, "pet"]),
    ]


def test_an_error_under_an_awaited_object_nulls_it_as_graphql_core_does():
    shortcut = strawberry.Schema(
        query=BoxQuery, execution_context_class=PlainFieldsExecutionContext
    )
    query = "{ boxes { slows { broken } } }"
    data, errors = _answer_async(shortcut, query)
    assert (data, errors) == _answer_async(strawberry.Schema(query=BoxQuery), query)
    assert data["boxes"][0] == {"slows": None}
    assert errors[0][:2] == ("broken", ["boxes", 0, "slows", 0, "broken"])


RESOLVED: list[str] = []


class Never(strawberry.BasePermission):
    message = "never"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Held:
    name: str
    held: strawberry.Private[tuple[str | None] | None]
    box: strawberry.Private[tuple[Thing | None] | None]

    @strawberry.field(metadata=read_ahead("held"))
    def echo(self) -> str | None:
        RESOLVED.append(self.name)
        return self.held[0] if self.held is not None else f"resolved {self.name}"

    @strawberry.field(metadata=read_ahead("box"))
    def thing(self) -> Thing | None:
        RESOLVED.append(self.name)
        return self.box[0] if self.box is not None else _thing(name="resolved")

    @strawberry.field(metadata=read_ahead("held"), permission_classes=[Never])
    def guarded(self) -> str | None:
        return "guarded"


@strawberry.type
class HeldQuery:
    @strawberry.field
    def helds(self) -> list[Held]:
        return [
            Held(name="a", held=("x",), box=(_thing(name="t"),)),
            Held(name="b", held=(None,), box=(None,)),  # held ahead: null
            Held(name="c", held=None, box=None),  # not read ahead: the resolver runs
            Held(name="d", held=(1.5,), box=(_thing(name=None),)),  # as a plain value would
        ]


def test_a_field_read_ahead_takes_its_held_value_and_otherwise_its_resolver():
    query = "{ helds { echo thing { name } } }"
    RESOLVED.clear()
    ordinary = _answer(strawberry.Schema(query=HeldQuery), query)
    assert RESOLVED == ["a", "a", "b", "b", "c", "c", "d", "d"]
    RESOLVED.clear()
    shortcut = strawberry.Schema(
        query=HeldQuery, execution_context_class=PlainFieldsExecutionContext
    )
    data, errors = _answer(shortcut, query)
    # c takes the resolver; the rest are completed from what is held (b's null object too,
    # since the list of helds is completed whole, item by item, where it can be)
    assert RESOLVED == ["c", "c"]
    assert (data, errors) == ordinary
    assert data == {
        "helds": [
            {"echo": "x", "thing": {"name": "t"}},
            {"echo": None, "thing": None},
            {"echo": "resolved c", "thing": {"name": "resolved"}},
            {"echo": "1.5", "thing": None},
        ]
    }
    assert [(m[:40], p) for m, p, _ in errors] == [
        ("Cannot return null for non-nullable fiel", ["helds", 3, "thing", "name"])
    ]


def test_a_field_read_ahead_with_a_permission_always_asks_it():
    graphql_type = strawberry.Schema(query=HeldQuery)._schema.type_map["Held"]
    assert plain_field(graphql_type, "guarded") is None  # type: ignore[arg-type]
    data, errors = _answer(
        strawberry.Schema(query=HeldQuery, execution_context_class=PlainFieldsExecutionContext),
        "{ helds { guarded } }",
    )
    assert data == {"helds": [{"guarded": None}] * 4}
    assert [(m, p) for m, p, _ in errors] == [("never", ["helds", i, "guarded"]) for i in range(4)]


class CountingContext(PlainFieldsExecutionContext):
    """Counts the fields graphql-core executes one by one."""

    executed: list[str] = []

    def execute_field(self, parent_type, source, field_details_list, path, position_context):  # type: ignore[no-untyped-def]
        self.executed.append(f"{parent_type.name}.{field_details_list[0].node.name.value}")
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def test_an_object_of_plain_fields_is_completed_whole():
    schema = strawberry.Schema(query=BoxQuery, execution_context_class=CountingContext)
    CountingContext.executed.clear()
    data, errors = _answer_async(schema, "{ boxes { thing { name } things { __typename count } } }")
    assert errors == [
        (
            "Cannot return null for non-nullable field Box.thing.",
            ["boxes", 2, "thing"],
            errors[0][2],
        ),
        (
            "Cannot return null for non-nullable field Thing.name.",
            ["boxes", 3, "thing", "name"],
            errors[1][2],
        ),
        (
            "Cannot return null for non-nullable field Box.things.",
            ["boxes", 5, "things", 1],
            errors[2][2],
        ),
        (
            "Expected Iterable, but did not find one for field 'Box.things'.",
            ["boxes", 7, "things"],
            errors[3][2],
        ),
    ]
    assert data["boxes"][0] == {
        "thing": {"name": "a"},
        "things": [{"__typename": "Thing", "count": 3}],
    }
    # The list the resolver returned is completed whole where it can be, box by box: only
    # the boxes that cannot be completed plainly execute their fields, and a field under
    # them only where that cannot: a null to report (boxes 2, 3: the box is null from there
    # on), a null item (box 5: its other item is completed plainly), a tuple (6), a string (7)
    both = ["Box.thing", "Box.things"]
    null_thing, null_name = ["Box.thing"], ["Box.thing", "Thing.name"]
    boxes = [null_thing, null_name, both, both, both]
    assert CountingContext.executed == ["BoxQuery.boxes", *(f for box in boxes for f in box)]
