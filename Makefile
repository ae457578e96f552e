# The two commands README gives, and a few more. Each target installs what it needs.
.PHONY: demo test deps bench

## The main job: a sample ERP → agent → cloud → process run → messages, PDFs, statistics → results back.
## Options go in ARGS, e.g. `make demo ARGS="--profile optima"`.
demo:
	scripts/demo.sh $(ARGS)

## Every check CI runs: fmt, clippy, the whole test suite on SQLite and PostgreSQL.
test:
	scripts/test.sh

## Install the system packages (ODBC drivers, PostgreSQL, SMTP server, poppler).
deps:
	scripts/install-deps.sh

## The benchmarks (not tests): print tables and write JSON to bench-out/.
bench:
	scripts/bench.sh
