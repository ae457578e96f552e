//! The sync: keep the cloud exactly equal to the ERP's unpaid set, sending only what changed.
//!
//! - [`diff`]: the pure comparison of an extraction with what was last sent, producing ops;
//! - [`snapshot`]: what was last sent, compactly (a million documents in tens of MiB);
//! - [`ship`]: sending the outbox in `seq` order with retries, and the `next_seq` rule.
//!
//! The cycle that joins them to a connector and the local [`crate::state`] lives here too.

pub mod cycle;
pub mod diff;
pub mod ship;
pub mod snapshot;
