//! A plain description of a trace for tests and the curious: actors with their pool
//! threads, running spans, hand-offs, wall time. Hand-written JSON: no serde for one use.

use crate::engine::trace::{SpanKind, Trace};

pub fn trace_json(trace: &Trace) -> String {
    let actors: Vec<String> = trace
        .actors
        .iter()
        .map(|a| {
            let pool = a.pool_thread.map_or("null".to_string(), |t| t.to_string());
            format!("{{\"name\":{},\"process\":{},\"pool_thread\":{pool}}}", json_string(&a.name), a.process.0)
        })
        .collect();
    let runs: Vec<String> = trace
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Run)
        .map(|s| format!("[{},{},{}]", s.actor.0, s.start, s.end))
        .collect();
    let handoffs: Vec<String> = trace.gil_handoffs.iter().map(u64::to_string).collect();
    let ops: u64 = trace.metrics.iter().map(|m| m.ops).sum();
    format!(
        "{{\"actors\":[{}],\"runs\":[{}],\"gil_handoffs\":[{}],\"wall_ns\":{},\"condensed\":{},\"ops\":{ops}}}",
        actors.join(","),
        runs.join(","),
        handoffs.join(","),
        trace.wall,
        trace.condensed
    )
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    let mut quoted = String::from('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if u32::from(c) < 0x20 => quoted.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::{ActorId, ProcessId};
    use crate::engine::trace::{ActorInfo, EngineKind, Outcome, Span};

    #[test]
    fn names_are_escaped_and_runs_listed() {
        let mut trace = Trace::from_recorders(EngineKind::Live, vec![], vec![], 5, Outcome::Completed);
        trace.actors = vec![ActorInfo { name: "Thread-1 \"a\"".into(), process: ProcessId(0), pool_thread: Some(3) }];
        trace.spans = vec![Span { actor: ActorId(0), kind: SpanKind::Run, start: 1, end: 4, line: 1, count: 1 }];
        trace.gil_handoffs = vec![7];
        assert_eq!(
            trace_json(&trace),
            r#"{"actors":[{"name":"Thread-1 \"a\"","process":0,"pool_thread":3}],"runs":[[0,1,4]],"gil_handoffs":[7],"wall_ns":5,"condensed":false,"ops":0}"#
        );
    }
}
