"""The Rustrak REST API (projects, issues, events, tokens, health), shape for shape."""
