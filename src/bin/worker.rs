//! The engine worker: a dedicated Web Worker that owns the thread pool.

#[cfg(target_arch = "wasm32")]
fn main() {
    interleave::worker::engine_worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the engine worker runs in the browser: `make serve` builds and serves it");
}
