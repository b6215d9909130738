# Anze: `make run` serves the Linyi demo, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
ANZE := $(VENV)/bin/anze
PYTEST := $(VENV)/bin/pytest
DATA_DIR ?= var
PG_URL ?= postgres://postgres@127.0.0.1:5432/anze
XDIST ?= -n 2
BENCH ?=

export ANZE_DATA_DIR ?= $(abspath $(DATA_DIR))

.PHONY: install install-dev run serve demo test test-sqlite test-postgres lint bench fuzz mutate messages clean help

help:
	@echo "make run      install, prepare the SQLite database with the Linyi demo, serve http://127.0.0.1:8000"
	@echo "make test     the whole suite on SQLite, then on PostgreSQL when one answers"
	@echo "make bench    the benchmarks in bench/ (BENCH=name for one); figures to bench/results.json"
	@echo "make lint     ruff and the migrations check"
	@echo "make fuzz     schemathesis over the API schema on a demo site, as six personas (FUZZ_ARGS=--max-examples N)"
	@echo "make mutate   mutation testing of the pure logic; prints the share of mutants each module's tests catch"
	@echo "make messages refresh and compile the English translation catalogue"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# The embedded site: a real WSGI server (gunicorn), a Huey worker and static files, on SQLite in $(DATA_DIR).
# The embedded site's own keys live in $(DATA_DIR) (created once, mode 600).
RUN_ENV = ANZE_SECRET_KEY_FILE=$(DATA_DIR)/secret_key ANZE_PII_KEY=$$(cat $(DATA_DIR)/pii_key) ANZE_HTTPS=0

run: install
	@mkdir -p $(DATA_DIR)
	@test -s $(DATA_DIR)/secret_key || $(PY) -c "import secrets; print(secrets.token_urlsafe(64))" > $(DATA_DIR)/secret_key
	@test -s $(DATA_DIR)/pii_key || $(PY) -c "import secrets; print(secrets.token_hex(16))" > $(DATA_DIR)/pii_key
	@chmod 600 $(DATA_DIR)/secret_key $(DATA_DIR)/pii_key
	$(RUN_ENV) $(ANZE) migrate --noinput
	$(RUN_ENV) $(ANZE) demo --yes-demo-database
	$(RUN_ENV) $(ANZE) collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(ANZE) serve

test: install-dev
	@$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$ANZE_TEST_DATABASE_URL" ] || $(PY) scripts/postgres_answers.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$$ANZE_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL does not answer at $(PG_URL) and ANZE_REQUIRE_POSTGRES=1: start it or set ANZE_TEST_DATABASE_URL." >&2; \
		exit 1; \
	else \
		echo "PostgreSQL does not answer at $(PG_URL): the PostgreSQL run is skipped."; \
	fi

test-sqlite: install-dev
	@echo "== tests on SQLite"
	env -u ANZE_TEST_DATABASE_URL -u ANZE_DATABASE_URL $(PYTEST) $(XDIST) $(PYTEST_ARGS)

test-postgres: install-dev
	@echo "== tests on PostgreSQL"
	ANZE_TEST_DATABASE_URL=$${ANZE_TEST_DATABASE_URL:-$(PG_URL)} $(PYTEST) $(XDIST) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check anze bench scripts conftest.py
	ANZE_DEBUG=1 $(ANZE) makemigrations --check --dry-run

bench: install-dev
	$(PY) bench/run.py $(BENCH)

# schemathesis over the OpenAPI schema against a real server on a throwaway demo site, as several personas:
# no server error, every answer as the schema says (scripts/fuzz.py; the suite runs a bounded version).
fuzz: install-dev
	$(PY) scripts/fuzz.py $(FUZZ_ARGS)

# Mutation testing of the pure modules listed under [tool.mutmut] in pyproject.toml (docs/development/testing.md).
# MUTATE_ARGS=--keep reuses the last run's mutants/; --floor 0 prints without failing.
mutate: install-dev
	$(PY) scripts/mutate.py $(MUTATE_ARGS)

# Refresh the English catalogue after adding strings (needs GNU gettext); translate the new entries in
# anze/locale/en/LC_MESSAGES/django.po, then run it again to compile. test_i18n fails on untranslated entries.
messages: install-dev
	cd anze && ANZE_TESTING=1 ../$(ANZE) makemessages -l en --ignore='static/*'
	cd anze && ANZE_TESTING=1 ../$(ANZE) compilemessages -l en

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache
