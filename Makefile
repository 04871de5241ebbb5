# sqlkit — every target sets up .venv itself when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help venv test demo bench lint format docs clean

help:
	@echo "make demo   lint the examples (and, later, verify the reference catalog)"
	@echo "make test   run the test suite"
	@echo "make bench  run the benchmarks"
	@echo "make lint   ruff and mypy --strict over the code"
	@echo "make docs   regenerate docs/rules from the rule registry"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	@$(BIN)/python scripts/demo.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet squawk-cli || echo "squawk-cli not installable: comparing without it"
	$(BIN)/python benchmarks/lint_bench.py
	$(BIN)/python benchmarks/verify_bench.py
	$(BIN)/python benchmarks/catalog_bench.py
	$(BIN)/python benchmarks/cache_load_bench.py
	$(BIN)/python benchmarks/diff_bench.py

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
