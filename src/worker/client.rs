//! The page's side of the engine worker: start it, send requests, hand responses to a
//! callback, and restart it (terminate and start fresh) when it panicked or did not answer
//! a Cancel. Nothing here blocks the main thread.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::i18n::Prose;
use crate::worker::protocol::{Request, Response};
use crate::worker::ENGINE_WORKER_NAME;

/// The engine worker's script, as Trunk names its loader.
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// What the page hears from the engine worker.
#[derive(Clone, Debug)]
pub enum ClientEvent {
    Response(Response),
    /// The worker itself failed (an uncaught error or a trap); the message says what.
    Crashed(Prose),
}

struct Live {
    worker: Worker,
    // Kept alive as long as the worker: dropping them would unhook the handlers.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

#[derive(Clone)]
pub struct EngineClient {
    live: Rc<RefCell<Option<Live>>>,
    on_event: Rc<dyn Fn(ClientEvent)>,
    /// When the worker was last heard from (or started), in the page's milliseconds.
    last_heard: Rc<Cell<f64>>,
    /// The worker's wasm memory as its last heartbeat gave it.
    worker_memory: Rc<Cell<u64>>,
}

/// The page's clock in milliseconds.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

impl PartialEq for EngineClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.live, &other.live)
    }
}

impl EngineClient {
    pub fn start(on_event: impl Fn(ClientEvent) + 'static) -> Result<EngineClient, Prose> {
        let client = EngineClient {
            live: Rc::new(RefCell::new(None)),
            on_event: Rc::new(on_event),
            last_heard: Rc::new(Cell::new(now_ms())),
            worker_memory: Rc::new(Cell::new(0)),
        };
        client.spawn()?;
        Ok(client)
    }

    fn spawn(&self) -> Result<(), Prose> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name(ENGINE_WORKER_NAME);
        let worker = Worker::new_with_options(WORKER_SCRIPT, &options).map_err(|e| {
            e.dyn_ref::<js_sys::Error>().map_or_else(
                || crate::said!("the browser refused", "브라우저가 거부했습니다"),
                |e| browser_said(String::from(e.message())),
            )
        })?;

        let on_event = self.on_event.clone();
        let last_heard = self.last_heard.clone();
        last_heard.set(now_ms());
        let worker_memory = self.worker_memory.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            last_heard.set(now_ms());
            let bytes = Uint8Array::new(&event.data()).to_vec();
            match Response::decode(&bytes) {
                Ok(Response::Heartbeat { memory_bytes }) => worker_memory.set(memory_bytes),
                Ok(response) => on_event(ClientEvent::Response(response)),
                Err(error) => on_event(ClientEvent::Crashed(error.said())),
            }
        });
        let on_event = self.on_event.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            let message = event.message();
            on_event(ClientEvent::Crashed(if message.is_empty() {
                crate::said!("the worker script failed", "워커 스크립트가 실패했습니다")
            } else {
                browser_said(message)
            }));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.live.borrow_mut() = Some(Live { worker, _on_message: on_message, _on_error: on_error });
        Ok(())
    }

    pub fn send(&self, request: &Request) {
        if let Some(live) = self.live.borrow().as_ref() {
            let bytes = Uint8Array::from(request.encode().as_slice());
            let _ = live.worker.post_message_with_transfer(&bytes, &Array::of1(&bytes.buffer()));
        }
    }

    /// The engine worker's wasm memory in bytes, as of its last heartbeat.
    pub fn worker_memory(&self) -> u64 {
        self.worker_memory.get()
    }

    /// How long since the worker last said anything (or was started), in milliseconds.
    pub fn silence_ms(&self) -> f64 {
        now_ms() - self.last_heard.get()
    }

    /// Terminates the worker (and with it every pool thread) and starts a fresh one, which
    /// says "ready" again when its pool is up.
    pub fn restart(&self) -> Result<(), Prose> {
        if let Some(live) = self.live.borrow_mut().take() {
            live.worker.set_onmessage(None);
            live.worker.set_onerror(None);
            live.worker.terminate();
        }
        self.spawn()
    }
}

/// What the browser said (in its own words, perhaps its own language): as it is in English,
/// as code in Korean.
fn browser_said(message: String) -> Prose {
    Prose { ko: format!("`{message}`"), en: message }
}
