//! One clock for every worker, so lanes on the timeline line up.
//!
//! In the browser each worker's `performance.now()` starts from its own origin; the worker
//! module supplies a clock built on `performance.timeOrigin + performance.now()`. Natively
//! one process-wide `Instant` origin does the same job. `std::time::Instant` must not be
//! used by engine code itself: it panics on wasm32-unknown-unknown.

use crate::engine::trace::Nanos;

/// Absolute nanoseconds on a clock every thread of the run agrees on.
pub trait Clock: Send + Sync {
    fn now(&self) -> Nanos;
}

/// The host's monotonic clock (native builds).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, Default)]
pub struct HostClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for HostClock {
    fn now(&self) -> Nanos {
        use std::sync::OnceLock;
        use std::time::Instant;
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_nanos() as Nanos
    }
}
