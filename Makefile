# Ecommerce Agent — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := data/ecommerce.db
INDEX := data/processed/manifest.json
# Re-install only when the project's dependencies change.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help run test drills bench bench-http seed clean-venv

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.txt -e .
	@touch $@

$(DEV_STAMP): pyproject.toml requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.txt -e '.[dev]'
	@touch $@ $(RUN_STAMP)

# Demo data: generated once; `ecommerce-agent seed --reset` regenerates it.
$(DB): | $(RUN_STAMP)
	$(BIN)/ecommerce-agent seed --if-empty

# Search index: built once after the data (the product part reads the catalog);
# `python scripts/04_build_index.py` rebuilds it (weekly, per the operations guide).
$(INDEX): | $(DB)
	$(BIN)/ecommerce-agent build-index

run: $(RUN_STAMP) $(DB) $(INDEX) ## Set everything up (venv, install, demo data, search index) and serve on APP_HOST:APP_PORT (0.0.0.0:8000)
	$(BIN)/ecommerce-agent serve

test: $(DEV_STAMP) ## Create the venv with dev extras and run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

drills: $(DEV_STAMP) ## Durability drills with live servers: kill -9 under load, PostgreSQL/Redis outages (CI), two processes
	DRILLS=1 $(BIN)/python -m pytest tests/drills -rA $(PYTEST_ARGS)

bench: $(DEV_STAMP) ## Run the benchmarks in bench/ (speed targets; not part of `make test`)
	$(BIN)/python bench/run.py

bench-http: $(DEV_STAMP) ## HTTP load benchmark: pinned uvicorn worker under wrk, memory, start-up, 4 gunicorn workers (BENCH_ARGS="--runs 1")
	@command -v wrk >/dev/null || { echo "wrk가 없습니다: apt-get install -y wrk" >&2; exit 2; }
	$(BIN)/python bench/http_bench.py $(BENCH_ARGS)

seed: $(RUN_STAMP) ## Regenerate the demo data from scratch
	$(BIN)/ecommerce-agent seed --reset

clean-venv: ## Remove the virtual environment
	rm -rf $(VENV)
