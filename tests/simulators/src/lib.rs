//! `inkaso-simulators`: stand-ins for external providers, speaking their documented wire APIs
//! on loopback (port 0), used by the tests and by the demo.
//!
//! Each simulator follows `../shared/research/providers.md` so that the production clients are
//! exercised unchanged.

pub mod smsapi;
pub mod vat_register;
