//! The engine worker: a dedicated Web Worker that owns the thread pool.

#[cfg(all(target_arch = "wasm32", feature = "engine-worker"))]
fn main() {
    interleave::worker::engine_worker::start();
}

#[cfg(not(all(target_arch = "wasm32", feature = "engine-worker")))]
fn main() {
    eprintln!("the engine worker runs in the browser: `make serve` builds and serves it");
}
