//! `inkaso-installer`: prepares a machine to run the Inkaso agent beside an ERP (R-A1, R-A7).
//!
//! - [`doctor`]: the ODBC driver manager and drivers, with a working SQL Server connection
//!   string for each SQL Server driver found.
//! - [`setup`]: the guided set-up — profile, connection (tested, each failure with its fix),
//!   the ERP's "do not collect" markers, the cloud and its token, the preview of exactly what
//!   will leave the machine, `agent.toml`, the service, one sync. Every question is also a
//!   flag, so it runs unattended; re-running it edits the existing set-up.
//! - [`ask`]: the questions, asked in a terminal (dialoguer) or answered by flags alone.
//! - [`service`]: the agent as a systemd service (the unit in `installer/systemd/`).
//! - [`cli`]: the command line.

pub mod ask;
pub mod cli;
pub mod doctor;
pub mod service;
pub mod setup;

use inkaso_shared::Lang;

/// A text in the reader's language.
pub(crate) fn pl_en(lang: Lang, pl: &str, en: &str) -> String {
    match lang {
        Lang::Pl => pl.to_owned(),
        Lang::En => en.to_owned(),
    }
}
