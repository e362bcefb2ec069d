"""The GraphQL schema served at /graphql (strawberry): types, queries, mutations, subscriptions."""
