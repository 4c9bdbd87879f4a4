//! The page: the Yew app on the main thread.

#[cfg(target_arch = "wasm32")]
fn main() {
    interleave::ui::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the app runs in the browser: `make serve` builds and serves it");
}
