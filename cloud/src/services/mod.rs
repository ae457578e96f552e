//! Application services: the use cases that need I/O — the store, the channels, the clock —
//! built on the pure core ([`crate::process`]). The JSON API, the CLI and `serve`'s loop call
//! them alike; none of them imports the web layer.
//!
//! - [`runner`]: one tick of the process engine for one tenant, every tenant's round, on-demand
//!   runs.

pub mod runner;
