//! The connectors' integration tests: every profile's sample database through the real SQLite3 (and PostgreSQL) ODBC drivers, discovery, the generators, and every profile query parsed as T-SQL.
//!
//! One binary per crate (one link instead of one per file); each module is one former test file.

#[macro_use]
mod common;

mod discover;
mod generators;
mod profiles;
mod subiekt_gt;
mod tsql;
