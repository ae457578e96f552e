//! Crash points for the crash tests: `INKASO_FAILPOINT=<name>:<n>` makes the process abort —
//! like `kill -9`, with no destructor, flush or rollback — the `n`-th time it reaches the point
//! `name`. Compiled in only with the `failpoints` feature, which the end-to-end crate enables
//! for the agent it builds; a release build of the agent has none.
//!
//! Points: `after_erp_commit` (the write-back committed a result in the ERP and has not yet
//! marked it written in the agent's state).

/// Aborts here when `INKASO_FAILPOINT` names this point and its count is reached.
#[cfg(feature = "failpoints")]
pub fn hit(name: &str) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static HITS: AtomicU64 = AtomicU64::new(0);
    let Ok(spec) = std::env::var("INKASO_FAILPOINT") else {
        return;
    };
    let Some((point, n)) = spec.split_once(':') else {
        return;
    };
    if point == name && n.parse::<u64>().ok() == Some(HITS.fetch_add(1, Ordering::SeqCst) + 1) {
        std::process::abort();
    }
}

/// Without the `failpoints` feature: nothing.
#[cfg(not(feature = "failpoints"))]
#[inline]
pub fn hit(_name: &str) {}
