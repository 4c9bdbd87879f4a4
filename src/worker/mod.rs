//! The engine worker: a dedicated Web Worker that owns the thread pool and runs the
//! engines, so the page's main thread never blocks.
//!
//! - [`protocol`]: the messages both sides speak (pure, tested natively); [`prose`]: the
//!   lesson's words among them.
//! - [`driver`]: the worker's work without the browser: requests in, responses out, the
//!   job under way advanced a slice per poll (pure, tested natively).
//! - `engine_worker` (wasm32, feature `engine-worker`): the worker's side: pool start,
//!   handshake, message loop. Only the worker binary has it: the pool's JavaScript helper
//!   must never load in the page.
//! - `client` (wasm32): the page's side: start, restart, send, receive.

pub mod driver;
pub mod prose;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(all(target_arch = "wasm32", feature = "engine-worker"))]
pub mod engine_worker;

/// The name the page gives the engine worker. Pool threads load the same module (and so run
/// the same `main`) but have no name, which is how the worker tells them apart.
pub const ENGINE_WORKER_NAME: &str = "interleave-engine";
