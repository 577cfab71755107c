# Two commands matter: `make up` runs the whole system, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := var/dev.env

.PHONY: help up install frontend migrate seed test lint typecheck pytest bench load territories accessibility clean

help:
	@echo "make up     installe, migre, remplit la démo et lance les trois API et le site"
	@echo "make test   installe et lance les linters, les vérificateurs de types et tous les tests"
	@echo "make bench  lance les mesures de performance (bench/)"
	@echo "make load   charge de 64 clients pendant 60 s, puis avec PostgreSQL redémarré (docs/reliability.md)"
	@echo "make territories  régénère le référentiel des territoires"
	@echo "make accessibility  relance les tests du navigateur et régénère la déclaration d'accessibilité"

# --- installation -----------------------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 ou plus récent est requis ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/*.html frontend/vite.config.ts
	cd frontend && npm run build

install: $(VENV)/.installed frontend/node_modules/.installed

frontend: frontend/dist/index.html

# A signing key generated once per clone, so the demo never runs on a published secret.
$(DEV_ENV):
	@mkdir -p var
	@{ echo "AUTH_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')"; \
	   echo "CATALOGUE_LOG_JSON=false"; echo "SURVEY_LOG_JSON=false"; echo "AUDITIONS_LOG_JSON=false"; } > $@
	@echo "clé de signature des jetons créée dans $@"

# --- running ----------------------------------------------------------------------------------

migrate: $(VENV)/.installed $(DEV_ENV)
	set -a && source $(DEV_ENV) && set +a && $(BIN)/iat-admin migrate

seed: migrate
	set -a && source $(DEV_ENV) && set +a && $(BIN)/iat-admin seed

up: install frontend seed
	@echo
	@echo "  Site           http://localhost:8000"
	@echo "  Catalogue API  http://localhost:8001/docs"
	@echo "  Survey API     http://localhost:8002/docs"
	@echo "  Auditions API  http://localhost:8003/docs"
	@echo "  Compte démo    voir « compte de démonstration » ci-dessus"
	@echo "  Ctrl-C arrête tout."
	@echo
	$(BIN)/honcho start -f Procfile -e $(DEV_ENV)

# --- checks -----------------------------------------------------------------------------------

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pylint --disable=all --enable=duplicate-code --score=no services

typecheck: $(VENV)/.installed frontend/node_modules/.installed
	$(BIN)/mypy
	cd frontend && npm run typecheck

# The tests run on every core (pytest-xdist); the browser tests stay together on one worker.
TEST_WORKERS ?= auto

pytest: install frontend
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

test: lint typecheck pytest

# HTTP figures come from wrk (bench/run.py, docs/benchmarks.md); the in-process benchmarks
# (observatory, solver, rate limits, territories) follow. BENCH_ARGS: e.g. --seconds 20.
IN_PROCESS_BENCHES := bench_observatory bench_solver bench_rate_limits bench_territories
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	@for script in $(IN_PROCESS_BENCHES); do echo "== $$script"; $(BIN)/python bench/$$script.py || exit 1; done

load: $(VENV)/.installed
	$(BIN)/python bench/load_faults.py

# The accessibility statement is built from what axe-core finds during the browser tests.
accessibility: install frontend
	rm -rf var/axe
	AXE_RECORD_DIR=$(CURDIR)/var/axe REQUIRE_BROWSER=1 $(BIN)/pytest -q -p no:xdist tests/e2e
	$(BIN)/python -m tests.e2e.accessibility_audit var/axe
	cd frontend && npm run build

territories: $(VENV)/.installed
	cd tools/territories && npm ci --no-audit --no-fund
	$(BIN)/python -m services.common.territories.build tools/territories/node_modules/@etalab/decoupage-administratif

clean:
	rm -rf var/*.db var/*.db-* frontend/dist
