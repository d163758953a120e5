# Two commands do all the set-up: `make run` serves the portal with demo data, `make test` tests it.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export DJANGO_SETTINGS_MODULE ?= zaozhuang_titles.settings
# The development server's port (make run, make serve). SITE_URL may stay unset in development: links
# and certificate QR codes are then built from the request, so they follow this port.
PORT ?= 8000

# Every target a newcomer calls runs in development mode (DEBUG on, no secret key needed), unless the
# environment says otherwise (DJANGO_DEBUG=0 with DJANGO_SECRET_KEY and SITE_URL set: production).
# check-deploy, test and test-e2e set their own settings.
DEVELOPMENT_TARGETS := run migrate seed serve worker beat messages
$(DEVELOPMENT_TARGETS): export DJANGO_DEBUG ?= 1

.PHONY: run test test-e2e lint setup translations pdf-font messages migrate seed serve worker beat clean check-deploy bench schema

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compile the translation catalogues with Babel (no GNU gettext needed on the machine).
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain django --directory locale --statistics 2>&1 | grep -v '^$$' || true
	@test -f locale/en/LC_MESSAGES/django.mo && test -f locale/zh_Hans/LC_MESSAGES/django.mo

# Documents (certificates, 举荐信, records, notices) are printed by WeasyPrint, which needs Debian's pango and
# a CJK font (Noto CJK, embedded as OpenType subsets). Installs them when missing (see
# zaozhuang_titles/documents.py), or says how.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
pdf-font: $(VENV)/.installed
	@if $(PY) -m zaozhuang_titles.documents >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Documents need pango and a CJK font: apt-get install $(PDF_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(PDF_PACKAGES) >/dev/null; \
		$(PY) -m zaozhuang_titles.documents; \
	else \
		$(PY) -m zaozhuang_titles.documents; \
		echo "Run as root: apt-get install $(PDF_PACKAGES), then make setup again." >&2; \
		exit 1; \
	fi

setup: $(VENV)/.installed node_modules/.installed translations pdf-font

# Re-extract the catalogues after changing user-facing strings (needs GNU gettext: apt-get install gettext).
messages: $(VENV)/.installed
	$(MANAGE) makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --no-obsolete --no-location
	$(PY) scripts/fill_english_catalogue.py

# The demo signs its documents with a CA of its own (kept when it exists; DOCUMENT_SIGNING_P12 names the
# bureau's PKCS#12 file instead, README "Signed documents").
migrate: setup
	$(MANAGE) migrate --no-input
	$(MANAGE) signing_demo_ca

seed: migrate
	$(MANAGE) seed_demo

# The API's OpenAPI schema, committed: tests/api/test_schema.py fails while it differs from the code's.
schema: $(VENV)/.installed
	DJANGO_DEBUG=1 $(MANAGE) spectacular --validate --fail-on-warn --lang zh-hans --file api/openapi.yaml

# The web server alone, on the migrated database (make run also seeds the demo data first).
serve: migrate
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# A Celery worker and beat need a broker. Without REDIS_URL there is none: tasks run inside the web
# process (make serve) and neither is needed, which these targets say instead of failing.
NO_BROKER := echo "REDIS_URL is not set: tasks run inside the web process (make serve), no worker or beat is needed. Set REDIS_URL=redis://127.0.0.1:6379/0 to run them."
worker: setup
	@if [ -z "$$REDIS_URL" ]; then $(NO_BROKER); else \
		$(VENV)/bin/celery -A zaozhuang_titles worker --loglevel=INFO --concurrency=2; fi

beat: setup
	@if [ -z "$$REDIS_URL" ]; then $(NO_BROKER); else \
		$(VENV)/bin/celery -A zaozhuang_titles beat --loglevel=INFO --schedule=/tmp/zaozhuang-celerybeat-schedule; fi

# The whole portal with demo data. Embedded default: SQLite, tasks in process. With DATABASE_URL and
# REDIS_URL set: PostgreSQL, and a real Celery worker and beat started beside the web server.
run: seed
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Starting Celery worker and beat on $$REDIS_URL"; \
		trap 'kill 0' EXIT INT TERM; \
		$(VENV)/bin/celery -A zaozhuang_titles worker --loglevel=INFO --concurrency=2 & \
		$(VENV)/bin/celery -A zaozhuang_titles beat --loglevel=INFO --schedule=/tmp/zaozhuang-celerybeat-schedule & \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	else \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	fi

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# ruff, then the whole suite (browser tests included; they skip only where Chromium is missing and CI
# is not set). SQLite locally; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
# Coverage: the suite fails under COVERAGE_FLOOR percent in all, and scripts/check_coverage.py fails
# when a module is under 80% without a reason in pyproject.toml ([tool.zaozhuang.coverage]).
# The suite runs in TEST_WORKERS processes (pytest-xdist; "auto": one per core), each with a test
# database and a Redis database of its own (zaozhuang_titles/test_settings.py); TEST_WORKERS=0 runs it in
# this process alone. The 25 slowest tests are listed at the end.
COVERAGE_FLOOR ?= 95
TEST_WORKERS ?= auto
test: setup lint
	DJANGO_SETTINGS_MODULE=zaozhuang_titles.test_settings $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal \
		--durations=25 --cov --cov-report=term \
		--cov-report=json:coverage.json --cov-fail-under=$(COVERAGE_FLOOR)
	$(PY) scripts/check_coverage.py coverage.json

test-e2e: setup
	DJANGO_SETTINGS_MODULE=zaozhuang_titles.test_settings $(PY) -m pytest -m e2e

# The benchmark (benchmarks/run.py, README "Benchmark"): generates SCALE=small|province data in the
# PostgreSQL database of DATABASE_URL (a database of its own: created when missing, emptied on every
# run, refused when it holds other data), measures the pages and heavy tasks, prints one table and
# writes benchmarks/results.json (small: results-small.json). Fails when a page's query count at scale
# differs from its count at one row. BENCH_ARGS passes more options (--compare, --skip-load, --runs N).
SCALE ?= province
bench: setup
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "make bench needs DATABASE_URL pointing at a PostgreSQL database of its own, e.g." >&2; \
		echo "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench SCALE=small" >&2; \
		exit 2; \
	fi
	$(PY) -m benchmarks run --scale $(SCALE) $(BENCH_ARGS)

check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=titles.example.cn SITE_URL=https://titles.example.cn $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles test-artifacts .coverage coverage.json
