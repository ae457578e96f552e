#!/usr/bin/env bash
# `make lint`: the static checks, without running the tests (`make test` runs them first).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo clippy for Windows: the agent and the installer (their Windows service and access lists)"
# No Windows machine runs our tests; this at least compiles and lints the cfg(windows) code.
cargo clippy --target x86_64-pc-windows-gnu -p inkaso-agent -p inkaso-installer --lib --bins --locked -- -D warnings
echo "==> cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
echo "==> cargo deny (licences, banned crates, sources; advisories need the RustSec database)"
if ! cargo deny --version >/dev/null 2>&1; then
  echo "==> Installing cargo-deny (once)"
  cargo install cargo-deny --locked
fi
cargo deny --log-level error check licenses bans sources
