//! The engine's native tests, one module each:
//!
//! - `build`: a compact way to write Programs, and a live run of one (helpers, no tests).
//! - `programs`: the programs `primitives` and the browser tests both run (helpers, no tests).
//! - `primitives`: each Python object in its own file, every claim on both engines.
//! - `sim`: the simulator's model of time, cores, the GIL and output.
//! - `noise`: the operating system's noise in the simulator, a test per mechanism.
//! - `noise_gil`: the same around the GIL, thread starts, process exits and long timers.
//! - `race_live`: the race lesson on real threads.
//! - `lessons`: every lesson, told as it teaches, on both engines.
//! - `modern`: the Modern Python lessons (free threading, start methods, pickling) on both engines.
//! - `asyncio`: asyncio's tasks on one thread, and the `asyncio_vs_threads` lesson, on both engines.
//! - `golden`: the golden run's hash, the same natively as in the browser.
//! - `schedule`: taking turns by hand, and replaying schedules.
//! - `explore`: exploring seeds and schedules for a run that breaks a lesson.
//! - `size`: the simulator's size estimate, and refusing a run too large.
//! - `sweep`: a knob over a range of values, a curve per series, refused up front when wrong.
//! - `knob_limits`: every knob value the form allows runs or is refused up front.
//! - `source_lines`: every operation points at the Python line that runs it.
//! - `program`: validation of hand-built Programs.
//! - `live_pool`: the live engine's thread pool probe (jobs on distinct threads, Cancel).
//! - `trace_stream`: streaming a trace in batches and decoding it on the other side.

mod asyncio;
mod build;
mod explore;
mod golden;
mod knob_limits;
mod lessons;
mod live_pool;
mod modern;
mod noise;
mod noise_gil;
mod primitives;
mod program;
mod programs;
mod race_live;
mod schedule;
mod sim;
mod size;
mod source_lines;
mod sweep;
mod trace_stream;
