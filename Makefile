# The two commands:  `make serve` (the clinic web app with demo data)  and  `make test`.
# Both bootstrap .venv/ from the committed lock file with plain pip (no uv needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# CI sets REQUIRE_SERVICES=1: a test that would skip because a service (browser,
# PostgreSQL, NEURON) is missing fails instead.
REQUIRE_SERVICES ?= 0
PYTEST_ARGS ?=
ifeq ($(REQUIRE_SERVICES),1)
PYTEST_FLAGS := --require-services
endif

.PHONY: serve test lint install clean bench

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/drgstim serve --demo

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest $(PYTEST_FLAGS) $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/threshold_vs_neuron.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
