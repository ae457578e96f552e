#!/usr/bin/env bash
# README's main-job command (`make demo`): a sample ERP database → the agent → the cloud on
# SQLite → 60 simulated days of processes (SMS, e-mail, letters, hand-offs; payments in the ERP)
# → results back in the agent. Installs what it needs first; everything it creates goes to
# demo-out/ (recreated on every run).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "==> Building (first time: a few minutes)"
cargo build --release --locked -p inkaso-e2e --bins -p inkaso-agent -p inkaso-cloud
exec target/release/inkaso-demo --out "${INKASO_DEMO_OUT:-demo-out}" "$@"
