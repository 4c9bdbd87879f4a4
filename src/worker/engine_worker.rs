//! The engine worker's browser side: start the wasm thread pool, then wire the [`Driver`]
//! to `postMessage`, a poll timer and the heartbeat. Everything the worker decides is the
//! driver's (tested natively); here are only the browser's pieces and the test hooks.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::engine::live::{GlobalPool, POOL_THREADS};
use crate::worker::clock::PerformanceClock;
use crate::worker::driver::{Driver, Next};
use crate::worker::protocol::{Request, Response, HEARTBEAT_MS};
use crate::worker::ENGINE_WORKER_NAME;

/// The last panic message of any thread; pool threads write it, the heartbeat reports it.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Heartbeat jobs the pool has run: one is spawned every heartbeat, so a pool whose
/// threads are all stuck shows as a count that stops.
static POOL_BEATS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static DRIVER: RefCell<Driver> = RefCell::new(Driver::new(Arc::new(GlobalPool), Arc::new(PerformanceClock), 0));
    /// Whether a poll is already waiting on a timer.
    static POLL_PENDING: Cell<bool> = const { Cell::new(false) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(response: &Response) {
    let bytes = Uint8Array::from(response.encode().as_slice());
    let transfer = Array::of1(&bytes.buffer());
    let _ = scope().post_message_with_transfer(&bytes, &transfer);
}

/// Sends what the driver has to say, and keeps a poll coming while it has work.
fn flush() {
    let (responses, next) = DRIVER.with(|d| {
        let mut d = d.borrow_mut();
        (d.take_responses(), d.next())
    });
    for response in &responses {
        post(response);
    }
    if let Next::PollIn(delay) = next {
        if !POLL_PENDING.with(|p| p.replace(true)) {
            let callback = Closure::once_into_js(poll);
            let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), delay);
        }
    }
}

fn poll() {
    POLL_PENDING.with(|p| p.set(false));
    // A panicked pool thread ends everything: the heartbeat tells the page, which restarts us.
    if PANIC.lock().ok().is_some_and(|slot| slot.is_some()) {
        return;
    }
    DRIVER.with(|d| d.borrow_mut().poll());
    flush();
}

/// The worker's entry point (the `main` of `bin/worker.rs`).
pub fn start() {
    let Some(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>().ok() else { return };
    if scope.name() != ENGINE_WORKER_NAME {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        if let Ok(mut slot) = PANIC.lock() {
            slot.get_or_insert(message);
        }
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let bytes = Uint8Array::new(&event.data()).to_vec();
        match Request::decode(&bytes) {
            Ok(request) if crate::TEST_HOOKS && is_test_hook(&request) => test_hook(request),
            Ok(request) => DRIVER.with(|d| d.borrow_mut().handle(request)),
            Err(error) => post(&Response::Failed { run: 0, message: error.said() }),
        }
        flush();
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let heartbeat = Closure::<dyn FnMut()>::new(heartbeat);
    let _ =
        scope.set_interval_with_callback_and_timeout_and_arguments_0(heartbeat.as_ref().unchecked_ref(), HEARTBEAT_MS);
    heartbeat.forget();
    wasm_bindgen_futures::spawn_local(async move {
        let isolated = Reflect::get(&js_sys::global(), &JsValue::from_str("crossOriginIsolated"))
            .map(|v| v.is_truthy())
            .unwrap_or(false);
        let hardware_concurrency = scope.navigator().hardware_concurrency() as u32;
        let mut pool_threads = 0;
        // Without isolation the pool cannot share memory: initThreadPool would reject after
        // spawning workers, so it is not tried.
        if isolated {
            let init = wasm_bindgen_futures::JsFuture::from(wasm_bindgen_rayon::init_thread_pool(POOL_THREADS));
            match init.await {
                Ok(_) => pool_threads = rayon::current_num_threads() as u32,
                Err(error) => {
                    let message = crate::said!(
                        "the thread pool did not start: {error:?}",
                        "스레드 풀을 시작하지 못했습니다: `{error:?}`"
                    );
                    post(&Response::Failed { run: 0, message });
                }
            }
        }
        let ready = Response::Ready { isolated, pool_threads, hardware_concurrency };
        DRIVER.with(|d| d.borrow_mut().pool_started(pool_threads, ready));
        flush();
    });
}

/// Every [`HEARTBEAT_MS`]: says the worker is alive, reports a pool thread's panic, and
/// checks that the pool still takes work (a job spawned each time must have run).
fn heartbeat() {
    let panic = PANIC.lock().ok().and_then(|slot| slot.clone());
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let memory_bytes = memory.buffer().unchecked_into::<js_sys::SharedArrayBuffer>().byte_length() as u64;
    let beats = POOL_BEATS.load(Ordering::Relaxed);
    let spawn_beat = DRIVER.with(|d| d.borrow_mut().heartbeat(panic, beats, memory_bytes));
    if spawn_beat {
        rayon::spawn(|| {
            POOL_BEATS.fetch_add(1, Ordering::Relaxed);
        });
    }
    flush();
}

fn is_test_hook(request: &Request) -> bool {
    matches!(request, Request::PanicForTest | Request::HangForTest | Request::StallPoolForTest)
}

/// Test builds only ([`crate::TEST_HOOKS`]): break the worker on purpose, so tests can
/// check that the page notices and recovers.
fn test_hook(request: Request) {
    match request {
        Request::PanicForTest => rayon::spawn(|| panic!("a test asked a pool thread to panic")),
        Request::HangForTest =>
        {
            #[allow(clippy::empty_loop)]
            loop {}
        }
        Request::StallPoolForTest => {
            for _ in 0..POOL_THREADS {
                rayon::spawn(|| loop {
                    std::hint::spin_loop();
                });
            }
        }
        _ => {}
    }
}
