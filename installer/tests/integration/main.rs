//! The installer's integration tests: the agent's systemd unit checked by `systemd-analyze`, and
//! the Debian package built, installed, upgraded, removed and purged in a throw-away root.
//!
//! One binary per crate; each module is one former test file.

// Tests may unwrap: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used)]

mod deb;
mod unit;
