# The two commands the README opens with: `make demo` and `make test`.
# Both work on a fresh machine with only Python 3.11+: they create .venv and install into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# The suite runs in parallel workers (pytest-xdist): the database tests mostly wait on the
# database, so one worker more than the two cores of the reference machine keeps both busy.
# `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n 3

.PHONY: demo test lint typecheck unit install install-dev clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: a realistic portfolio through the real import path and the daily cycle, then the web app
demo: $(VENV)/.installed
	$(BIN)/arrears demo $(DEMO_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

## test: lint, types, layer contracts and the whole test suite
test: lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
