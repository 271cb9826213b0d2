# Two commands on a fresh machine: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LAUNCHER := neo4j-launcher/target/cmdb-neo4j-launcher-1.0.0.jar
UI := api/static/ui/index.html
WEB_DEPS := web/node_modules/.package-lock.json
CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint typecheck unit setup launcher web browser bench bench-discovery bench-api bench-audit bench-web clean

setup: $(STAMP) $(LAUNCHER) $(UI)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,lab]'
	touch $(STAMP)

$(LAUNCHER): neo4j-launcher/pom.xml $(wildcard neo4j-launcher/src/main/java/org/cmdb/launcher/*.java)
	cd neo4j-launcher && mvn -B -q package -DskipTests

launcher: $(LAUNCHER)

# The web UI: npm packages from the registry (versions pinned by web/package-lock.json),
# built by vite into api/static/ui, which `cmdb serve` serves at /. No CDN at run time.
$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

$(UI): $(WEB_DEPS) web/index.html web/vite.config.js $(shell find web/src -type f 2>/dev/null)
	cd web && npx --no-install vite build --logLevel warn

web: $(UI)

# The browser tests drive Debian's Chromium (never a browser a test tool downloads), with
# a CJK font so that Chinese pages (and their screenshots) show characters, not boxes.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
$(CHROMIUM) $(CJK_FONT):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "the browser tests need Debian's chromium: run 'sudo apt-get install chromium chromium-driver fonts-wqy-microhei'" >&2; exit 1; fi; \
	$$SUDO apt-get install -y -q chromium chromium-driver fonts-wqy-microhei >/dev/null || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium chromium-driver fonts-wqy-microhei >/dev/null; }

browser: $(CHROMIUM) $(CJK_FONT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy cmdb discovery api audits lab cli remote

test: setup browser lint typecheck
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

bench-web: setup browser
	$(BIN)/python -m bench.web_topology

clean:
	rm -rf $(VENV) neo4j-launcher/target web/node_modules api/static/ui
