"""Credentials: API tokens for the REST and GraphQL APIs."""
