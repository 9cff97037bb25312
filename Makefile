# Hospitalité — the two commands: `make run` and `make test`.
# Every step installs what it needs, so both work on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: what `make run` needs, then what the tests add. Installed when
# missing (as root, as in CI); otherwise the command says what to install.
APT_RUN_PACKAGES := nodejs npm gettext python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
APT_TEST_PACKAGES := chromium postgresql

.PHONY: run test setup install install-dev assets messages compilemessages data \
        lint format check test-sqlite test-postgres test-fast bench system-deps system-test-deps clean

run: setup data
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

setup: system-deps install assets compilemessages
	$(PY) manage.py migrate --no-input

data: install
	$(PY) manage.py import_territories --if-needed
	$(PY) manage.py load_frameworks

$(VENV)/bin/activate: | system-deps
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

node_modules/.installed: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

compilemessages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# Refresh the French catalogue after changing strings (then translate it).
messages: install
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=node_modules \
	    --ignore=bench --ignore=scripts --ignore=staticfiles --ignore=var

define apt_install
	@if [ -n "$(1)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$(1)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	  else \
	    echo "Missing Debian packages:$(1) (run as root, or: sudo apt-get install$(1))"; exit 1; \
	  fi; \
	fi
endef

# System tools for running the site: Node.js/npm (front-end assets), gettext
# (catalogues), the venv module.
system-deps:
	$(call apt_install,$(strip \
	  $(if $(shell command -v npm),,nodejs npm) \
	  $(if $(shell command -v msgfmt),,gettext) \
	  $(if $(shell $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null && echo ok),,python3-venv) \
	  $(if $(wildcard /usr/lib/*/libpangoft2-1.0.so.0),,libpango-1.0-0 libpangoft2-1.0-0) \
	  $(if $(wildcard /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf),,fonts-dejavu-core)))

# And for the browser and PostgreSQL tests.
system-test-deps: system-deps
	$(call apt_install,$(strip \
	  $(if $(shell command -v chromium),,chromium) \
	  $(if $(wildcard /usr/lib/postgresql/*/bin/pg_ctl),,postgresql)))

# ruff, then the layers of docs/architecture.md (import-linter, configured in pyproject.toml).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

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
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .import_linter_cache
