//! The engine worker: a dedicated Web Worker that owns the thread pool and runs the
//! engines, so the page's main thread never blocks.
//!
//! - [`protocol`]: the messages both sides speak (pure, tested natively).
//! - `engine_worker` (wasm32): the worker's side: pool start, handshake, message loop.
//! - `client` (wasm32): the page's side: start, restart, send, receive.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(target_arch = "wasm32")]
pub mod engine_worker;
