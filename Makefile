# sqlkit — every target sets up .venv itself when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# make bench PG_REGRESS=DIR: also compare the parsers on PostgreSQL's regression SQL in DIR
PG_REGRESS ?=
STAMP := $(VENV)/.installed

.PHONY: help venv test demo bench lint format docs clean

help:
	@echo "make demo   the reference app: lint it, verify it in an embedded Postgres, lint a broken"
	@echo "            migration, then change a deployed copy by hand and let sqlkit diff find it"
	@echo "make test   run the test suite"
	@echo "make bench  lint vs squawk (speed; migration-safety findings), verify, the reference app's RPCs and cache, diff, fleets, pglast vs sqlglot"
	@echo "            (PG_REGRESS=DIR adds PostgreSQL's regression SQL: see docs/lint.md#why-pglast)"
	@echo "make lint   ruff and mypy --strict over the code"
	@echo "make docs   regenerate docs/rules and the README's rule table from the rule registry"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# the distribution was called sqlkit before sqlkit-pg: an old editable install would shadow it
	@$(BIN)/python -m pip uninstall --quiet --yes sqlkit 2>/dev/null || true
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --maxprocesses 4

demo: $(STAMP)
	@$(BIN)/python scripts/demo.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]' || { echo "the bench extra is not installable (squawk-cli?): comparing without squawk"; $(BIN)/python -m pip install --quiet sqlglot; }
	$(BIN)/python benchmarks/lint_bench.py
	$(BIN)/python benchmarks/migration_safety_bench.py
	$(BIN)/python benchmarks/verify_bench.py
	$(BIN)/python benchmarks/reference_bench.py
	$(BIN)/python benchmarks/cache_load_bench.py
	$(BIN)/python benchmarks/diff_bench.py
	$(BIN)/python benchmarks/fleet_bench.py
	$(BIN)/python benchmarks/speed_bench.py
	$(BIN)/python benchmarks/parser_compare.py $(PG_REGRESS)

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests scripts benchmarks
	$(BIN)/ruff check --fix src tests scripts benchmarks

docs: $(STAMP)
	$(BIN)/python scripts/gen_rule_docs.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist src/*.egg-info .bench
