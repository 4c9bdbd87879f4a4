//! Regression: exploring ran the engine worker out of memory. `race_counter` with
//! `gil=off` and the panel's defaults (20 seeds, 2 picks) grew the worker from 38 to 806 MB
//! in 3 s and killed it; the CLI passed 2 GB. Every turn of every run was logged for the
//! search, however many branches the run budget could take. Now the log stops once its
//! turns offer as many branches as there is room for, and a search too large is refused
//! before it starts. This binary counts the bytes allocated (its own global allocator), so
//! it runs alone.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use interleave::engine::explore::ExploreRequest;
use interleave::lessons::explore::explore;
use interleave::lessons::lesson as find;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Bytes allocated at most while `f` runs, above what was live before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - before)
}

#[test]
fn exploring_big_runs_keeps_memory_bounded_and_a_search_too_large_is_refused_up_front() {
    let race = find("race_counter").unwrap();
    // The panel's defaults on the free-threaded race: refused at once, with knobs that do.
    let request = ExploreRequest { seeds: 20, picks: 2, max_runs: 5_000, stop_at_first_break: false };
    let (refused, bytes) = peak_of(|| explore(race, &pairs(&[("gil", "off")]), request));
    let why = refused.unwrap_err().en;
    assert!(why.contains("too large") && why.contains("`increments="), "{why}");
    assert!(bytes < 1 << 20, "refusing took {bytes} bytes");

    // Runs of 300 000 turns each, every one of them a branch point: the log keeps only
    // what the run budget can use. (Logged whole, the first run alone took ~25 MB.)
    let knobs = pairs(&[("gil", "off"), ("threads", "2"), ("increments", "75000")]);
    let request = ExploreRequest { seeds: 2, picks: 1, max_runs: 3, stop_at_first_break: false };
    let (report, bytes) = peak_of(|| explore(race, &knobs, request).unwrap());
    assert_eq!(report.runs, 3);
    assert!(!report.complete, "the budget left branches out");
    assert!(bytes < 4 << 20, "exploring took {} MB", bytes >> 20);
}
