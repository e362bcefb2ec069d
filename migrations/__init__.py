"""aerich migrations, one set per SQL dialect, both generated from `models` (`make migrations`)."""
