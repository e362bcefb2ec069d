"""The Rollbar API: items, project access tokens (and their admin routes), shape for shape."""
