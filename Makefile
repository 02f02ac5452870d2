# The two commands every newcomer needs: `make dev` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAGE ?= dev
STATE ?= .state

.PHONY: dev test lint unit integration contract e2e chaos package deploy destroy bench soak clean help system-deps

help:
	@echo "make dev      install everything and start the whole system locally"
	@echo "make test     install what the tests need and run every test"
	@echo "make lint     ruff, mypy and the architecture contract"
	@echo "make package  chalice package + infra/ merge into build/STAGE/sam.json"
	@echo "make deploy   deploy STAGE to AWS (stack, UI, URLs); ALARM_EMAIL=..., NO_CDN=1 optional"
	@echo "make destroy  delete STAGE's stack (PURGE=1: its tables, raw bucket and key too)"
	@echo "make bench    run the benchmarks and write the figures into the README"
	@echo "make soak     the local runtime for MINUTES (60) at --tick-scale 60: memory, queues, shutdown"
	@echo "make ui       build the admin UI (ui/dist) when its sources changed"
	@echo "make chaos    the sync pipeline's chaos test at full size"

$(VENV)/.stamp: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	@# `oms`, the admin API from a terminal: a wrapper rather than an editable install, whose import
	@# hook would add ~10 ms to every Python start-up here (and would measure into the cold-start bench)
	printf '#!/bin/sh\nPYTHONPATH="%s$${PYTHONPATH:+:$$PYTHONPATH}" exec "%s" -m local.cli "$$@"\n' "$(CURDIR)" "$(CURDIR)/$(PY)" > $(VENV)/bin/oms
	chmod +x $(VENV)/bin/oms
	touch $@

# Debian packages the tests use: poppler (PDF labels rendered to PNG and text) and a CJK font that
# reportlab can embed. Installed only when missing; CI runs as root on a fresh clone.
SYSTEM_PACKAGES := poppler-utils fonts-wqy-zenhei
system-deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The admin UI (Vue 3 + Element Plus + Vite): npm ci when the lock file changed, a build when a source did.
UI_SOURCES := $(shell find ui/src ui/public -type f 2>/dev/null) ui/index.html ui/vite.config.js ui/package.json
ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm ci
	@touch $@

ui/dist/index.html: ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && npm run build

ui: ui/dist/index.html

# Debian's Chromium for the Playwright browser tests (never `playwright install`) and CJK fonts so Chinese renders.
BROWSER_PACKAGES := chromium fonts-noto-cjk
browser-deps:
	@missing=""; \
	for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

dev: $(VENV)/.stamp ui
	$(PY) -m local --state-dir $(STATE)

lint: $(VENV)/.stamp
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The schemathesis fuzz runs in a pytest of its own: under xdist its generated per-operation tests collapse
# into one item that exercises a single operation, so the fuzz would prove little.
FUZZ := tests/integration/test_admin_schemathesis.py tests/integration/test_erp_schemathesis.py
test: $(VENV)/.stamp system-deps browser-deps ui lint
	$(VENV)/bin/pytest -p no:xdist $(FUZZ)
	$(VENV)/bin/pytest -n 2 --dist loadfile $(addprefix --ignore=,$(FUZZ))

unit: $(VENV)/.stamp
	$(VENV)/bin/pytest tests/unit

contract: $(VENV)/.stamp
	$(VENV)/bin/pytest tests/contract

integration: $(VENV)/.stamp
	$(VENV)/bin/pytest tests/integration

e2e: $(VENV)/.stamp
	$(VENV)/bin/pytest tests/e2e

chaos: $(VENV)/.stamp   # the sync pipeline's chaos test at full size (CI runs a modest one)
	CHAOS_ORDERS=1000 CHAOS_ROUNDS=4 $(VENV)/bin/pytest tests/chaos -q

browser: $(VENV)/.stamp browser-deps ui
	$(VENV)/bin/pytest tests/browser

package: $(VENV)/.stamp
	$(PY) -m infra.package $(STAGE) build/$(STAGE)
	$(VENV)/bin/cfn-lint build/$(STAGE)/sam.json

deploy: package
	$(PY) -m infra.deploy deploy $(STAGE) --alarm-email "$(ALARM_EMAIL)" $(if $(NO_CDN),--no-cdn)

destroy: $(VENV)/.stamp
	$(PY) -m infra.deploy destroy $(STAGE) $(if $(PURGE),--purge-data)

bench: $(VENV)/.stamp
	$(PY) -m bench.run --write-readme
	$(PY) -m bench.cost --write-readme
	$(PY) -m bench.reports --write-readme

MINUTES ?= 60
soak: $(VENV)/.stamp   # the local runtime over an hour: RSS, queue depths, SIGTERM; figures into the README
	$(PY) -m bench.soak --minutes $(MINUTES) --write-readme

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
