//! The channels' integration tests: SMS and voice against the SMSAPI simulator, e-mail over a real SMTP server, PDF letters read back with pdftotext, and no panics on any input.
//!
//! One binary per crate (one link instead of one per file); each module is one former test file.

mod email;
mod letters;
mod no_panics;
mod smsapi;
