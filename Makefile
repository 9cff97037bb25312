# Hospitalité — the two commands: `make run` and `make test`.
# Every step installs what it needs, so both work on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the tests need; installed by `make test` when missing.
APT_TEST_PACKAGES := chromium postgresql gettext

.PHONY: run test setup install install-dev assets messages compilemessages data \
        lint format check test-sqlite test-postgres test-fast bench system-test-deps clean

run: setup data
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

setup: install assets compilemessages
	$(PY) manage.py migrate --no-input

data: install
	$(PY) manage.py import_territories --if-needed

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

compilemessages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# Refresh the French catalogue after changing strings (then translate it).
messages: install
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=node_modules \
	    --ignore=bench --ignore=scripts --ignore=staticfiles --ignore=var

# Debian packages for the browser and PostgreSQL tests, where missing (needs root).
system-test-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing (run as root, or: sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install-dev assets compilemessages
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: install-dev assets compilemessages
	$(VENV)/bin/pytest

test-postgres: install-dev assets compilemessages system-test-deps
	$(PY) scripts/with_postgres.py -- $(VENV)/bin/pytest

# Everything: lint, checks, then the whole suite on SQLite and on PostgreSQL.
test: system-test-deps lint check test-sqlite test-postgres

# Quicker loop while developing: SQLite only, no slow or browser tests.
test-fast: install-dev assets compilemessages
	$(VENV)/bin/pytest -m "not slow and not browser"

bench: install-dev assets compilemessages system-test-deps
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
	  || { echo "Install Debian's wrk package for bench/throughput.py"; exit 1; }
	bash bench/run_all.sh

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
