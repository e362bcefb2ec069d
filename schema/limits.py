"""The document limits, as one validation rule that walks each fragment once.

strawberry's QueryDepthLimiter and MaxAliasesLimiter expand every fragment spread where it
appears: forty fragments that each spread the next twice (a few hundred bytes) make them walk 2^40
selections. Here each fragment's depth is computed once and aliases are counted once per node,
so validation stays linear in the document.

- depth: fields nested at most MAX_DEPTH levels below the operation's own (introspection exempt);
- aliases: at most MAX_ALIASES in the document;
- connections nested at most MAX_CONNECTION_NESTING deep. Depth alone does not bound the rows a
  document asks for: issues(first: 100) → events(first: 100) → issue → events(first: 100) is a
  million events; a page of issues with a page of events each is what a client needs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
)

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_CONNECTION_NESTING = 2


class Shape(NamedTuple):
    depth: int  # levels of fields below the first
    connections: int  # connection fields nested along the deepest path of them


_FLAT = Shape(0, 0)


def _deeper(a: Shape, b: Shape) -> Shape:
    return Shape(max(a.depth, b.depth), max(a.connections, b.connections))


class DocumentLimits(ValidationRule):
    def enter_document(self, *_: Any) -> None:
        definitions = self.context.document.definitions
        self._fragments = {
            d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, Shape] = {}
        self._aliases = 0

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.alias is not None:
            self._aliases += 1

    def leave_document(self, *_: Any) -> None:
        if self._aliases > MAX_ALIASES:
            message = f"{self._aliases} aliases found. Allowed: {MAX_ALIASES}"
            self.report_error(GraphQLError(message))

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        root = self.context.schema.get_root_type(node.operation)
        if root is None:
            return
        shape = self._walk(node.selection_set, root)
        name = node.name.value if node.name else "anonymous"
        if shape.depth > MAX_DEPTH:
            message = f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}"
            self.report_error(GraphQLError(message, node))
        if shape.connections > MAX_CONNECTION_NESTING:
            self.report_error(
                GraphQLError(
                    f"connections are nested {shape.connections} deep (at most "
                    f"{MAX_CONNECTION_NESTING}); ask for the inner list in a query of its own",
                    node,
                )
            )

    def _walk(self, selections: SelectionSetNode | None, parent: GraphQLNamedType | None) -> Shape:
        shape = _FLAT
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                shape = _deeper(shape, self._field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                inner = self._named(selection.type_condition) or parent
                shape = _deeper(shape, self._walk(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                shape = _deeper(shape, self._spread(selection.name.value))
        return shape

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Shape:
        if node.name.value.startswith("__") or node.selection_set is None:
            return _FLAT  # introspection is exempt; a leaf adds no level
        child: GraphQLNamedType | None = None
        if isinstance(parent, GraphQLObjectType) and node.name.value in parent.fields:
            child = get_named_type(parent.fields[node.name.value].type)
        below = self._walk(node.selection_set, child)
        own = 1 if child is not None and child.name.endswith("Connection") else 0
        return Shape(below.depth + 1, below.connections + own)

    def _spread(self, name: str) -> Shape:
        if name not in self._memo:
            self._memo[name] = _FLAT  # a cycle (reported by another rule) stops here
            fragment = self._fragments.get(name)
            if fragment is not None:
                parent = self._named(fragment.type_condition)
                self._memo[name] = self._walk(fragment.selection_set, parent)
        return self._memo[name]

    def _named(self, condition: NamedTypeNode | None) -> GraphQLNamedType | None:
        return self.context.schema.get_type(condition.name.value) if condition else None
