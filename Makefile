# The two commands a newcomer runs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# where `make run` listens: HOST=0.0.0.0 to be reachable from the office's other PCs
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-any-day test-busy bench bench-lists-2m production-check upgrade-check clean

$(STAMP): pyproject.toml setup.py deploy/system-packages.sh
	bash deploy/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

## Start the product: SQLite under ./var/, demo data when empty, http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/xinfang serve --demo --host $(HOST) --port $(PORT)

## Lint, type-check the kernel, then the whole test suite on SQLite and PostgreSQL (+ Redis)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

## The suite with the whole process tree's clock moved forward (libfaketime): +400 days,
## then to 2027-12-31 10:00 (Asia/Shanghai). Relative offsets keep every subprocess on one clock;
## the monotonic clock stays real (see tests/anyday/sitecustomize.py).
ANY_DAY := PYTHONPATH=$(CURDIR)/tests/anyday FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f
test-any-day: $(STAMP)
	bash deploy/system-packages.sh faketime
	$(ANY_DAY) +400d $(BIN)/python -m pytest -n 2 -q
	$(ANY_DAY) "$$(printf '%+ds' $$(( $$(date -d '2027-12-31 10:00 +0800' +%s) - $$(date +%s) )))" \
		$(BIN)/python -m pytest -n 2 -q

## The suite three times in a row with both cores kept busy beside it (stress-ng)
test-busy: $(STAMP)
	bash deploy/system-packages.sh stress-ng
	stress-ng --cpu 2 --quiet & trap "kill $$!" EXIT; \
		for run in 1 2 3; do $(BIN)/python -m pytest -n 2 -q || exit 1; done

bench: $(STAMP)
	for f in bench/[!_]*.py; do $(BIN)/python $$f || exit 1; done

## The matters list at 2,000,000 matters on PostgreSQL (bench/matters.py; ≈ 14 minutes on 2
## loaded cores, 2.4 GB of disk), to compare with its 200,000-matter default
bench-lists-2m: $(STAMP)
	$(BIN)/python bench/matters.py --matters 2000000

## The production topology on this machine (nginx, 2 web, 2 workers, scheduler on PostgreSQL +
## Redis), a scenario and a load phase with one web process and one worker SIGKILLed; prints
## throughput, p99 and what was lost (deploy/production_check.py). About two minutes.
production-check: $(STAMP)
	bash deploy/system-packages.sh nginx
	$(BIN)/python deploy/production_check.py

## A first-release (5fc2528) database with its demo data and 200,000 matters upgraded to this
## release on PostgreSQL: timed, then counts, audit chains and the app checked
## (deploy/upgrade_check.py). Builds the old release's venv once under var/upgrade-check/.
upgrade-check: $(STAMP)
	$(BIN)/python deploy/upgrade_check.py

clean:
	rm -rf $(VENV) var
