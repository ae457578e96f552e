//! End-to-end tests: a real ERP database through ODBC, the real agent (its CLI too), the installer's guided set-up, the cloud on loopback, the channels against simulators and a real SMTP server.
//!
//! One binary per crate (one link instead of one per file); each module is one former test file.

mod agent_cloud_sync;
mod agent_exclusions;
mod agent_kill;
mod installer_service;
mod installer_setup;
mod network_faults;
mod portal;
mod whole_path;
mod whole_path_profiles;
