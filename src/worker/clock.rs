//! The shared clock in the browser: `performance.timeOrigin + performance.now()`, which
//! lines up across workers (each worker's `now()` alone starts from its own origin).

use wasm_bindgen::JsCast;

use crate::engine::clock::Clock;
use crate::engine::trace::Nanos;

#[derive(Clone, Copy, Debug, Default)]
pub struct PerformanceClock;

thread_local! {
    // Looked up once per thread: the clock is read at every state change of an actor.
    static PERFORMANCE: Option<web_sys::Performance> = {
        let global = js_sys::global();
        match global.dyn_ref::<web_sys::WorkerGlobalScope>() {
            Some(worker) => worker.performance(),
            None => global.unchecked_ref::<web_sys::Window>().performance(),
        }
    };
}

impl Clock for PerformanceClock {
    fn now(&self) -> Nanos {
        PERFORMANCE.with(|p| match p {
            Some(p) => ((p.time_origin() + p.now()) * 1e6) as Nanos,
            None => 0,
        })
    }
}
