# studio-abac-ext: `make demo` to try it, `make test` to check everything. Both start with `make setup`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMPS := .make
export PATH := $(BIN):$(PATH)
PERSONA ?= usera1@studio
LAB_PORT ?= 8888
SANDBOX_PORT ?= 5000

PY_PATHS := $(wildcard studio_abac_ext tests benchmarks scripts)
TS_SOURCES := $(shell find src style schema -type f -not -path "src/generated/*" 2>/dev/null) package.json tsconfig.json studio_abac_ext/openapi.yaml

.PHONY: help setup demo lab test lint format clean check-python check-ts pytest jest ui-tests check-auth check-wheel fuzz fuzz-isolation

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: $(STAMPS)/python $(STAMPS)/labextension $(STAMPS)/chromium $(STAMPS)/ui-tests  ## Install everything into .venv and node_modules (idempotent)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/python: pyproject.toml | $(BIN)/python
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

demo: setup  ## Start the local AWS sandbox and JupyterLab as usera1's Studio session
	PERSONA=$(PERSONA) LAB_PORT=$(LAB_PORT) SANDBOX_PORT=$(SANDBOX_PORT) scripts/demo.sh

lab: setup  ## Another JupyterLab on the running sandbox: make lab PERSONA=userb1@studio LAB_PORT=8889
	START_SANDBOX=0 PERSONA=$(PERSONA) LAB_PORT=$(LAB_PORT) SANDBOX_PORT=$(SANDBOX_PORT) scripts/demo.sh

test: setup check-python check-ts pytest jest check-auth check-wheel ui-tests  ## Run every check
	@echo "make test: every check passed"

lint: check-python check-ts  ## Lint Python and TypeScript/CSS without changing files

check-python: setup
	ruff check $(PY_PATHS)
	ruff format --check $(PY_PATHS)
	mypy

check-ts: setup
	jlpm lint:check

format: setup  ## Format Python and TypeScript/CSS in place
	ruff check --fix $(PY_PATHS)
	ruff format $(PY_PATHS)
	jlpm lint

pytest: setup
	python -m pytest --durations=20

jest: setup
	jlpm test

check-auth: setup
	python scripts/check_auth.py

fuzz: setup  ## The full fuzz run: schemathesis on every REST route (2,000 examples each) and the hostile inputs; statuses in build/fuzz-counts.json
	mkdir -p build
	STUDIO_ABAC_FUZZ_EXAMPLES=2000 STUDIO_ABAC_FUZZ_COUNTS=build/fuzz-counts.json \
		python -m pytest tests/server/test_openapi.py tests/server/test_hostile_inputs.py -q -p no:cacheprovider

fuzz-isolation: setup  ## The soundness property test of check-isolation with 2,000 examples (make test runs 15)
	ISOLATION_FUZZ_EXAMPLES=2000 python -m pytest tests/unit/isolation/test_isolation_soundness.py -q -p no:cacheprovider

check-wheel: setup  ## Build the production labextension and check the wheel ships it
	jlpm build:prod
	python scripts/check_wheel.py

ui-tests: setup
	cd ui-tests && jlpm playwright test

clean:  ## Remove build output and installed dependencies
	jlpm clean:all 2>/dev/null || true
	rm -rf $(STAMPS) node_modules ui-tests/node_modules $(VENV) dist build *.egg-info \
		.pytest_cache .mypy_cache .ruff_cache .hypothesis coverage junit.xml \
		ui-tests/test-results ui-tests/playwright-report studio_abac_ext/labextension studio_abac_ext/_version.py
