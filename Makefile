# make build: set up .venv and run the whole job on reports/. make test: set up and run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build test browser lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Only the set-up (the .venv that build and test use): the GitHub workflows run it, then xxgk.
setup: $(STAMP)

build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/xxgk build --reports reports --out .
	@# what this build changed, against the datapackage/ of the last commit (taken from git:
	@# the build has just rewritten the folder in place)
	@tmp=$$(mktemp -d) && \
	if git rev-parse --verify --quiet HEAD:datapackage/datapackage.json >/dev/null 2>&1 \
	   && git archive HEAD datapackage | tar -x -C "$$tmp"; then \
	  echo "与已提交的 datapackage/ 相比："; \
	  $(BIN)/xxgk diff --format short "$$tmp/datapackage" datapackage; status=$$?; \
	else \
	  echo "（不在 git 仓库中，或 datapackage/ 尚未提交：不比较数据变化）"; status=0; \
	fi; rm -rf "$$tmp"; exit $$status

# Debian's Chromium for the browser tests (tests/test_browser.py), installed when missing.
browser:
	bash scripts/install_browser.sh

test: $(STAMP) browser
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest -q

# The GitHub workflows too: actionlint (with ShellCheck on every run: script) and zizmor's
# security audits at its pedantic level, offline (no GitHub API calls).
lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/actionlint -shellcheck $(BIN)/shellcheck .github/workflows/*.yml
	$(BIN)/zizmor --offline --persona pedantic --no-progress .github/workflows

format: $(STAMP)
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py --sizes 1000 10000 --formats 500

clean:
	rm -rf build site .pytest_cache
