//! The clipboard: text put on it, and whether the browser took it.

use yew::Callback;

/// Puts `text` on the clipboard; `done` hears whether the browser took it (it may refuse,
/// in a frame without the permission, say).
pub fn copy(text: &str, done: Callback<bool>) {
    use wasm_bindgen::prelude::*;
    let Some(window) = web_sys::window() else { return done.emit(false) };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).unwrap_or_default();
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into()).ok();
    let Some(write) = write.as_ref().and_then(|w| wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(w)) else {
        return done.emit(false);
    };
    match write.call1(&clipboard, &text.into()).map(js_sys::Promise::from) {
        Ok(promise) => {
            let (ok, failed) = (done.clone(), done);
            let on_ok = Closure::once(move |_: JsValue| ok.emit(true));
            let on_failed = Closure::once(move |_: JsValue| failed.emit(false));
            let _ = promise.then2(&on_ok, &on_failed);
            on_ok.forget();
            on_failed.forget();
        }
        Err(_) => done.emit(false),
    }
}
