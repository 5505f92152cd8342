# Local stack targets; included from the main Makefile (include deploy/local/stack.mk).
# Paths are relative to the repo root, wherever make is called from.
STACK_MK_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)

.PHONY: install stack-up stack-down stack-status

install:  ## install postgres/redis (apt), uv, .venv and the tools venv (idempotent)
	bash $(STACK_MK_ROOT)/deploy/local/install.sh

stack-up:  ## start the local servers (idempotent) and wait until ready
	cd $(STACK_MK_ROOT) && .venv/bin/mkt stack up

stack-down:  ## stop the local servers mkt started
	cd $(STACK_MK_ROOT) && .venv/bin/mkt stack down

stack-status:  ## port, PID and readiness of each local server
	cd $(STACK_MK_ROOT) && .venv/bin/mkt stack status
