//! A run as a Chrome trace: the JSON trace event format that ui.perfetto.dev and
//! chrome://tracing open. Each Python process is a process; each thread a track of slices
//! (running, waiting for the GIL, sleeping, blocked, starting), properly nested because a
//! thread does one of these at a time; each process has a GIL track whose slices name the
//! holder. A lock held is an async slice (a hold begins and ends anywhere in a thread's
//! slices, so it cannot nest in them); prints and exceptions are instants; each message
//! through a queue or a pipe is a flow arrow from its send to its receipt. The run's
//! engine, seed, schedule and knobs go in the trace's metadata.

use serde_json::{json, Value};

use super::{MarkKind, Nanos, SpanKind, Trace, WaitOn};

/// What the trace's metadata says of the run.
pub struct RunLabel<'a> {
    pub seed: u64,
    pub schedule: &'a str,
    pub knobs: &'a [(String, String)],
}

impl<'a> RunLabel<'a> {
    /// A run with `seed` and these knob values, its schedule among them.
    pub fn new(seed: u64, knobs: &'a [(String, String)]) -> RunLabel<'a> {
        let schedule = knobs.iter().find(|(k, _)| k == "schedule").map_or("", |(_, v)| v.as_str());
        RunLabel { seed, schedule, knobs }
    }
}

/// The GIL's track in each process (threads are numbered from 1; not 0, which some
/// versions of Perfetto merge with the first thread).
const GIL_TRACK: u32 = 999_999;

/// `trace` as Chrome trace JSON.
pub fn chrome_trace(trace: &Trace, label: &RunLabel) -> String {
    let mut events = Vec::new();
    let pid = |process: usize| process as u32 + 1;
    let tid = |actor: usize| actor as u32 + 1;
    let processes = trace.actors.iter().map(|a| a.process.0 as usize).max().map_or(0, |p| p + 1);
    for p in 0..processes {
        // A child process is named as its main thread is (`Process-1`).
        let name = match p {
            0 => "MainProcess".to_string(),
            _ => trace.actors.iter().find(|a| a.process.0 as usize == p).map_or(String::new(), |a| a.name.clone()),
        };
        events.push(json!({"ph": "M", "name": "process_name", "pid": pid(p), "tid": 0, "args": {"name": name}}));
        events
            .push(json!({"ph": "M", "name": "thread_name", "pid": pid(p), "tid": GIL_TRACK, "args": {"name": "GIL"}}));
        events.push(json!({"ph": "M", "name": "thread_sort_index", "pid": pid(p), "tid": GIL_TRACK, "args": {"sort_index": -1}}));
    }
    for (a, actor) in trace.actors.iter().enumerate() {
        let (p, t) = (pid(actor.process.0 as usize), tid(a));
        events.push(json!({"ph": "M", "name": "thread_name", "pid": p, "tid": t, "args": {"name": actor.name}}));
        events.push(json!({"ph": "M", "name": "thread_sort_index", "pid": p, "tid": t, "args": {"sort_index": a}}));
    }
    let process_of = |a: usize| trace.actors.get(a).map_or(0, |x| x.process.0 as usize);
    let name_of_actor = |a: usize| trace.actors.get(a).map_or("?".to_string(), |x| x.name.clone());
    let name_of_object = |o: usize| trace.objects.get(o).cloned().unwrap_or_else(|| format!("object {o}"));
    // One track's slices at a time, each clipped to start where the one before it ended,
    // so the slices of a track never overlap (merged spans may reach over a short one).
    let mut slices: Vec<Slice> = Vec::new();
    for (i, span) in trace.spans.iter().enumerate() {
        let a = span.actor.0 as usize;
        let (p, t) = (pid(process_of(a)), tid(a));
        let name = match span.kind {
            SpanKind::Run => "running".to_string(),
            SpanKind::WaitGil => "waiting for the GIL".to_string(),
            SpanKind::Sleep => "sleeping".to_string(),
            SpanKind::Starting => "starting".to_string(),
            SpanKind::Wait(WaitOn::Object(o)) => format!("waiting for {}", name_of_object(o.0 as usize)),
            SpanKind::Wait(WaitOn::Actor(other)) => format!("waiting for {}", name_of_actor(other.0 as usize)),
            SpanKind::HoldGil => {
                let name = name_of_actor(a);
                slices.push(Slice { track: (p, GIL_TRACK), start: span.start, end: span.end, name, line: span.line });
                continue;
            }
            SpanKind::Hold(o) => {
                let hold = json!({"cat": "lock", "id": i, "pid": p, "tid": t, "name": format!("holding {}", name_of_object(o.0 as usize))});
                events.push(with(&hold, json!({"ph": "b", "ts": micros(span.start)})));
                events.push(with(&hold, json!({"ph": "e", "ts": micros(span.end)})));
                continue;
            }
        };
        slices.push(Slice { track: (p, t), start: span.start, end: span.end, name, line: span.line });
    }
    slices.sort_by_key(|s| (s.track, s.start));
    let mut last: Option<((u32, u32), Nanos)> = None;
    for Slice { track, start, end, name, line } in slices {
        let start = match last {
            Some((before, ended)) if before == track => start.max(ended),
            _ => start,
        };
        if end <= start {
            continue;
        }
        last = Some((track, end));
        events.push(json!({
            "ph": "X", "pid": track.0, "tid": track.1, "name": name,
            "ts": micros(start), "dur": micros(end - start), "args": {"line": line},
        }));
    }
    for mark in &trace.marks {
        let a = mark.actor.0 as usize;
        let at = json!({"pid": pid(process_of(a)), "tid": tid(a), "ts": micros(mark.at)});
        let event = match mark.kind {
            MarkKind::Printed(i) => {
                let text = trace.console.get(i as usize).map_or("", |w| w.text.as_str());
                json!({"ph": "i", "s": "t", "name": "print", "args": {"text": text, "line": mark.line}})
            }
            MarkKind::Raised(i) => {
                let Some(error) = trace.errors.get(i as usize) else { continue };
                let args = json!({"message": error.message, "line": mark.line});
                json!({"ph": "i", "s": "t", "name": error.exception, "args": args})
            }
            MarkKind::Sent { object, seq } => json!({
                "ph": "s", "cat": "message", "name": "message", "id": flow_id(object.0, seq), "bp": "e",
                "args": {"through": name_of_object(object.0 as usize)},
            }),
            MarkKind::Received { object, seq } => {
                json!({"ph": "f", "cat": "message", "name": "message", "id": flow_id(object.0, seq), "bp": "e"})
            }
            MarkKind::Started | MarkKind::Exited | MarkKind::GilDropRequest => continue,
        };
        events.push(with(&at, event));
    }
    let engine = match trace.engine {
        super::EngineKind::Simulated => "sim",
        super::EngineKind::Live => "live",
    };
    let knobs: serde_json::Map<String, Value> =
        label.knobs.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let document = json!({
        "traceEvents": events,
        "displayTimeUnit": "ns",
        "otherData": {
            "made_by": "Interleave",
            "engine": engine,
            // As text: a JSON reader's numbers hold 53 bits, a seed 64.
            "seed": label.seed.to_string(),
            "schedule": label.schedule,
            "knobs": knobs,
            "wall_ns": trace.wall,
        },
    });
    document.to_string()
}

/// A slice on a track (a process's id and a thread's).
struct Slice {
    track: (u32, u32),
    start: Nanos,
    end: Nanos,
    name: String,
    line: u32,
}

/// Nanoseconds as the format's microseconds.
fn micros(ns: Nanos) -> f64 {
    ns as f64 / 1000.0
}

/// One message's arrow: its object and its place in that object's sequence.
fn flow_id(object: u16, seq: u32) -> u64 {
    (u64::from(object) << 32) | u64::from(seq)
}

/// `base`'s fields, and `more`'s.
fn with(base: &Value, more: Value) -> Value {
    let mut merged = base.clone();
    if let (Some(to), Value::Object(from)) = (merged.as_object_mut(), more) {
        to.extend(from);
    }
    merged
}
