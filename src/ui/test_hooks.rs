//! What the end-to-end tests reach for in the page, in test builds only
//! ([`crate::TEST_HOOKS`]): `window.__interleave.panicWorker()` makes a pool thread panic,
//! `hangWorker()` the worker spin, `stallPool()` every pool thread spin, `panicPage()` the
//! page's own code panic (a trap in its build); `lastRun()`
//! describes the last finished run's trace as JSON; `memoryBytes()` is the page's wasm
//! memory (it never shrinks, so run-over-run growth shows what a run leaks), and
//! `workerMemoryBytes()` the engine worker's, as of its last heartbeat.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::UseReducerHandle;

use crate::ui::state::State;
use crate::worker::client::EngineClient;
use crate::worker::protocol::Request;

pub fn install(client: Rc<RefCell<Option<EngineClient>>>, latest: Rc<RefCell<UseReducerHandle<State>>>) {
    let hook = js_sys::Object::new();
    let worker_client = client.clone();
    for (name, request) in [
        ("panicWorker", Request::PanicForTest),
        ("hangWorker", Request::HangForTest),
        ("stallPool", Request::StallPoolForTest),
    ] {
        let client = client.clone();
        let send = Closure::<dyn Fn()>::new(move || {
            if let Some(client) = client.borrow().as_ref() {
                client.send(&request);
            }
        });
        let _ = Reflect::set(&hook, &name.into(), send.as_ref());
        send.forget();
    }
    let panic_page = Closure::<dyn Fn()>::new(|| panic!("a panic on purpose"));
    let _ = Reflect::set(&hook, &"panicPage".into(), panic_page.as_ref());
    panic_page.forget();
    let last_run = Closure::<dyn Fn() -> JsValue>::new(move || {
        let state = latest.borrow();
        match state.finished.as_ref() {
            Some(run) => JsValue::from_str(&crate::ui::debug::trace_json(&run.trace)),
            None => JsValue::NULL,
        }
    });
    let _ = Reflect::set(&hook, &"lastRun".into(), last_run.as_ref());
    last_run.forget();
    let memory = Closure::<dyn Fn() -> JsValue>::new(|| {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        let bytes = memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length();
        JsValue::from_f64(bytes as f64)
    });
    let _ = Reflect::set(&hook, &"memoryBytes".into(), memory.as_ref());
    memory.forget();
    let worker_memory = Closure::<dyn Fn() -> JsValue>::new(move || {
        let bytes = worker_client.borrow().as_ref().map_or(0, EngineClient::worker_memory);
        JsValue::from_f64(bytes as f64)
    });
    let _ = Reflect::set(&hook, &"workerMemoryBytes".into(), worker_memory.as_ref());
    worker_memory.forget();
    if let Some(window) = web_sys::window() {
        let _ = Reflect::set(&window, &"__interleave".into(), &hook);
    }
}
