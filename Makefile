# healthhub: `make run` for the demo site, `make test` for the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest Python >= 3.12 that actually runs (pyenv shims on PATH may not).
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v $$c; break; fi; done)

.PHONY: help venv run test test-postgres lint format migrate clean

help:
	@echo "make run            demo site on SQLite at http://$(HOST):$(PORT)"
	@echo "make test           the whole test suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make test-postgres  the suite on the local PostgreSQL"
	@echo "make lint           ruff check and format check"
	@echo "make bench          load benchmark (docs/performance.md)"

$(BIN)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "healthhub needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.13' or your system's python3.13 package),"; \
	  echo "or point to it: make run PYTHON=/path/to/python3.13"; exit 1; fi
	@if [ ! -x "$(BIN)/python" ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "Creating $(VENV) with $(PYTHON)"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(BIN)/.installed

migrate: venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input

run: venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --if-empty
	DJANGO_DEBUG=1 $(BIN)/python manage.py rebuild_search_index --no-progress
	@echo ""
	@echo "healthhub demo: http://$(HOST):$(PORT)/   editors: http://$(HOST):$(PORT)/admin/"
	@echo "To sign in to the admin, first create your own account:"
	@echo "    DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

.PHONY: bench
bench: venv  ## Load benchmark: 1k/10k/100k articles on SQLite and PostgreSQL (needs wrk; about 45 minutes)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

.PHONY: loadtest
loadtest: venv  ## 64 visitors for 60 s on article and search pages while editors save (PostgreSQL; needs wrk)
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

.PHONY: bench-saves
bench-saves: venv  ## Saves elsewhere, and cached article pages against a bare Django view: 1,000 articles on PostgreSQL, default config and Redis (needs wrk; about 15 minutes)
	$(BIN)/python bench/saves.py $(SAVES_ARGS)

.PHONY: bench-cold
bench-cold: venv  ## Cold render of the largest demo article for a signed-in staff user, SQLite (about a minute)
	$(BIN)/python bench/cold_staff.py $(COLD_ARGS)
