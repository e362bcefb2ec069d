# Faultline developer commands. `make run` and `make test` work on a fresh machine.
# Dependencies install from the hashed lock files (make lock regenerates them from pyproject.toml).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet

.DEFAULT_GOAL := help
.PHONY: help install install-test run test lint format bench bench-ui screenshots migrations schema lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps -e .
	touch $@

# The test tools, and rollbar.js for the Node tests from its lock file (tests/js). npm is
# optional: without it those tests skip (and fail in CI, whose .ci/run installs Node).
$(VENV)/.installed-test: requirements-test.lock pyproject.toml tests/js/package-lock.json | $(BIN)/python
	$(PIP) --require-hashes -r requirements-test.lock
	$(PIP) --no-deps -e .
	@if command -v npm >/dev/null; then npm ci --prefix tests/js --no-audit --no-fund --silent; \
	else echo "npm not found: the rollbar.js tests will skip"; fi
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed  ## install Faultline into ./.venv from the lock file
install-test: $(VENV)/.installed-test  ## install Faultline and the test tools into ./.venv

run: install  ## serve on http://127.0.0.1:8080 (SQLite under ./data/ unless DATABASE_URL is set)
	$(BIN)/faultline serve

# Test files spread over this many processes (each with its own databases); 1 runs them in one.
TEST_WORKERS ?= 2

test: install-test  ## the whole suite, SQLite and PostgreSQL, in TEST_WORKERS processes
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install-test  ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-test  ## format the code and apply ruff's fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test  ## ingestion benchmark on PostgreSQL (see bench/README.md)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-ui: install-test  ## time the issue list's first render in Chromium (see bench/ui/)
	PYTHONPATH=$(CURDIR) $(BIN)/python -m bench.ui $(BENCH_ARGS)

screenshots: install-test  ## docs/screenshots/*.png from a seeded demo server (needs chromium)
	PYTHONPATH=$(CURDIR) $(BIN)/python scripts/screenshots.py

migrations: install-test  ## generate the next migration for both dialects: make migrations NAME=add_x
	$(BIN)/python scripts/makemigrations.py $(or $(NAME),update)

schema: install-test  ## rewrite schema/schema.graphql from the code (a test fails when they differ)
	PYTHONPATH=$(CURDIR) $(BIN)/python scripts/export_schema.py

lock: install-test  ## regenerate the hashed lock files after changing pyproject.toml
	$(PIP) uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		-q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes -q -o requirements-test.lock

clean:  ## remove the virtualenv, local data and caches
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache *.egg-info
