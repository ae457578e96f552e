//! The agent's integration tests: `check`'s advice for SQL Server, preview and discovery on sample ERPs, and results pulled, reported and written back through the real SQLite3 ODBC driver.
//!
//! One binary per crate (one link instead of one per file); each module is one former test file.

mod check;
mod preview_discover;
mod results_back;
