"""The GraphQL schema served at /graphql (strawberry), built once per process.

Limits (documented in the README): documents of at most MAX_TOKENS tokens, and the depth,
alias and connection-nesting limits of schema.limits. Its rule is one fixed class, so the
validation cache's key (document, rules) repeats and the cache hits.
"""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import GraphQLError
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from app.errors import BadRequest
from schema.errors import process
from schema.execution import PlainFieldsExecutionContext
from schema.limits import DocumentLimits
from schema.mutations import Mutation
from schema.queries import Query
from schema.subscriptions import Subscription
from schema.types.common import SCALARS

MAX_TOKENS = 5_000
# Distinct documents kept parsed and validated (bounded: clients choose the documents).
CACHE_SIZE = 256
SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"

RULES: list[type[ASTValidationRule]] = [DocumentLimits]
SUBSCRIPTIONS_NEED_A_WEBSOCKET = (
    "subscriptions run over a WebSocket on /graphql (graphql-transport-ws or graphql-ws)"
)


class FreshLoaders(SchemaExtension):
    """DataLoader caches live for one operation, even on a WebSocket that runs many."""

    def on_operation(self):  # type: ignore[no-untyped-def]
        self.execution_context.context.renew_loaders()
        yield


class WebSocketSubscriptions(SchemaExtension):
    """Strawberry runs a subscription sent over HTTP as a query, where it can only fail."""

    def on_execute(self):  # type: ignore[no-untyped-def]
        execution = self.execution_context
        if (
            execution.operation_type is OperationType.SUBSCRIPTION
            and not execution.context.websocket
        ):
            raise BadRequest(SUBSCRIPTIONS_NEED_A_WEBSOCKET)
        yield


class FaultlineSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        process(errors)


schema = FaultlineSchema(
    config=StrawberryConfig(scalar_map=SCALARS),
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    execution_context_class=PlainFieldsExecutionContext,
    extensions=[
        lambda: MaxTokensLimiter(MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: AddValidationRules(RULES),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        FreshLoaders,
        WebSocketSubscriptions,
    ],
)


def sdl() -> str:
    """The schema in SDL, as committed in schema/schema.graphql."""
    return schema.as_str() + "\n"
