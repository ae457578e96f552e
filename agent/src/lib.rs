//! `inkaso-agent`: the on-premise agent beside a firm's ERP.
//!
//! It reads the ERP through `inkaso-connectors`, keeps its own durable state, syncs what changed
//! to the cloud over protocol v1 (`inkaso-shared::protocol`) and brings the results back.
//! It never depends on `inkaso-cloud`: the two meet only on the wire.

pub mod acl;
pub mod cli;
pub mod cloud;
pub mod commands;
pub mod config;
pub mod failpoint;
pub mod logging;
pub mod preview;
pub mod results;
pub mod state;
pub mod sync;
#[cfg(windows)]
pub mod windows;
