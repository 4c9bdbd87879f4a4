//! Native engine tests (host only; the browser tests live in their own files).
//!
//! Modules:
//! - `live_pool`: real threads of a rayon pool, timed on the shared clock.
//! - `program`: validation of hand-built Programs.
//! - `trace_stream`: streaming a trace in batches and decoding it on the other side.
#![cfg(not(target_arch = "wasm32"))]

mod engine_tests;
