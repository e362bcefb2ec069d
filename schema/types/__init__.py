"""GraphQL object types, one module per noun; each renders a model, resolvers stay thin."""
