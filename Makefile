# The two commands README gives, and a few more. Each target installs what it needs.
# `make` alone lists them.
.PHONY: help demo test lint deps bench
.DEFAULT_GOAL := help

## This list.
help:
	@awk '/^## /{doc=substr($$0, 4); next} /^[a-z-]+:/{if (doc) printf "  make %-6s %s\n", substr($$1, 1, length($$1)-1), doc; doc=""}' $(MAKEFILE_LIST)

## The main job: a sample ERP → agent → cloud → process run → messages, PDFs, statistics → results back. Options in ARGS, e.g. make demo ARGS="--profile optima".
demo:
	scripts/demo.sh $(ARGS)

## Every check CI runs: make lint, then the whole test suite on SQLite and PostgreSQL.
test:
	scripts/test.sh

## The static checks alone: fmt, clippy, cargo doc (warnings are errors), cargo deny.
lint:
	scripts/lint.sh

## Install the system packages (ODBC drivers, PostgreSQL, SMTP server, poppler).
deps:
	scripts/install-deps.sh

## The benchmarks (not tests): print tables and write JSON to bench-out/.
bench:
	scripts/bench.sh
