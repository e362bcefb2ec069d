"""What a field's selection asks for, read from the document's syntax.

Resolvers use it to read ahead only what a query wants: a page's latest events in the page's
own resolver, an event's payload only when a payload field is selected. Fragments (named and
inline) are followed, each named one once; directives are ignored, so a field under
`@skip(if: true)` still counts: at worst something is read for nothing, never too little.
Cheap: only the levels on the path are walked, where strawberry's `selected_fields`
converts the whole subtree with its arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

Fragments = Mapping[str, FragmentDefinitionNode]


class UnknownFragment(Exception):
    """A spread of a fragment the document does not define (validation refuses those)."""


def fields_of(nodes: Iterable[FieldNode], fragments: Fragments) -> Iterator[FieldNode]:
    """The fields selected directly under `nodes`, through fragments."""
    pending: list[SelectionSetNode | None] = [node.selection_set for node in nodes]
    seen: set[str] = set()
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None:
                    raise UnknownFragment(name)
                if name not in seen:
                    seen.add(name)
                    pending.append(fragment.selection_set)


def along(nodes: Iterable[FieldNode], fragments: Fragments, *path: str) -> list[FieldNode]:
    """The fields at `path` below `nodes` (every alias of each name on the way)."""
    found = list(nodes)
    for name in path:
        found = [field for field in fields_of(found, fragments) if field.name.value == name]
    return found


def only_among(nodes: Iterable[FieldNode], fragments: Fragments, names: frozenset[str]) -> bool:
    """Whether every field selected directly under `nodes` is one of `names`."""
    try:
        return all(field.name.value in names for field in fields_of(nodes, fragments))
    except UnknownFragment:
        return False
