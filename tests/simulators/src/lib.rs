//! `inkaso-simulators`: stand-ins for external providers, speaking their documented wire APIs
//! on loopback (port 0), used by the tests and by the demo.
//!
//! Each simulator follows its provider's published protocol (as `docs/channels.md` and the
//! clients' module docs describe it) so that the production clients are exercised unchanged.

pub mod regon;
pub mod smsapi;
pub mod vat_register;
