"""Projects: names, slugs, DSN keys and per-project settings."""
