#!/usr/bin/env bash
# README's test command (`make test`): format, lints, and every test of the workspace,
# on SQLite and PostgreSQL, through the real ODBC drivers. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo deny (licences, banned crates, sources; advisories need the RustSec database)"
if ! cargo deny --version >/dev/null 2>&1; then
  echo "==> Installing cargo-deny (once)"
  cargo install cargo-deny --locked
fi
cargo deny --log-level error check licenses bans sources
echo "==> cargo test"
scripts/with-postgres.sh cargo test --workspace --locked --no-fail-fast
