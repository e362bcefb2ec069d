"""Issue search: a Sentry-style query language parsed once into a typed filter."""
