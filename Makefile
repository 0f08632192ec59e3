# Entente: two commands do everything. `make run` serves the demo; `make test` passes the suite.
# Nothing needs to be installed but Python >= 3.11 and make: PostgreSQL and Redis are embedded.

PYTHON_BOOTSTRAP ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EMBEDDED := $(PY) -m infra.embedded
export PYTHONPATH := $(CURDIR):$(CURDIR)/platform

.PHONY: run test lint audit fuzz bench load install browser services stop reset clean

$(STAMP): pyproject.toml
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## run: set everything up and serve the demo on http://entente.localhost:8000
run: $(STAMP)
	$(EMBEDDED) run -- $(PY) -m infra.devserver

## test: set everything up and run the whole suite against real PostgreSQL and Redis, one
## pytest-xdist worker per core, each with its own test database and Redis names, a file's tests
## on one worker (its module fixtures made once). TEST_WORKERS=0 runs in this process alone.
TEST_WORKERS ?= auto
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)
test: $(STAMP) browser
	$(EMBEDDED) run -- $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

## browser: Debian's chromium for the browser tests and Pango for the PDFs, where they can be installed
browser:
	@$(PY) -m infra.browser ensure

## lint: ruff, mypy (its Django plugin loads the test settings but opens no connection, so no
## server is needed) and the import contracts of pyproject.toml (import-linter; PYTHONPATH above
## makes both roots importable: the repo root and platform/)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

## audit: known vulnerabilities of every installed package (pip-audit, --strict: a package it
## cannot check is a failure, not a pass). It needs pypi.org's JSON API or OSV, which this
## project's build machine cannot reach: so it is not part of `make lint` (it would pass there
## without having checked anything). Run it where those answer, and in the release pipeline.
audit: $(STAMP)
	$(PY) -m pip install --quiet pip-audit==2.10.1
	$(VENV)/bin/pip-audit --strict --progress-spinner off

## schemathesis over the whole API as four roles with FUZZ_EXAMPLES examples per operation
## (3 in `make test`, about 4,900 requests per role): prints the requests sent per role.
## Every check on; one process.
FUZZ_EXAMPLES ?= 25
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(EMBEDDED) run -- $(PY) -m pytest -p no:logging -s -q \
		tests/api/test_openapi_fuzzing.py tests/api/test_openapi_fuzzing_roles.py

## bench: every benchmark, printing its figures and conditions (the scripts with a main: not
## benchmarks/_common.py nor the settings and URL modules the API benchmark's servers load)
bench: $(STAMP)
	$(EMBEDDED) run -- sh -c 'for b in $$(grep -l __main__ benchmarks/*.py | grep -v load.py); do $(PY) $$b || exit 1; done'

## load: a working day at rising load on `make run`'s servers (locust, installed here and not a
## dependency of the product): the knee of the curve, then a 30-minute soak of the memory.
## LOAD_ARGS passes options (`--steps 5,10,20 --soak-minutes 0`; `--help` lists them).
load: $(STAMP)
	$(PY) -m pip install --quiet locust==2.47.0
	$(EMBEDDED) run -- $(PY) benchmarks/load.py $(LOAD_ARGS)

services: $(STAMP)
	$(EMBEDDED) up

stop:
	-$(EMBEDDED) down

reset: stop
	rm -rf .data staticfiles

clean: reset
	rm -rf $(VENV)
