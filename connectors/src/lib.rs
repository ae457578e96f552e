//! `inkaso-connectors`: reads unpaid documents and debtor contacts from an ERP over ODBC.
//!
//! Read-only by construction: one SELECT per ERP profile ([`profile`]), configuration values
//! bound as parameters, rows streamed in bounded batches ([`extract`](mod@extract)) and mapped into
//! `inkaso-shared` records with exclusions applied first ([`mapping`]). [`discover`] checks a
//! database against a profile; [`drivers`] tells ODBC drivers apart and explains SQL Server's
//! usual connection failures. Sample and generated ERP databases for tests and the demo live in
//! the test-support crate `inkaso-sample-erp`, so nothing here writes to an ERP. Depends only on
//! `inkaso-shared`; blocking (the agent runs it on its own thread).

pub mod columns;
pub mod connection;
pub mod discover;
pub mod drivers;
pub mod error;
pub mod extract;
pub mod mapping;
pub mod profile;
pub mod values;

pub use connection::ConnectionSettings;
pub use drivers::DriverKind;
pub use error::ConnectorError;
pub use extract::{ConnectorConfig, Extraction, FetchOptions, RawFetch, extract, fetch_raw};
pub use mapping::{
    ExcludedKeys, ExclusionReason, Item, RejectReason, Rejection, Summary, Warning, WarningKind,
};
pub use profile::{ProfileKind, ProfileSettings};
pub use values::DateFormat;
