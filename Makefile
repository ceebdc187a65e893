# OneWindow — the two commands are `make demo` and `make test`; the rest serve them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements/lock.txt pyproject.toml | sha1sum | cut -c1-12)
MANAGE := $(PY) manage.py

.PHONY: demo test install lint types unit messages serve demo-data browser-deps clean bench

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/lock.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Compiled catalogues are build output: made from the committed .po files.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "installing gettext (msgfmt)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	$(MANAGE) compilemessages --ignore=.venv --ignore='$(VENV)/*' -v 0

demo: install messages
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) load_demo_city
	$(MANAGE) load_demo_calendar
	$(MANAGE) load_demo_catalog
	$(MANAGE) load_demo_cases
	ONEWINDOW_DEMO=1 $(MANAGE) demo_logins
	@echo "Serving http://127.0.0.1:8000 — Ctrl-C stops the web server and the worker."
	ONEWINDOW_DEMO=1 $(VENV)/bin/honcho -f Procfile.demo start

lint: install messages
	$(VENV)/bin/ruff check onewindow
	$(VENV)/bin/ruff format --check onewindow
	bash scripts/update_messages.sh --check

types: install
	$(VENV)/bin/mypy onewindow

browser-deps:
	@bash scripts/ensure_browser.sh

# With CI=true the suite also runs on PostgreSQL, and missing services fail the run.
unit: install messages browser-deps
	$(PY) -m pytest -q -n 2 --dist loadgroup
	@if [ "$$CI" = "true" ]; then \
	  bash scripts/ensure_services.sh && \
	  ONEWINDOW_DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow $(PY) -m pytest -q -n 2 --dist loadgroup; \
	fi

test: lint types unit

clean:
	rm -rf $(VENV) var

# Benchmarks: figures measured on this machine, with ratios to baselines in the same run.
bench: install messages
	$(MANAGE) bench
