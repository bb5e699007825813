# two-high: `make run` and `make test` are the whole setup contract (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point where the app is served (issue 15); an explicit SITE_URL wins.
SITE_URL ?= http://$(HOST):$(PORT)
export SITE_URL

.PHONY: run test setup lint worker beat web bench reliability messages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	mkdir -p var/celery/queue var/celery/processed var/mail
	$(MANAGE) compile_translations
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_reference_data
	$(MANAGE) ensure_schedules

run: setup
	$(MANAGE) seed_demo --if-unseeded
	$(MANAGE) collectstatic --noinput -v 0
	@echo "Serving on http://$(HOST):$(PORT)/ with a Celery worker and beat (Ctrl-C stops all three)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(VENV)/bin/celery -A config worker -l info --concurrency 2 & \
	  $(VENV)/bin/celery -A config beat -l info & \
	  $(MANAGE) runserver $(HOST):$(PORT) --noreload

web: setup
	$(MANAGE) runserver $(HOST):$(PORT)

worker: setup
	$(VENV)/bin/celery -A config worker -l info

beat: setup
	$(VENV)/bin/celery -A config beat -l info

test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l zh_Hans -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'bench/*' >/dev/null
	$(PY) config/locale/merge.py
	$(MANAGE) compile_translations

$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(PIP) install -q -r requirements-bench.txt
	touch $@

bench: setup $(VENV)/.bench-installed
	$(PY) bench/engine.py
	$(PY) bench/screen_ledger.py
	$(PY) bench/monthly_report.py
	$(PY) bench/import_ledger.py
	$(PY) bench/working_days.py
	$(PY) bench/registry.py

# Issue 9: hostile files (with the 50 MB import), access matrix, races on PostgreSQL,
# deployment checks, the running stack, faults injected (bench/faults.py) and the load run
# (bench/load.py, 120 s; RELIABILITY_ARGS=--full for 300 s); prints one table (not part of
# `make test`).
reliability: setup
	$(PY) bench/reliability.py $(RELIABILITY_ARGS)

clean:
	rm -rf var
