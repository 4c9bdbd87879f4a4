//! Checks of the repository itself, natively: what the sources, the server configurations
//! and the built-in policies must agree on.
//!
//! - `architecture`: the floors of the house: which module may use which, and no cycles.
//! - `files`: no source file over 600 lines; every engine file opens with its module comment.
//! - `headers`: the Content-Security-Policy and isolation headers are the same wherever the
//!   page is served from (the dev server, static hosts, the e2e server).
//! - `python_errors`: Python's exception names and messages are written only in
//!   `engine/python`.
//! - `sources`: the crate's sources and their string literals (helpers, and a test of the
//!   literal finder).
#![cfg(not(target_arch = "wasm32"))]

mod repo_tests;
