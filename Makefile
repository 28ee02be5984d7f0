# The two commands: `make run` (set up and serve on SQLite, no outside service) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# The hard days the suite is also run on (QMS_TEST_TODAY): inside Tết 2027, the last day of a year (objectives
# deadline, document numbers restart the next day) and a 29 February.
DATED_DAYS ?= 2027-02-08 2027-12-31 2028-02-29
export DJANGO_DEBUG ?= 1

.PHONY: run setup test test-fast test-dated lint bench bench-scale messages demo clean check-deploy security system-deps-run system-deps-test

# Debian packages: the fonts of the official forms (Times New Roman metrics with Vietnamese), and for the
# tests the browser, pdftotext, msgfmt and SoftHSM2 (a PKCS#11 token). Installed when missing if we are root with apt (as on the
# project's machines and in CI); otherwise the command to run is printed.
RUN_PACKAGES := fonts-liberation2 fonts-croscore
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils gettext softhsm2
define ensure_debian_packages
	@missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q $$missing >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null; }; \
	  else echo "missing Debian packages:$$missing — run: sudo apt-get install$$missing"; fi; \
	fi
endef

system-deps-run:
	$(call ensure_debian_packages,$(RUN_PACKAGES))

system-deps-test:
	$(call ensure_debian_packages,$(TEST_PACKAGES))

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

setup: $(STAMP) system-deps-run
	mkdir -p var/broker/queue var/broker/processed var/broker/control var/broker/results var/mail var/media var/staticfiles
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# Serves http://127.0.0.1:8000 with a Celery worker and beat beside it; Ctrl-C stops all three.
run: setup
	@echo "QMS: http://127.0.0.1:8000 — demo accounts are listed in README.md"
	$(VENV)/bin/celery -A qms worker -B --loglevel=INFO --concurrency=2 > var/celery.log 2>&1 & \
	  CELERY_PID=$$!; trap 'kill $$CELERY_PID 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000

# QMS_TEST_TODAY=YYYY-MM-DD make test: the whole suite as if today were that day (conftest.py moves the clock).
test: $(DEV_STAMP) system-deps-test
	mkdir -p var/broker/queue var/broker/processed var/broker/control var/broker/results
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(DEV_STAMP)
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# The suite without the browser journeys and the security sweep (no dates in it), once on each of DATED_DAYS, the days side by side (each with its own
# test database and var/ folder, so that they never share a file or a table); a failing day prints its log.
test-dated: $(DEV_STAMP) system-deps-test
	@mkdir -p var/dated; pids=""; \
	for day in $(DATED_DAYS); do \
	  mkdir -p var/dated/$$day/broker/queue var/dated/$$day/broker/processed var/dated/$$day/broker/control var/dated/$$day/broker/results; \
	  QMS_TEST_TODAY=$$day QMS_VAR_DIR=$(CURDIR)/var/dated/$$day QMS_TEST_DB_NAME=test_qms_$$(echo $$day | tr -d -) \
	    $(PY) -m pytest -q -m "not browser and not security" -p no:cacheprovider $(PYTEST_ARGS) > var/dated/$$day.log 2>&1 & pids="$$pids $$!"; \
	done; \
	failed=0; i=0; for pid in $$pids; do wait $$pid || failed=1; done; \
	for day in $(DATED_DAYS); do \
	  echo "== make test-dated: QMS_TEST_TODAY=$$day: $$(tail -1 var/dated/$$day.log)"; \
	  grep -qE "(failed|error)" <(tail -1 var/dated/$$day.log) && { tail -80 var/dated/$$day.log; failed=1; }; \
	done; \
	exit $$failed

# ruff (rules and formatting), then mypy with django-stubs on the five packages (both set in pyproject.toml).
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy qms reviews corrective_actions objectives risks

bench: $(STAMP)
	$(PY) -m qms.bench

# Scale data (bulk_create) with DEBUG off; writes docs/performance.md (PostgreSQL when DATABASE_URL is set).
bench-scale: $(STAMP)
	$(PY) -m qms.bench --scale

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: $(STAMP)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=qms.example.gov.vn \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Issue 13: the header and authentication tests and the hostile-input sweep over every form (pytest marker
# `security`; `make test` runs them too), the deployment checks with production settings, and pip-audit when
# its vulnerability database is reachable (skipped with the reason printed otherwise).
security: $(DEV_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m security $(PYTEST_ARGS)
	$(MAKE) --no-print-directory check-deploy
	$(PY) .ci/pip_audit.py

clean:
	rm -rf var/broker var/mail var/celery.log var/test-db.sqlite3
