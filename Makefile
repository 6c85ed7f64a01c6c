# PartyQuality — the two commands a newcomer needs: `make run` and `make test`.
#
# A Python >= 3.12 is found on PATH first, then among pyenv's versions;
# `make run PYTHON=/path/to/python3.13` overrides the search.

SHELL := /bin/bash
VENV := .venv
VPY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

PYTHON ?= $(shell \
  for c in python3.13 python3.12 python3.14 python3 python; do \
    p=$$(command -v $$c 2>/dev/null) || continue; \
    $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
  done; \
  for p in $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3; do \
    [ -x "$$p" ] && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
  done)

.PHONY: run test venv migrate seed worker stop lint format messages check clean

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "PartyQuality needs Python 3.12 or newer; none was found on PATH or in ~/.pyenv/versions."; \
	  echo "Install one, or run: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12"; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
	  echo "$(PYTHON) is older than 3.12; PartyQuality needs Python 3.12 or newer."; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e ".[test]"
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	$(VPY) manage.py migrate --noinput

seed: migrate
	$(VPY) manage.py seed_demo --if-empty

# Sets up everything, loads the demo data once, starts the task worker and
# serves on http://$(HOST):$(PORT). Ctrl-C stops the web server and the worker;
# the embedded database keeps running (`make stop` stops it).
run: seed
	@$(VPY) manage.py seed_demo --print-logins
	@echo "PartyQuality: http://$(HOST):$(PORT)/"
	@trap 'kill 0' INT TERM EXIT; \
	  $(VPY) manage.py db_worker --interval 1 >var/worker.log 2>&1 & \
	  $(VPY) manage.py runserver --noreload $(HOST):$(PORT)

worker: venv
	$(VPY) manage.py db_worker

stop: venv
	$(VPY) -c 'from partyquality.embedded_db import stop; print("stopped" if stop() else "not running")'

test: venv
	$(VPY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VPY) -m ruff check .
	$(VPY) -m ruff format --check .

format: venv
	$(VPY) -m ruff check --fix .
	$(VPY) -m ruff format .

# Extract Vietnamese msgids and compile the English catalogue. Neither command
# touches the database: a placeholder URL keeps settings from starting the
# embedded PostgreSQL when DATABASE_URL is unset.
messages: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://unused@127.0.0.1/unused} $(VPY) manage.py makemessages -l en --no-obsolete --no-location --ignore=.venv --ignore=var
	DATABASE_URL=$${DATABASE_URL:-postgres://unused@127.0.0.1/unused} $(VPY) manage.py compilemessages -l en --ignore=.venv

check: venv
	$(VPY) manage.py makemigrations --check --dry-run
	$(VPY) manage.py check

clean:
	rm -rf $(VENV) staticfiles
