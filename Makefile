# OneWindow — the two commands are `make demo` and `make test`; the rest serve them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements/lock.txt pyproject.toml | sha1sum | cut -c1-12)
MANAGE := $(PY) manage.py
# Python may keep compiled modules (__pycache__, ignored by git) whatever the machine says:
# without them every test worker, and every process a test starts, compiles the whole
# project again, and pytest rewrites the asserts of all 250 test modules (9 s a worker).
unexport PYTHONDONTWRITEBYTECODE
# make demo DEMO_PORT=8001 when 8000 is taken
DEMO_PORT ?= 8000

.PHONY: demo demo-reset test install lint types unit messages browser-deps clean bench assets

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/lock.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Compiled catalogues are build output: made from the committed .po files.
messages: $(STAMP)
	@bash scripts/ensure_gettext.sh
	$(MANAGE) compilemessages --ignore=.venv --ignore='$(VENV)/*' -v 0

# Front-end packages: pinned in package-lock.json, installed from the npm registry and
# copied into static files, which serve them locally (ADR 0014). The copies are build
# output, like the .mo files; `npm ci` runs again only when the lock file changes.
NPM_STAMP := node_modules/.installed-$(shell sha1sum package-lock.json package.json | sha1sum | cut -c1-12)
BPMN_JS := node_modules/bpmn-js
BPMN_JS_STATIC := onewindow/core/static/vendor/bpmn-js

$(NPM_STAMP): package-lock.json package.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -f node_modules/.installed-* && touch $@

ifeq ($(shell command -v npm),)
assets:
	@echo "npm is missing: the process diagram cannot be drawn (pages fall back to the timeline)." >&2
	@echo "Install Node.js 20 with npm (Debian: apt-get install nodejs npm), then run make assets." >&2
	@[ "$$CI" != "true" ] || { echo "npm is required under CI" >&2; exit 1; }
else
assets: $(NPM_STAMP)
	mkdir -p $(BPMN_JS_STATIC)
	install -C -m 644 $(BPMN_JS)/dist/bpmn-viewer.production.min.js \
	  $(BPMN_JS)/dist/assets/diagram-js.css $(BPMN_JS)/dist/assets/bpmn-js.css \
	  $(BPMN_JS)/LICENSE $(BPMN_JS_STATIC)/
endif

demo: install messages assets
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) collectstatic --noinput -v 0
	ONEWINDOW_DEMO=1 $(MANAGE) load_demo_city
	ONEWINDOW_DEMO=1 $(MANAGE) load_demo_calendar
	ONEWINDOW_DEMO=1 $(MANAGE) load_demo_catalog
	ONEWINDOW_DEMO=1 $(MANAGE) load_demo_cases
	ONEWINDOW_DEMO=1 $(MANAGE) demo_logins
	@echo "Serving http://127.0.0.1:$(DEMO_PORT) — Ctrl-C stops the web server and the worker."
	ONEWINDOW_DEMO=1 DEMO_PORT=$(DEMO_PORT) $(VENV)/bin/honcho -f Procfile.demo start

lint: install messages
	$(VENV)/bin/ruff check onewindow
	$(VENV)/bin/ruff format --check onewindow
	bash scripts/update_messages.sh --check

types: install
	$(VENV)/bin/mypy onewindow

browser-deps:
	@bash scripts/ensure_browser.sh

# With CI=true the suite also runs on PostgreSQL, and missing services fail the run. The
# browser journeys drive pages whose queries the rest of the suite already runs on both
# databases; they run once, in the SQLite pass, to keep CI within its 15 minutes. So do
# the tests that reach no database, and the page and API tests that count no queries
# (ONEWINDOW_DATABASE_TESTS_ONLY, onewindow/conftest.py): a second pass would run them the
# same, or check again HTML or JSON drawn from services whose own tests run on both.
unit: install messages assets browser-deps
	$(PY) -m pytest -q -n 2 --dist loadgroup
	@if [ "$$CI" = "true" ]; then \
	  bash scripts/ensure_services.sh && \
	  ONEWINDOW_DATABASE_TESTS_ONLY=1 ONEWINDOW_DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow $(PY) -m pytest -q -n 2 --dist loadgroup -m "not browser"; \
	fi

test: lint types unit

# The demo from scratch: its database, uploaded files, mail and queue ($ONEWINDOW_VAR_DIR,
# default var/) deleted first. `make demo` again keeps what a database already holds,
# such as the demo content of an older checkout.
demo-reset:
	rm -rf -- "$${ONEWINDOW_VAR_DIR:-var}"
	$(MAKE) demo

clean:
	rm -rf $(VENV) var

# Benchmarks: figures measured on this machine, with ratios to baselines in the same run.
# The sweep and the reads over a growing history are measured on PostgreSQL in a
# throwaway test_ database next to BENCH_DATABASE_URL's; the HTTP section makes its own.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/onewindow_bench
bench: install messages assets
	# The latency section serves /healthz, whose checks read the embedded database: on a
	# fresh clone they logged a traceback per table missing.
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) bench --section relevance --section latency --section engine --section http
	ONEWINDOW_SECRET_KEY=bench-only-not-a-secret ONEWINDOW_DATABASE_URL=$(BENCH_DATABASE_URL) $(MANAGE) bench --section sweep $(SWEEP) --section history
