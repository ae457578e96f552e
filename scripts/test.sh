#!/usr/bin/env bash
# README's test command (`make test`): the static checks (`scripts/lint.sh`: fmt, clippy,
# cargo doc, cargo deny), then every test of the workspace on SQLite and PostgreSQL, through the
# real ODBC drivers. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/lint.sh
echo "==> cargo test"
scripts/with-postgres.sh cargo test --workspace --locked --no-fail-fast
