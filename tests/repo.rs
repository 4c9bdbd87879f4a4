//! Checks of the repository itself, natively: what the sources, the server configurations
//! and the built-in policies must agree on.
//!
//! - `headers`: the Content-Security-Policy and isolation headers are the same wherever the
//!   page is served from (the dev server, static hosts, the e2e server).
#![cfg(not(target_arch = "wasm32"))]

mod repo_tests;
