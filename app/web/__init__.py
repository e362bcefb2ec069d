"""The web UI: static files served by the same server (a GraphQL client, no build step)."""
