//! `inkaso-cloud`: the multi-tenant cloud service.
//!
//! Holds each firm's data apart, takes agents' batches exactly once, runs collection processes
//! and serves the client API and portal. Depends on `inkaso-shared` only: never on the agent or
//! the connectors.

pub mod cli;
pub mod http;
pub mod live;
pub mod periodic;
pub mod process;
pub mod server;
pub mod store;
pub mod vat;
