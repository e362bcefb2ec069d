# Faultline developer commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install install-test run test lint format bench migrations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install  ## install and serve on http://127.0.0.1:8080 (SQLite under ./data/ unless DATABASE_URL is set)
	$(BIN)/faultline serve

test: install-test  ## the whole suite, SQLite and PostgreSQL
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test  ## ingestion benchmark on PostgreSQL (see bench/README.md)
	$(BIN)/python -m bench $(BENCH_ARGS)

migrations: install-test  ## generate the next migration for both dialects: make migrations NAME=add_x
	$(BIN)/python scripts/makemigrations.py $(or $(NAME),update)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache *.egg-info
