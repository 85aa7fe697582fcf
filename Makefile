# Set-up and everyday commands. `make run` and `make test` are all a fresh clone needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench load lint format messages check-deploy screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## run: install, migrate, compile translations, load the seed organisation with demo people, serve on SQLite
run: $(VENV)/.runtime
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) compile_translations
	DEBUG=1 $(MANAGE) seed_org --demo
	DEBUG=1 $(MANAGE) ensure_admin
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/)"
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

## test: install what the tests need and run the whole suite (DATABASE_URL picks the database)
# (TEST_WORKERS=2 by default: pytest-xdist processes, each with its own test database; TEST_WORKERS=0 runs in one)
TEST_WORKERS ?= 2
test: $(VENV)/.dev
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || echo "NOTE: no chromium at $${CHROMIUM:-/usr/bin/chromium}: the browser tests will be SKIPPED (apt-get install -y chromium)"
	DJANGO_SETTINGS_MODULE=orgdesign.settings_test $(MANAGE) compile_translations
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## bench: the benchmark suite (SQLite, and PostgreSQL when DATABASE_URL names one); BENCH_ARGS=--large adds 100,000 positions
bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

## load: gunicorn under a mixed load from wrk for 60 s (needs DATABASE_URL=postgres://… and wrk: apt-get install -y wrk)
load: $(VENV)/.dev
	@command -v wrk >/dev/null || { echo "make load needs wrk: apt-get install -y wrk"; exit 1; }
	$(BIN)/python -m benchmarks.load $(LOAD_ARGS)

## screenshots: the README's pictures of the org chart and a position page, taken from the running app (needs chromium)
screenshots: $(VENV)/.dev
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) compile_translations
	DEBUG=1 $(MANAGE) seed_org --demo
	DEBUG=1 $(MANAGE) ensure_admin
	tools/screenshots.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh the translation catalogues after changing strings (needs GNU gettext)
messages: $(VENV)/.dev
	DEBUG=1 $(MANAGE) makemessages -l zh_Hans -l en --ignore=.venv --ignore=var

check-deploy: $(VENV)/.runtime
	DEBUG=0 SECRET_KEY=check-deploy-$$RANDOM-a-long-enough-random-secret-key-value-0123456789 ALLOWED_HOSTS=example.com \
		$(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
