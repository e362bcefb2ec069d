"""`python -m bench graphql`: the GraphQL read path under load (bench/README.md, "GraphQL")."""
