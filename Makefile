# Two commands on a fresh machine: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LAUNCHER := neo4j-launcher/target/cmdb-neo4j-launcher-1.0.0.jar

.PHONY: demo test lint typecheck unit setup launcher bench bench-discovery bench-api bench-audit clean

setup: $(STAMP) $(LAUNCHER)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,lab]'
	touch $(STAMP)

$(LAUNCHER): neo4j-launcher/pom.xml $(wildcard neo4j-launcher/src/main/java/org/cmdb/launcher/*.java)
	cd neo4j-launcher && mvn -B -q package -DskipTests

launcher: $(LAUNCHER)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy cmdb discovery api audits lab cli

test: setup lint typecheck
	$(BIN)/pytest

demo: setup
	$(BIN)/cmdb demo

bench: setup
	$(BIN)/python bench/ingest.py

bench-discovery: setup
	$(BIN)/python -m bench.discovery

bench-api: setup
	$(BIN)/python -m bench.api

bench-audit: setup
	$(BIN)/python -m bench.audit

clean:
	rm -rf $(VENV) neo4j-launcher/target
