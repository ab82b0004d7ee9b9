# The Learning Platform: every command a newcomer needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 is required, found: $(or $(PYTHON),none). Install python3.11 or run make PYTHON=/path/to/python3.11." >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || bash scripts/test-system-deps.sh
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.run-installed ## Create the virtual environment and install the platform

install-test: $(VENV)/.test-installed node_modules/.installed ## Install what the tests need (Python, axe-core, Chromium)
	bash scripts/test-system-deps.sh

run: install ## Run the whole platform on embedded defaults (SQLite, local Redis, worker, beat)
	$(PY) manage.py run_platform

services: ## Start PostgreSQL and Redis on 127.0.0.1 when they are not running
	bash scripts/services.sh

lint: $(VENV)/.test-installed ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: $(VENV)/.test-installed ## Fail when a model change has no migration
	DJANGO_SETTINGS_MODULE=learning.settings.test $(PY) manage.py makemigrations --check --dry-run

TRANSLATED := -l ar -l zh_Hans -l fr -l ru -l es -l pt

messages: $(VENV)/.run-installed ## Update every catalogue (*/locale) from the source; needs gettext
	$(PY) manage.py makemessages $(TRANSLATED) --no-obsolete \
	  -i ".venv/*" -i "node_modules/*" -i "tests/*" -i "bench/*" -i "var/*" -i "media/*"

compile-messages: $(VENV)/.run-installed ## Compile the translated catalogues (.po -> .mo); needs gettext
	$(PY) manage.py compilemessages -i .venv -i node_modules

PYTEST_WORKERS ?= 2

test: install-test services lint migrations-check ## Run the whole test suite against PostgreSQL and Redis
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install-test services ## Run the benchmarks under bench/ (outside the test suite)
	$(PY) -m bench

format: $(VENV)/.test-installed ## Reformat the code and fix what ruff can
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: help install install-test run services lint migrations-check test bench format messages compile-messages
