# make build: set up .venv and run the whole job on reports/. make test: set up and run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test browser lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/xxgk build --reports reports --out .

# Debian's Chromium for the browser tests (tests/test_browser.py), installed when missing.
browser:
	bash scripts/install_browser.sh

test: $(STAMP) browser
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

format: $(STAMP)
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py --sizes 1000 10000 --formats 500

clean:
	rm -rf build site .pytest_cache
