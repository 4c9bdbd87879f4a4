//! Native engine tests (host only; the browser tests live in their own files). The modules
//! are listed, one line each, in `engine_tests/mod.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod engine_tests;
