# studio-abac-ext: `make demo` to try it, `make test` to check everything. Both start with `make setup`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMPS := .make
export PATH := $(BIN):$(PATH)
# Root runs JupyterLab and Chromium only with these flags.
ROOT_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)
DEMO_PORT ?= 8888
SANDBOX_PORT ?= 5000

TS_SOURCES := $(shell find src style schema -type f 2>/dev/null) package.json tsconfig.json

.PHONY: help setup demo test lint format clean check-python check-ts pytest jest ui-tests check-auth check-wheel

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: $(STAMPS)/python $(STAMPS)/labextension $(STAMPS)/chromium $(STAMPS)/ui-tests  ## Install everything into .venv and node_modules (idempotent)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/python: pyproject.toml package.json | $(BIN)/python
	@mkdir -p $(STAMPS)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.yarn-state.yml: package.json yarn.lock | $(STAMPS)/python
	jlpm install
	@touch $@

$(STAMPS)/labextension: node_modules/.yarn-state.yml $(TS_SOURCES) | $(STAMPS)/python
	jlpm build
	jupyter-builder develop . --overwrite
	@touch $@

$(STAMPS)/chromium:
	@mkdir -p $(STAMPS)
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the UI tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@touch $@

$(STAMPS)/ui-tests: ui-tests/package.json ui-tests/yarn.lock | $(STAMPS)/python
	cd ui-tests && jlpm install
	@touch $@

demo: setup  ## Start JupyterLab with the extension (and the local AWS sandbox)
	@echo "Starting JupyterLab on http://localhost:$(DEMO_PORT)/lab"
	jupyter lab --no-browser --port=$(DEMO_PORT) $(ROOT_FLAGS) --IdentityProvider.token=

test: setup check-python check-ts pytest jest check-auth check-wheel ui-tests  ## Run every check
	@echo "make test: every check passed"

lint: check-python check-ts  ## Lint Python and TypeScript/CSS without changing files

check-python: setup
	ruff check studio_abac_ext tests benchmarks scripts
	ruff format --check studio_abac_ext tests benchmarks scripts
	mypy

check-ts: setup
	jlpm lint:check

format: setup  ## Format Python and TypeScript/CSS in place
	ruff check --fix studio_abac_ext tests benchmarks scripts
	ruff format studio_abac_ext tests benchmarks scripts
	jlpm lint

pytest: setup
	python -m pytest

jest: setup
	jlpm test

check-auth: setup
	python scripts/check_auth.py

check-wheel: setup
	python scripts/check_wheel.py

ui-tests: setup
	cd ui-tests && jlpm playwright test

clean:  ## Remove build output and installed dependencies
	jlpm clean:all 2>/dev/null || true
	rm -rf $(STAMPS) node_modules ui-tests/node_modules $(VENV) dist build *.egg-info \
		.pytest_cache .mypy_cache .ruff_cache .hypothesis coverage junit.xml \
		ui-tests/test-results ui-tests/playwright-report studio_abac_ext/labextension studio_abac_ext/_version.py
