# Keepcart: `make demo` runs it with its demo store; `make test` runs every test tier.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install only when the dependencies change.
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP    := $(VENV)/.test-installed

.PHONY: demo serve test lint bench widget widget-deps browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(RUNTIME_STAMP)

demo: $(RUNTIME_STAMP)
	$(BIN)/keepcart demo

serve: $(RUNTIME_STAMP)
	$(BIN)/keepcart serve

browser: $(TEST_STAMP)
	tests/browser/ensure_browser.sh $(BIN)/python

lint: $(TEST_STAMP)
	$(BIN)/ruff check server demo_store tests bench
	$(BIN)/ruff format --check server demo_store tests bench
	$(BIN)/lint-imports --no-cache  # the layers in pyproject.toml: no import runs upward

# The build-freshness test needs esbuild; without Node that one test is skipped.
widget-deps:
	@if command -v npm >/dev/null 2>&1 && [ ! -d widget/node_modules ]; then \
		cd widget && npm ci --no-audit --no-fund --silent; fi

test: lint browser widget-deps
	$(BIN)/python -m pytest

bench: browser
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/checkout.py
	$(BIN)/python bench/offers.py
	$(BIN)/python bench/dashboard.py

widget:
	cd widget && npm ci --no-audit --no-fund --silent && npm run --silent build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .keepcart
