# ATT finance service. `make run` serves the demo on http://127.0.0.1:8000; `make test` is CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint typecheck migrate fuzz crash bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## virtual environment and pinned dependencies

migrate: install ## apply migrations to ATTFIN_DATABASE_URL (default var/attfin.sqlite3)
	$(BIN)/attfin db upgrade

run: migrate ## migrate, load the demo into an empty database, serve on 127.0.0.1:8000
	$(BIN)/attfin demo load --if-empty
	$(BIN)/attfin serve

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

#: Test processes (pytest-xdist): one per core by default; each file runs whole in one.
TEST_WORKERS ?= auto

test: lint typecheck ## lint, types, and every test on SQLite and a throwaway PostgreSQL
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

fuzz: install ## schemathesis over the OpenAPI schema per role, generated import files, property tests with many more examples
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "fuzz or not crash" -k "fuzz or property"

crash: install ## SIGKILL the server under 8 clients on SQLite and PostgreSQL; heavy concurrency runs
	$(BIN)/python -m tests.crash.kill_server
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m crash

bench: install ## every benchmark on SQLite and PostgreSQL; one table, also written into docs/performance.md
	$(BIN)/python -m tests.bench.report --write docs/performance.md

clean:
	rm -rf $(VENV) var/*.sqlite3* .mypy_cache .ruff_cache .pytest_cache
