//! `inkaso-bench`: the benchmarks of the connectors (`inkaso-connectors-bench`), the cloud's
//! ingest (`inkaso-cloud-bench`) and the process planner (`inkaso-planner-bench`), kept out of
//! the production crates. Each binary prints a table and writes JSON to `bench-out/`;
//! `scripts/bench.sh` runs them. The agent's sync and the login-flood benchmarks live with the
//! end-to-end harness they use (`inkaso-e2e`).
