//! Shared by the browser test binaries (each runs in its own dedicated worker).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Builds the rayon pool once per test binary (wasm-bindgen-rayon allows one per page).
pub async fn ensure_pool(threads: usize) {
    thread_local!(static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).unwrap().is_truthy();
    assert!(isolated, "the test page must be cross-origin isolated for a shared-memory pool");
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads)).await.expect("the pool starts");
}

/// Lets the worker's event loop run for `ms` (polling, as the engine worker does).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        scope.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}
