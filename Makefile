# motcua — the two set-up commands are `make run` and `make test`; the rest serve developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MOTCUA_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/motcua_test
PYTEST_ARGS ?=

.PHONY: install test-deps run test test-postgres lint bench bench-quick openapi docs-settings screens clean

install: $(STAMP)

# Re-installs only when pyproject.toml changes; `make install` is idempotent.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/motcua demo

# System packages the tests need (Pango, Noto fonts, pdftoppm): installed when root with apt, else named.
test-deps:
	@sh scripts/test-deps

test: install test-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install test-deps
	MOTCUA_DATABASE_URL=$(MOTCUA_TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/mypy

# The benchmarks' own extra (the calendar peers of contracts §7), not part of `make test`.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(BIN)/python -m bench

bench-quick: install $(BENCH_STAMP)
	$(BIN)/python -m bench --quick

# Regenerates the committed OpenAPI document (a test fails when it drifts from the code).
openapi: install
	$(BIN)/python manage.py spectacular --file docs/openapi.yaml --validate

# Screenshots of the main staff screens at 1366x768 (headless Debian Chromium, throw-away database).
screens: install
	$(BIN)/python -m motcua.backoffice.screenshots --out docs/screens

docs-settings: install
	$(BIN)/python -m motcua.config > docs/SETTINGS.md

clean:
	rm -rf $(VENV) var
