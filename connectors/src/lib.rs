//! `inkaso-connectors`: reads unpaid documents and debtor contacts from an ERP over ODBC.
//!
//! Read-only by construction: one SELECT per ERP profile ([`profile`]), configuration values
//! bound as parameters, rows streamed in bounded batches ([`extract`](mod@extract)) and mapped into
//! `inkaso-shared` records with exclusions applied first ([`mapping`]). [`discover`] checks a
//! database against a profile; [`sample`] builds test and demo ERP databases through the same
//! ODBC stack. Depends only on `inkaso-shared`; blocking (the agent runs it on its own thread).

pub mod columns;
pub mod connection;
pub mod discover;
pub mod error;
pub mod extract;
pub mod mapping;
pub mod profile;
pub mod sample;
pub mod values;

pub use connection::ConnectionSettings;
pub use error::ConnectorError;
pub use extract::{ConnectorConfig, Extraction, FetchOptions, RawFetch, extract, fetch_raw};
pub use mapping::{
    ExcludedKeys, ExclusionReason, Item, RejectReason, Rejection, Summary, Warning, WarningKind,
};
pub use profile::{ProfileKind, ProfileSettings};
pub use values::DateFormat;
