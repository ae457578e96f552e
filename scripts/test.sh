#!/usr/bin/env bash
# README's test command (`make test`): the static checks (`scripts/lint.sh`: fmt, clippy,
# cargo doc, cargo deny), Schemathesis against a served cloud (`scripts/api-fuzz.sh`), then
# every test of the workspace on SQLite and PostgreSQL, through the real ODBC drivers. Installs
# what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/lint.sh
echo "==> Schemathesis: the served OpenAPI document against the server"
scripts/api-fuzz.sh
echo "==> cargo test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
scripts/with-postgres.sh cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log" || status=$?
# One closing line for the whole workspace (cargo prints one per test binary, the last often a
# doc-test run with nothing in it).
awk '/^test result:/ {p += $4; f += $6} END {printf "tests: %d passed, %d failed\n", p, f}' "$log"
exit "$status"
