# Keepcart: `make demo` runs it with its demo store; `make test` runs every test tier.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install only when the dependencies change.
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP    := $(VENV)/.test-installed
DEMO_STAMP    := $(VENV)/.demo-installed
# The widget's node modules, re-installed when package-lock.json changes (npm ci writes this).
WIDGET_DEPS   := widget/node_modules/.package-lock.json

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

# The demo extra: aiosmtpd, the local mail server that catches the demo's emails.
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[demo]'
	touch $@ $(RUNTIME_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/keepcart demo

serve: $(RUNTIME_STAMP)
	$(BIN)/keepcart serve

browser: $(TEST_STAMP)
	tests/browser/ensure_browser.sh $(BIN)/python

lint: $(TEST_STAMP) $(WIDGET_DEPS)
	$(BIN)/ruff check server demo_store tests bench
	$(BIN)/ruff format --check server demo_store tests bench
	$(BIN)/lint-imports --no-cache  # the layers in pyproject.toml: no import runs upward
	$(BIN)/pyright  # server/ and demo_store/, as [tool.pyright] in pyproject.toml sets
	cd widget && npm run --silent lint

$(WIDGET_DEPS): widget/package-lock.json
	cd widget && npm ci --no-audit --no-fund --silent
	touch $@

# The widget's tests need Node (and the build-freshness test esbuild); without Node they are
# skipped. `make lint` needs Node: it runs Biome over the widget.
ifneq ($(shell command -v npm),)
widget-deps: $(WIDGET_DEPS)
else
widget-deps:
endif

# Two runs, browser tests last and apart (Playwright's sync API keeps an event loop running in
# its process, and the other tiers call asyncio.run()); two workers each: browser tests spend
# most of their time waiting on a page, so two at a time nearly halve that tier.
test: lint browser widget-deps
	$(BIN)/python -m pytest -n 2 tests/unit tests/api tests/durability
	$(BIN)/python -m pytest -n 2 tests/browser

bench: browser
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/checkout.py
	$(BIN)/python bench/offers.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/hostpage.py

widget:
	cd widget && npm ci --no-audit --no-fund --silent && npm run --silent build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .keepcart
