//! Interleave: a concurrency playground for Python's threads, GIL and processes.
//!
//! Module map (what may live where):
//! - [`engine`]: pure Rust, no web crates. Programs, traces, the control block, the live
//!   engine on a thread pool. Tested natively with `cargo test`.
//! - [`lessons`]: one file per lesson, from knobs to Program and Python source.
//! - [`compile`]: the learner's own Python text to a Program, on Ruff's parser.
//! - [`draw`]: pictures of a run (the timeline) as markup, for the page and the worker.
//! - [`knobs`], [`query`], [`i18n`]: the page's state and words, pure and tested natively.
//! - [`worker`]: the engine worker. Its message protocol is pure; the worker loop itself
//!   and the page's side of it exist only on wasm32.
//! - [`ui`]: the Yew front end. Its reducer is pure; components exist only on wasm32.
//!
//! - `cli` (native): the `interleave` command.
//!
//! Binaries in `src/bin/` are a few lines each over this library.

// The live engine's blocking waits in shared wasm memory (`memory.atomic.wait32`); the
// wasm build is on the pinned nightly anyway, for build-std.
#![cfg_attr(target_arch = "wasm32", feature(stdarch_wasm_atomic_wait))]

/// Whether this build carries what the end-to-end tests reach for: a pool thread that
/// panics on demand, a worker that hangs on demand, the `test_panic` knob and the page's
/// `window.__interleave`. Set `INTERLEAVE_TEST_HOOKS` when building (the e2e and bench
/// scripts do); a normal build has none of them, so no link and no message can reach them.
pub const TEST_HOOKS: bool = option_env!("INTERLEAVE_TEST_HOOKS").is_some();

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod compile;
pub mod draw;
pub mod engine;
pub mod i18n;
pub mod knobs;
pub mod lessons;
pub mod query;
pub mod ui;
pub mod worker;
