# Two commands matter (README): `make demo` and `make test`. Everything else is a building block.
.DEFAULT_GOAL := help
include deploy/local/stack.mk

MKT := .venv/bin/mkt
PYTEST_ARGS ?=
# The demo's simulated world (the default one: 50 vendors, 2,000 SKUs, 5,000 shoppers); seeded into the services
# and backfilled with the same options, so every id in the history is a live row.
WORLD ?= --days 365 --seed 7 --shoppers 5000 --vendors 50

.PHONY: demo test test-all lint schemas migrate help

demo: install  ## install everything, start the local stack, migrate, run the main job
	$(MKT) stack up
	$(MAKE) --no-print-directory migrate
	$(MKT) features apply
	$(MKT) demo
	$(MKT) simulate world $(WORLD)
	$(MKT) simulate backfill $(WORLD)
	$(MKT) simulate live --shoppers 10 --minutes 0.5
	$(MKT) streams wait
	$(MKT) warehouse report summary orders_per_day top_categories refund_rate on_time_delivery --days 400
	$(MKT) train
	$(MKT) dashboards import
	$(MKT) search reindex
	$(MKT) showcase

test: install  ## install what is missing, start the stack, lint the architecture, run the test suite
	$(MKT) stack up
	.venv/bin/lint-imports
	.venv/bin/pytest -m "not slow" $(PYTEST_ARGS)

test-all: install  ## the suite including the slow end-to-end runs
	$(MKT) stack up
	.venv/bin/pytest $(PYTEST_ARGS)

migrate:  ## service databases (Alembic) and warehouse migrations
	$(MKT) db upgrade
	$(MKT) warehouse migrate

lint:  ## import-linter contracts (ARCHITECTURE.md §2)
	.venv/bin/lint-imports

schemas:  ## regenerate the checked-in JSON Schemas of event payloads
	$(MKT) contracts schemas

help:
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'
