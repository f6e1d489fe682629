# The interface for people: `make demo` and `make test` work on a fresh machine with only Python 3.11.
# uv is installed into .tools/ (a private venv) when it is not on PATH; it then installs the locked stack.

SHELL := /bin/bash
PYTHON ?= python3.11
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen

.PHONY: setup dagster-home demo test test-fast lint format bench serve serve-stop superset superset-install superset-server superset-stop clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

setup: $(UV)
	$(UV) sync --frozen --quiet

# The Dagster instance `make serve` shows and `make demo` records into, copied to dagster_home/dagster.yaml at each
# start (edit instance/, not the copy): instance/dagster.yaml (SQLite files in dagster_home/), or
# instance/dagster-postgres.yaml when DAGSTER_PG_HOST is set (PostgreSQL). DAGSTER_ENV points a command at it.
DAGSTER_ENV := DAGSTER_PG_PORT=$${DAGSTER_PG_PORT:-5432} DAGSTER_HOME=$(CURDIR)/dagster_home
dagster-home:
	@mkdir -p dagster_home
	@if [ -n "$${DAGSTER_PG_HOST:-}" ]; then cp instance/dagster-postgres.yaml dagster_home/dagster.yaml; \
	else cp instance/dagster.yaml dagster_home/dagster.yaml; fi

demo: setup dagster-home  ## Run the whole job on the embedded sample org and print a summary; `make serve` then shows its runs.
	$(DAGSTER_ENV) $(RUN) orghealth demo

test: setup lint superset-install  ## Lint, then run the whole test suite (in parallel, pytest-xdist); the dashboard tests need Superset's venv.
	$(RUN) pytest

test-fast: setup  ## Everything but the slow end-to-end tests: the loop to run while changing code.
	$(RUN) pytest -m "not slow"

lint: setup  ## ruff, and import-linter: imports point one way (entry points -> Dagster code -> domain code).
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

format: setup
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench: setup  ## The scale benchmark: the whole job against DuckDB's floor at 1k/50k, 10k/500k, 100k/5M (BENCH_ARGS=--help).
	$(RUN) python -m bench.run $(BENCH_ARGS)

PORT ?= 3000
# dagster dev runs in a process group of its own, recorded in dagster_home/serve.pid, so that Ctrl-C (or a signal to
# the recipe's shell) and `make serve-stop` stop every process it started, not make alone.
serve: setup dagster-home  ## Dagster's UI and daemon on http://127.0.0.1:$(PORT): assets, partitions, runs, backfills, schedules.
	@trap '$(MAKE) --no-print-directory serve-stop; exit 143' TERM INT HUP; \
	$(DAGSTER_ENV) setsid $(RUN) dagster dev -w workspace.yaml -h 127.0.0.1 -p $(PORT) & \
	echo $$! > dagster_home/serve.pid; wait $$!; rm -f dagster_home/serve.pid

serve-stop:  ## Stop a `make serve` running in the background, and every process it started.
	@pid=$$(cat dagster_home/serve.pid 2>/dev/null) || { echo "no make serve is running here"; exit 0; }; \
	kill -TERM -- -$$pid 2>/dev/null; \
	for i in $$(seq 20); do kill -0 -- -$$pid 2>/dev/null || break; sleep 0.5; done; \
	kill -KILL -- -$$pid 2>/dev/null; rm -f dagster_home/serve.pid; echo "make serve stopped"

SUPERSET_PORT ?= 8088
# Apache Superset runs from a venv of its own, .superset/venv (pins: superset/requirements.txt), apart from .venv: its
# pins (SQLAlchemy 1.4, pandas 2.1, ...) cannot share one environment with the pipeline's. See superset/README.md.
superset-install: $(UV)  ## Superset into .superset/venv; does nothing when superset/requirements.txt has not changed.
	@UV=$(UV) superset/server.sh install

superset-server: superset-install  ## Superset on http://127.0.0.1:$(SUPERSET_PORT) in the background (user admin/admin unless SUPERSET_ADMIN_USER/_PASSWORD).
	@superset/server.sh init
	@SUPERSET_PORT=$(SUPERSET_PORT) superset/server.sh start

# Publishing logs in as Superset's admin: SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD, else the local admin/admin.
superset: setup superset-server  ## Superset with the demo's "STL org health" dashboard: start it, run the demo, publish, print the URL.
	$(RUN) orghealth demo
	@SUPERSET_USERNAME=$${SUPERSET_ADMIN_USER:-admin} SUPERSET_PASSWORD=$${SUPERSET_ADMIN_PASSWORD:-admin} \
	$(RUN) orghealth superset publish --url http://127.0.0.1:$(SUPERSET_PORT)
	@echo "Superset keeps running in the background; make superset-stop stops it."

superset-stop:  ## Stop the Superset that `make superset-server` started, and every process it started.
	@SUPERSET_PORT=$(SUPERSET_PORT) superset/server.sh stop

clean:
	rm -rf data/ dagster_home/ .pytest_cache .ruff_cache
