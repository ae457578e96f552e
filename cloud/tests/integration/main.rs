//! The cloud's integration tests: the contract suite on SQLite and PostgreSQL, the process engine, cases, isolation, replicas, the CLI and the VAT register, over real HTTP on loopback.
//!
//! One binary per crate (one link instead of one per file); each module is one former test file.

#[macro_use]
mod common;

mod case_mail;
mod cases;
mod contract;
mod isolation;
mod notifications;
mod partner_portal;
mod portal;
mod process_api;
mod regon;
mod replicas;
mod runner;
mod runner_cli;
mod runner_store;
mod stats;
mod vat;
