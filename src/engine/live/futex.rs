//! Blocking waits on a 32-bit word, with a timeout: `memory.atomic.wait32`/`notify` in the
//! browser (shared wasm memory), the futex syscall on Linux, and a short sleep elsewhere.
//!
//! Every wait in the live engine is a loop around [`wait`] with a bounded timeout that
//! re-checks the control block in between, so Cancel and deadlines always get through.
//! Never call [`wait`] on the browser's main thread (it traps there); the engine only runs
//! on pool threads.

use std::sync::atomic::AtomicU32;

/// Sleeps while `word` still holds `expected`, for at most `timeout_ns`. May wake early.
pub fn wait(word: &AtomicU32, expected: u32, timeout_ns: u64) {
    imp::wait(word, expected, timeout_ns)
}

/// Wakes every thread waiting on `word`.
pub fn wake_all(word: &AtomicU32) {
    imp::wake_all(word)
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use std::sync::atomic::AtomicU32;

    pub fn wait(word: &AtomicU32, expected: u32, timeout_ns: u64) {
        // SAFETY: the pointer is to a live, aligned AtomicU32 in shared memory.
        unsafe {
            core::arch::wasm32::memory_atomic_wait32(
                word.as_ptr() as *mut i32,
                expected as i32,
                timeout_ns.min(i64::MAX as u64) as i64,
            );
        }
    }

    pub fn wake_all(word: &AtomicU32) {
        // SAFETY: as above.
        unsafe {
            core::arch::wasm32::memory_atomic_notify(word.as_ptr() as *mut i32, u32::MAX);
        }
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::sync::atomic::AtomicU32;

    pub fn wait(word: &AtomicU32, expected: u32, timeout_ns: u64) {
        let timeout = libc::timespec {
            tv_sec: (timeout_ns / 1_000_000_000) as libc::time_t,
            tv_nsec: (timeout_ns % 1_000_000_000) as libc::c_long,
        };
        // SAFETY: FUTEX_WAIT reads the word and sleeps; the pointers outlive the call.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                word.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                expected,
                &timeout as *const libc::timespec,
            );
        }
    }

    pub fn wake_all(word: &AtomicU32) {
        // SAFETY: FUTEX_WAKE only uses the address.
        unsafe {
            libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX);
        }
    }
}

#[cfg(not(any(target_arch = "wasm32", target_os = "linux")))]
mod imp {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    pub fn wait(word: &AtomicU32, expected: u32, timeout_ns: u64) {
        if word.load(Ordering::Acquire) == expected {
            std::thread::sleep(Duration::from_nanos(timeout_ns.min(50_000)));
        }
    }

    pub fn wake_all(_word: &AtomicU32) {}
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[test]
    fn a_wait_returns_at_its_timeout_when_nobody_wakes_it() {
        let word = AtomicU32::new(0);
        let start = Instant::now();
        wait(&word, 0, 20_000_000);
        assert!(start.elapsed() >= Duration::from_millis(15));
    }

    #[test]
    fn a_wake_ends_a_long_wait_early() {
        let word = Arc::new(AtomicU32::new(0));
        let waker = {
            let word = word.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                word.store(1, Ordering::Release);
                wake_all(&word);
            })
        };
        let start = Instant::now();
        while word.load(Ordering::Acquire) == 0 {
            wait(&word, 0, 5_000_000_000);
        }
        assert!(start.elapsed() < Duration::from_secs(2));
        waker.join().unwrap();
    }
}
