//! The control block: a few atomics every running actor checks, so Cancel and deadlines
//! reach work that is busy or blocked without any message to it.
//!
//! In the browser it lives in the shared wasm memory: the engine worker's message loop
//! (which stays live during runs) flips it, and the pool threads see it at once.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::engine::trace::Nanos;

/// Why a run was told to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    Cancelled,
    DeadlineExceeded,
    /// The watchdog found a deadlock and frees every waiting actor.
    Deadlock,
    /// The watchdog found every thread waiting for something nobody will ever do.
    Stuck,
}

impl StopReason {
    fn code(self) -> u32 {
        match self {
            StopReason::Cancelled => 1,
            StopReason::DeadlineExceeded => 2,
            StopReason::Deadlock => 3,
            StopReason::Stuck => 4,
        }
    }

    fn from_code(code: u32) -> Option<StopReason> {
        match code {
            1 => Some(StopReason::Cancelled),
            2 => Some(StopReason::DeadlineExceeded),
            3 => Some(StopReason::Deadlock),
            4 => Some(StopReason::Stuck),
            _ => None,
        }
    }
}

/// Shared by the run's owner and all of its actors (behind an `Arc`).
#[derive(Debug, Default)]
pub struct Control {
    stop: AtomicU32,
    /// Absolute clock time past which the run stops; 0 means none.
    deadline: AtomicU64,
    /// Units of work done, for the progress bar (actors add to it now and then).
    progress: AtomicU64,
}

impl Control {
    pub fn new() -> Self {
        Control::default()
    }

    pub fn with_deadline(deadline: Nanos) -> Self {
        let control = Control::default();
        control.deadline.store(deadline, Ordering::Relaxed);
        control
    }

    /// Sets the absolute clock time past which the run stops.
    pub fn set_deadline(&self, deadline: Nanos) {
        self.deadline.store(deadline, Ordering::Relaxed);
    }

    /// Asks every actor to stop. The first reason given wins.
    pub fn stop(&self, reason: StopReason) {
        let _ = self.stop.compare_exchange(0, reason.code(), Ordering::AcqRel, Ordering::Acquire);
    }

    pub fn cancel(&self) {
        self.stop(StopReason::Cancelled);
    }

    pub fn stopped(&self) -> Option<StopReason> {
        StopReason::from_code(self.stop.load(Ordering::Acquire))
    }

    /// What every wait and every long computation calls: `Err` once the run must end.
    pub fn check(&self, now: Nanos) -> Result<(), StopReason> {
        if let Some(reason) = self.stopped() {
            return Err(reason);
        }
        let deadline = self.deadline.load(Ordering::Relaxed);
        if deadline != 0 && now >= deadline {
            self.stop(StopReason::DeadlineExceeded);
            return Err(self.stopped().unwrap_or(StopReason::DeadlineExceeded));
        }
        Ok(())
    }

    pub fn add_progress(&self, units: u64) {
        self.progress.fetch_add(units, Ordering::Relaxed);
    }

    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_stop_reason_wins() {
        let control = Control::new();
        assert_eq!(control.check(0), Ok(()));
        control.stop(StopReason::Deadlock);
        control.cancel();
        assert_eq!(control.stopped(), Some(StopReason::Deadlock));
        assert_eq!(control.check(0), Err(StopReason::Deadlock));
    }

    #[test]
    fn a_deadline_stops_the_run_once_passed() {
        let control = Control::with_deadline(100);
        assert_eq!(control.check(99), Ok(()));
        assert_eq!(control.check(100), Err(StopReason::DeadlineExceeded));
        assert_eq!(control.stopped(), Some(StopReason::DeadlineExceeded));
    }
}
