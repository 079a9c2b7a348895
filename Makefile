# Two commands for a new user: `make demo` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_OUT := runs/demo

.PHONY: demo demo-data test bench check lint typecheck system-deps clean

# Debian packages: pyicu builds from source (libicu-dev, pkg-config, g++); Spark needs a Java runtime.
system-deps:
	@bash .ci/system-deps.sh main

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip

$(VENV)/.main: requirements.txt pyproject.toml | $(BIN)/python
	@bash .ci/system-deps.sh main
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.main
	@bash .ci/system-deps.sh test
	$(BIN)/pip install -q -r requirements-test.txt
	@touch $@

# Benchmark contenders (nomenklatura's logic-v2, rapidfuzz), only for `make bench`.
$(VENV)/.bench: requirements-bench.txt $(VENV)/.test
	$(BIN)/pip install -q -r requirements-bench.txt
	@touch $@

demo: $(VENV)/.main
	@rm -rf $(DEMO_OUT) && mkdir -p $(DEMO_OUT)
	$(BIN)/diversion scan data/samples data/demo/inputs --out $(DEMO_OUT) --db $(DEMO_OUT)/workspace.duckdb
	@echo "Report: $(DEMO_OUT)/report.html   leads: $(DEMO_OUT)/leads.jsonl   workspace: $(DEMO_OUT)/workspace.duckdb"
	@echo "Against the demo world's answer key: $(BIN)/diversion evaluate --truth data/demo/truth.json --leads $(DEMO_OUT)/leads.jsonl"

# The synthetic world shipped in data/demo/ (a test checks it is exactly what this seed generates).
demo-data: $(VENV)/.main
	$(BIN)/diversion simulate --seed 2022 --scale demo --out data/demo

test: $(VENV)/.test
	$(BIN)/pytest -q

bench: $(VENV)/.bench
	$(BIN)/python -m benchmarks.run

lint: $(VENV)/.test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.test
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache
