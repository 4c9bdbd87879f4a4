//! A real GIL per process, with CPython's protocol (Python/ceval_gil.c):
//!
//! - A thread that wants the GIL waits up to the switch interval; if no switch happened in
//!   that time, it sets the drop request and keeps waiting.
//! - The holder looks at the drop request only at check points (the interpreter decides
//!   where those are). Seeing it, the holder drops the GIL and then waits until another
//!   thread has taken it (forced switching), so it cannot grab it straight back.
//! - Blocking operations release it and take it again afterwards.
//!
//! So GIL timings in live runs are measured, not assumed.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use crate::engine::clock::Clock;
use crate::engine::control::{Control, StopReason};
use crate::engine::live::futex;
use crate::engine::trace::Nanos;

/// Longest single futex sleep; waits re-check the control block at least this often.
pub const WAIT_SLICE: Nanos = 10_000_000;

#[derive(Debug)]
pub struct Gil {
    /// 0 when free, else the holder's actor index + 1.
    holder: AtomicU32,
    /// Bumped on every take and every release: the futex word waiters sleep on.
    changes: AtomicU32,
    drop_request: AtomicBool,
    /// Takes so far (CPython's `switch_number`).
    switches: AtomicU64,
    /// Takes by a different thread than the one before (what the page calls hand-offs).
    handoffs: AtomicU64,
    last_holder: AtomicU32,
    waiters: AtomicU32,
    interval: Nanos,
}

/// What happened while taking the GIL, for the trace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TakeReport {
    /// The taker had to wait.
    pub waited: bool,
    /// Times the taker set the drop request while waiting.
    pub drop_requests: u32,
}

impl Gil {
    pub fn new(interval: Nanos) -> Gil {
        Gil {
            holder: AtomicU32::new(0),
            changes: AtomicU32::new(0),
            drop_request: AtomicBool::new(false),
            switches: AtomicU64::new(0),
            handoffs: AtomicU64::new(0),
            last_holder: AtomicU32::new(0),
            waiters: AtomicU32::new(0),
            interval: interval.max(1),
        }
    }

    pub fn handoffs(&self) -> u64 {
        self.handoffs.load(Ordering::Relaxed)
    }

    pub fn switches(&self) -> u64 {
        self.switches.load(Ordering::Relaxed)
    }

    pub fn holder(&self) -> Option<u32> {
        self.holder.load(Ordering::Acquire).checked_sub(1)
    }

    fn try_take(&self, me: u32) -> bool {
        if self.holder.compare_exchange(0, me + 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return false;
        }
        self.switches.fetch_add(1, Ordering::Relaxed);
        // A hand-off is a take by another thread than the last holder; the first take is none.
        let last = self.last_holder.swap(me + 1, Ordering::Relaxed);
        if last != 0 && last != me + 1 {
            self.handoffs.fetch_add(1, Ordering::Relaxed);
        }
        self.drop_request.store(false, Ordering::Relaxed);
        self.changes.fetch_add(1, Ordering::Release);
        futex::wake_all(&self.changes);
        true
    }

    /// Takes the GIL for actor `me`, waiting as CPython does.
    pub fn take(&self, me: u32, clock: &dyn Clock, control: &Control) -> Result<TakeReport, StopReason> {
        let mut report = TakeReport::default();
        if self.try_take(me) {
            return Ok(report);
        }
        report.waited = true;
        self.waiters.fetch_add(1, Ordering::AcqRel);
        let result = (|| {
            let mut interval_start = clock.now();
            let mut switches_then = self.switches();
            loop {
                let seen = self.changes.load(Ordering::Acquire);
                if self.try_take(me) {
                    return Ok(());
                }
                let now = clock.now();
                control.check(now)?;
                let waited = now.saturating_sub(interval_start);
                if waited >= self.interval {
                    // A whole interval with no switch: ask the holder to drop it.
                    if self.switches() == switches_then {
                        self.drop_request.store(true, Ordering::Release);
                        report.drop_requests += 1;
                    }
                    interval_start = now;
                    switches_then = self.switches();
                    continue;
                }
                futex::wait(&self.changes, seen, (self.interval - waited).min(WAIT_SLICE));
            }
        })();
        self.waiters.fetch_sub(1, Ordering::AcqRel);
        result.map(|()| report)
    }

    /// Releases the GIL (a blocking operation, or the thread's end).
    pub fn release(&self, me: u32) {
        debug_assert_eq!(self.holder(), Some(me));
        self.holder.store(0, Ordering::Release);
        self.changes.fetch_add(1, Ordering::Release);
        futex::wake_all(&self.changes);
    }

    /// Whether any thread is waiting to take it.
    pub fn has_waiters(&self) -> bool {
        self.waiters.load(Ordering::Acquire) > 0
    }

    /// Whether a drop has been requested: cheap, for every check point.
    #[inline]
    pub fn drop_requested(&self) -> bool {
        self.drop_request.load(Ordering::Relaxed)
    }

    /// At a check point with a drop request: drop the GIL, wait until another thread has
    /// taken it (forced switching), then wait to take it back. `Ok(None)` when no drop was
    /// requested; otherwise how the take went.
    pub fn yield_if_asked(
        &self,
        me: u32,
        clock: &dyn Clock,
        control: &Control,
    ) -> Result<Option<TakeReport>, StopReason> {
        if !self.drop_requested() {
            return Ok(None);
        }
        let switches_before = self.switches();
        self.release(me);
        // Forced switching: not until someone else took it.
        self.await_other_taker(switches_before, clock, control)?;
        self.take(me, clock, control).map(Some)
    }

    /// After releasing the GIL: waits until another thread has taken it since `switches`
    /// was read, or until nobody waits for it. A thread coming back from a blocking call
    /// such as `time.sleep(0)` is slower than a waiter that was already signalled, so in
    /// CPython the waiter wins; this makes the live engine agree.
    pub fn await_other_taker(&self, switches: u64, clock: &dyn Clock, control: &Control) -> Result<(), StopReason> {
        loop {
            let seen = self.changes.load(Ordering::Acquire);
            if self.switches() != switches || self.waiters.load(Ordering::Acquire) == 0 {
                return Ok(());
            }
            control.check(clock.now())?;
            futex::wait(&self.changes, seen, WAIT_SLICE);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::clock::HostClock;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// `threads` threads each hold the GIL and spin for `run_for`, passing check points
    /// every few microseconds. Returns hand-offs and how long it took.
    fn contend(threads: u32, run_for: Duration, interval: Nanos) -> (u64, Duration) {
        let gil = Arc::new(Gil::new(interval));
        let control = Arc::new(Control::new());
        let start = Instant::now();
        let handles: Vec<_> = (0..threads)
            .map(|me| {
                let (gil, control) = (gil.clone(), control.clone());
                std::thread::spawn(move || {
                    gil.take(me, &HostClock, &control).unwrap();
                    let mut busy = Duration::ZERO;
                    let mut last = Instant::now();
                    while busy < run_for {
                        std::hint::black_box((0..200).sum::<u64>());
                        let now = Instant::now();
                        busy += now - last;
                        // Time spent waiting for the GIL is not this thread's work.
                        if gil.yield_if_asked(me, &HostClock, &control).unwrap().is_some() {
                            last = Instant::now();
                        } else {
                            last = now;
                        }
                    }
                    gil.release(me);
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        (gil.handoffs(), start.elapsed())
    }

    #[test]
    fn cpu_bound_threads_take_turns_about_once_per_switch_interval() {
        let (handoffs, elapsed) = contend(2, Duration::from_millis(100), 5_000_000);
        let expected = elapsed.as_nanos() as f64 / 5e6;
        // Never faster than the interval allows; and it keeps switching (a loaded machine
        // delays each hand-off, so the lower bound is loose).
        assert!(
            handoffs as f64 <= expected * 1.5 + 2.0,
            "{handoffs} hand-offs in {elapsed:?}: faster than the interval"
        );
        assert!(
            handoffs as f64 >= expected * 0.25,
            "{handoffs} hand-offs in {elapsed:?}, expected about {expected:.0}"
        );
    }

    #[test]
    fn the_gil_serialises_the_work_of_cpu_bound_threads() {
        // Two threads of 60 ms each, one GIL: about 120 ms in all, however many cores.
        let (_, elapsed) = contend(2, Duration::from_millis(60), 5_000_000);
        assert!(elapsed >= Duration::from_millis(110), "{elapsed:?}");
    }

    #[test]
    fn forced_switching_hands_the_gil_to_the_waiter_not_back_to_the_holder() {
        let gil = Arc::new(Gil::new(1_000_000));
        let control = Arc::new(Control::new());
        gil.take(0, &HostClock, &control).unwrap();
        let waiter = {
            let (gil, control) = (gil.clone(), control.clone());
            std::thread::spawn(move || {
                let report = gil.take(1, &HostClock, &control).unwrap();
                gil.release(1);
                report
            })
        };
        // Spin through check points until asked; then the drop must hand over to thread 1.
        while !gil.drop_requested() {
            std::hint::spin_loop();
        }
        let retaken = gil.yield_if_asked(0, &HostClock, &control).unwrap().expect("asked");
        assert!(retaken.waited || gil.switches() >= 3);
        let report = waiter.join().unwrap();
        assert!(report.waited);
        assert!(report.drop_requests >= 1);
        assert_eq!(gil.handoffs(), 2, "0 -> 1 -> 0 is two hand-offs");
        gil.release(0);
    }

    #[test]
    fn without_check_points_the_holder_keeps_the_gil_however_long_it_runs() {
        let gil = Arc::new(Gil::new(1_000_000));
        let control = Arc::new(Control::new());
        gil.take(0, &HostClock, &control).unwrap();
        let waiter = {
            let (gil, control) = (gil.clone(), control.clone());
            std::thread::spawn(move || gil.take(1, &HostClock, &control).map(|_| Instant::now()))
        };
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(gil.holder(), Some(0), "the waiter must not get the GIL without a check point");
        let released = Instant::now();
        gil.release(0);
        assert!(waiter.join().unwrap().unwrap() >= released);
    }

    #[test]
    fn a_cancelled_waiter_leaves_at_once() {
        let gil = Arc::new(Gil::new(5_000_000));
        let control = Arc::new(Control::new());
        gil.take(0, &HostClock, &control).unwrap();
        let waiter = {
            let (gil, control) = (gil.clone(), control.clone());
            std::thread::spawn(move || gil.take(1, &HostClock, &control))
        };
        std::thread::sleep(Duration::from_millis(20));
        control.cancel();
        assert_eq!(waiter.join().unwrap(), Err(StopReason::Cancelled));
    }
}
