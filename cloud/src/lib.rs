//! `inkaso-cloud`: the multi-tenant cloud service.
//!
//! Holds each firm's data apart, takes agents' batches exactly once, runs collection processes
//! and serves the client API and portal. Layers: the pure core ([`process`]: the domain rules,
//! no I/O), the [`store`], the application [`services`] over both, and the thin faces — the
//! web ([`http`], [`server`]) and the command line ([`cli`]). Depends on `inkaso-shared` only: never on the agent or
//! the connectors.

pub mod cli;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod live;
pub mod periodic;
pub mod portal;
pub mod process;
pub mod regon;
pub mod server;
pub mod services;
pub mod store;
pub mod vat;
