#!/usr/bin/env bash
# The benchmarks (not tests): each prints a table and writes JSON to bench-out/.
#   scripts/bench.sh                 all of them, full size (tens of minutes)
#   scripts/bench.sh sync|connectors|planner|cloud|portal|market|stats|login-flood [args…]   one, with its own arguments
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mkdir -p bench-out

which=${1:-all}
[ $# -gt 0 ] && shift
run() {
  case "$1" in
    connectors) cargo run --release --locked -p inkaso-bench --bin inkaso-connectors-bench -- "${@:2}" ;;
    planner)    cargo run --release --locked -p inkaso-bench --bin inkaso-planner-bench -- "${@:2}" ;;
    cloud)      scripts/with-postgres.sh cargo run --release --locked -p inkaso-bench --bin inkaso-cloud-bench -- "${@:2}" ;;
    sync)       cargo build --release --locked -p inkaso-e2e --bins && target/release/inkaso-sync-bench "${@:2}" ;;
    portal)     scripts/with-postgres.sh cargo run --release --locked -p inkaso-bench --bin inkaso-portal-bench -- "${@:2}" ;;
    market)     scripts/with-postgres.sh cargo run --release --locked -p inkaso-bench --bin inkaso-market-bench -- "${@:2}" ;;
    stats)      cargo run --release --locked -p inkaso-bench --bin inkaso-stats-eval -- "${@:2}" ;;
    login-flood) cargo run --release --locked -p inkaso-e2e --bin inkaso-login-bench -- "${@:2}" ;;
    *) echo "unknown benchmark: $1 (connectors, planner, cloud, portal, market, stats, sync, login-flood)" >&2; exit 2 ;;
  esac
}
if [ "$which" = all ]; then
  for b in connectors planner cloud portal market stats sync login-flood; do run "$b"; done
else
  run "$which" "$@"
fi
