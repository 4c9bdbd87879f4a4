//! The Trace: what a run did, in a form both engines emit and the page draws.
//!
//! Each actor records into its own [`ActorRecorder`] (in `recorder`; no lock is shared
//! between actors: a trace mutex would act as a hidden GIL and hide the very races the
//! lessons show). Recorders collapse tight loops by merging a span into the previous one
//! of the same kind when the gap between them is small, and stop adding detail past a
//! budget; the counts and times in [`ActorMetrics`] stay exact either way.

use serde::{Deserialize, Serialize};

use crate::engine::program::{ActorId, Line, ObjectId, ProcessId};

mod chrome;
mod recorder;

pub use chrome::{chrome_trace, RunLabel};
pub use recorder::{ActorRecorder, TraceBatch, TraceBudget};

/// Nanoseconds since the run began, on the one clock all workers share.
pub type Nanos = u64;

/// What an actor is doing during a span. The lanes of the timeline are these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SpanKind {
    /// Running Python code (holding its GIL, or free-threaded).
    Run,
    /// Ready to run but waiting for its process's GIL.
    WaitGil,
    /// Holding the GIL of its process (the per-process GIL track).
    HoldGil,
    Sleep,
    /// Blocked in `acquire`, `wait`, `get`, `put`, `recv` or `join` on an object.
    Wait(WaitOn),
    /// Holding a lock or a semaphore permit.
    Hold(ObjectId),
    /// Starting a thread or a process (the start cost).
    Starting,
}

/// What a blocked actor waits for; the edges of the wait-for graph come from these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WaitOn {
    Object(ObjectId),
    Actor(ActorId),
}

/// A moment worth a mark on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkKind {
    /// The actor began running.
    Started,
    /// The actor finished.
    Exited,
    /// A console write; the index is into [`Trace::console`].
    Printed(u32),
    /// A message left through a queue or pipe (drawn to the matching `Received`).
    Sent {
        object: ObjectId,
        seq: u32,
    },
    Received {
        object: ObjectId,
        seq: u32,
    },
    /// The holder was asked to drop the GIL (the drop request).
    GilDropRequest,
    /// A Python exception; the index is into [`Trace::errors`].
    Raised(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub actor: ActorId,
    pub kind: SpanKind,
    pub start: Nanos,
    pub end: Nanos,
    pub line: Line,
    /// How many spans were merged into this one (1 for a single span).
    pub count: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub actor: ActorId,
    pub kind: MarkKind,
    pub at: Nanos,
    pub line: Line,
}

/// One write to stdout, as the program made it (a line, or part of one under `-u`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleWrite {
    pub actor: ActorId,
    pub at: Nanos,
    pub text: String,
}

/// A Python exception as Python would print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PythonError {
    pub actor: ActorId,
    pub line: Line,
    /// `RuntimeError`, `ValueError`, `EOFError`, `threading.BrokenBarrierError`, ...
    pub exception: String,
    pub message: String,
    /// The line where it first rose, in another thread, when it was raised again here
    /// (`fut.result()` re-raising a task's exception).
    #[serde(default)]
    pub origin: Option<Line>,
    /// Where it was raised, which sets what Python prints before the traceback.
    pub raised_in: crate::engine::program::RaisedIn,
}

/// Exact per-actor figures, kept whatever the trace budget drops.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorMetrics {
    pub busy: Nanos,
    pub waiting_gil: Nanos,
    pub blocked: Nanos,
    pub sleeping: Nanos,
    pub gil_acquisitions: u64,
    pub ops: u64,
}

/// Where an actor ran: for live runs, the pool thread (proof the run was real).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorInfo {
    pub name: String,
    pub process: ProcessId,
    /// Index of the rayon pool thread a live actor ran on.
    pub pool_thread: Option<u32>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Completed,
    /// Nobody can move: each listed actor waits for the next, held by it, back to the first.
    Deadlock {
        cycle: Vec<WaitEdge>,
    },
    /// Nobody can move, with no cycle: each listed actor waits for something nobody will
    /// ever do (an event never set, a queue never filled).
    Stuck {
        waiting: Vec<(ActorId, WaitOn)>,
    },
    /// Something is still moving but nothing finished before the deadline.
    DeadlineExceeded,
    Cancelled,
    /// A worker panicked; the message is what the panic said.
    Panicked(String),
}

impl Outcome {
    /// How the run ended, in one word (results JSON): `completed`, `deadlock`, `stuck`,
    /// `deadline_exceeded`, `cancelled` or `panicked`.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Deadlock { .. } => "deadlock",
            Outcome::Stuck { .. } => "stuck",
            Outcome::DeadlineExceeded => "deadline_exceeded",
            Outcome::Cancelled => "cancelled",
            Outcome::Panicked(_) => "panicked",
        }
    }
}

/// How many different values `values` gives: by comparison, not a sort (the page calls
/// this, and a few dozen values do not need one compiled into its wasm).
pub fn distinct(values: impl Iterator<Item = u32>) -> usize {
    let mut seen: Vec<u32> = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen.len()
}

/// One edge of a wait-for cycle: `waiter` waits for `on`, which `holder` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitEdge {
    pub waiter: ActorId,
    pub on: WaitOn,
    pub holder: ActorId,
}

/// Which engine made a trace; the page says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EngineKind {
    Simulated,
    Live,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub engine: EngineKind,
    pub actors: Vec<ActorInfo>,
    /// Spans sorted by start time, then by actor.
    pub spans: Vec<Span>,
    pub marks: Vec<Mark>,
    pub console: Vec<ConsoleWrite>,
    pub errors: Vec<PythonError>,
    pub metrics: Vec<ActorMetrics>,
    /// Wall time of the whole run.
    pub wall: Nanos,
    /// Detail was dropped to stay within the event budget (metrics are still exact).
    pub condensed: bool,
    pub outcome: Outcome,
    /// Final values of the main process's variables, as the program left them.
    pub finals: Vec<(ObjectId, i64)>,
    /// GIL hand-offs per process (a take by a different thread than the last holder).
    pub gil_handoffs: Vec<u64>,
    /// The Python names of the Program's objects (`counter`, `forks[2]`), by object id, so
    /// a wait-for graph is labelled from the trace alone.
    pub objects: Vec<String>,
    /// Console writes left out of this copy of the trace (the page's copy of a huge output
    /// keeps its beginning and its end).
    pub omitted: Option<ConsoleOmitted>,
}

/// What [`Trace::cut_console`] left out of a console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleOmitted {
    /// Where in [`Trace::console`] the writes left out would be.
    pub at: u32,
    /// Writes (after long writes were split into their lines) left out.
    pub writes: u64,
    /// Lines left out (line ends in the writes left out).
    pub lines: u64,
}

impl Trace {
    /// Merges the actors' recorders into one trace: spans and marks by time, console writes
    /// by time (ties by actor, so the merge is deterministic), indices renumbered.
    pub fn from_recorders(
        engine: EngineKind,
        actors: Vec<ActorInfo>,
        recorders: Vec<ActorRecorder>,
        wall: Nanos,
        outcome: Outcome,
    ) -> Trace {
        let mut spans = Vec::new();
        let mut marks = Vec::new();
        let mut console: Vec<(ConsoleWrite, usize, u32)> = Vec::new();
        let mut errors = Vec::new();
        let mut metrics = Vec::new();
        let mut condensed = false;
        for (recorder_index, recorder) in recorders.into_iter().enumerate() {
            condensed |= recorder.condensed;
            metrics.push(recorder.metrics);
            spans.extend(recorder.spans);
            let error_base = errors.len() as u32;
            errors.extend(recorder.errors);
            for mut mark in recorder.marks {
                if let MarkKind::Raised(i) = mark.kind {
                    mark.kind = MarkKind::Raised(i + error_base);
                }
                marks.push(mark);
            }
            for (i, write) in recorder.console.into_iter().enumerate() {
                console.push((write, recorder_index, i as u32));
            }
        }
        console.sort_by_key(|(w, r, i)| (w.at, *r, *i));
        // Map (recorder, local index) to the global console index.
        let mut global = std::collections::BTreeMap::new();
        for (g, (_, r, i)) in console.iter().enumerate() {
            global.insert((*r, *i), g as u32);
        }
        for mark in &mut marks {
            if let MarkKind::Printed(i) = mark.kind {
                let recorder_index = mark.actor.0 as usize;
                mark.kind = MarkKind::Printed(global.get(&(recorder_index, i)).copied().unwrap_or(i));
            }
        }
        spans.sort_by_key(|s| (s.start, s.actor, s.end));
        marks.sort_by_key(|m| (m.at, m.actor));
        Trace {
            engine,
            actors,
            spans,
            marks,
            console: console.into_iter().map(|(w, _, _)| w).collect(),
            errors,
            metrics,
            wall,
            condensed,
            outcome,
            finals: Vec::new(),
            gil_handoffs: Vec::new(),
            objects: Vec::new(),
            omitted: None,
        }
    }

    /// The name of an object, or `object N` if the trace has no name for it.
    pub fn object_name(&self, object: ObjectId) -> String {
        self.objects.get(object.0 as usize).cloned().unwrap_or_else(|| format!("object {}", object.0))
    }

    /// Keeps the first `head` and the last `tail` console writes and the print marks that
    /// point at them, when there are more (a write of several lines, such as a process's
    /// buffered output, counts as one write per line). What is left out is counted in
    /// [`Trace::omitted`]. Everything else stays: figures are computed before cutting.
    pub fn cut_console(&mut self, head: usize, tail: usize) {
        let pieces: usize = self.console.iter().map(|w| w.text.split_inclusive('\n').count().max(1)).sum();
        if pieces <= head + tail {
            return;
        }
        // Each write as its lines; `first[i]` is where write i's first line went.
        let mut split = Vec::with_capacity(pieces);
        let mut first = Vec::with_capacity(self.console.len());
        for write in std::mem::take(&mut self.console) {
            first.push(split.len());
            if write.text.is_empty() {
                split.push(write);
                continue;
            }
            for line in write.text.split_inclusive('\n') {
                split.push(ConsoleWrite { actor: write.actor, at: write.at, text: line.to_string() });
            }
        }
        let cut_from = head;
        let cut_to = split.len() - tail;
        let lines = split[cut_from..cut_to].iter().map(|w| w.text.matches('\n').count() as u64).sum();
        self.omitted = Some(ConsoleOmitted { at: head as u32, writes: (cut_to - cut_from) as u64, lines });
        let new_index = |piece: usize| match piece {
            p if p < cut_from => Some(p as u32),
            p if p >= cut_to => Some((p - (cut_to - cut_from)) as u32),
            _ => None,
        };
        self.marks.retain_mut(|mark| match mark.kind {
            MarkKind::Printed(i) => match first.get(i as usize).and_then(|p| new_index(*p)) {
                Some(n) => {
                    mark.kind = MarkKind::Printed(n);
                    true
                }
                None => false,
            },
            _ => true,
        });
        split.drain(cut_from..cut_to);
        self.console = split;
        self.condensed = true;
    }

    /// The final value of a variable, if the run recorded it.
    pub fn final_value(&self, object: ObjectId) -> Option<i64> {
        self.finals.iter().find(|(o, _)| *o == object).map(|(_, v)| *v)
    }

    /// How many distinct pool threads the run's actors ran on (live runs: proof of real threads).
    pub fn pool_threads_used(&self) -> usize {
        distinct(self.actors.iter().filter_map(|a| a.pool_thread))
    }

    /// The console as one string, as a terminal would show it.
    pub fn console_text(&self) -> String {
        self.console.iter().map(|w| w.text.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_console_is_in_time_order_and_marks_point_at_the_right_write() {
        let mut a = ActorRecorder::new(ActorId(0), TraceBudget::default());
        let mut b = ActorRecorder::new(ActorId(1), TraceBudget::default());
        a.print(10, 1, "a1\n".into());
        b.print(5, 2, "b1\n".into());
        a.print(20, 1, "a2\n".into());
        let info = |n: &str| ActorInfo { name: n.into(), process: ProcessId(0), pool_thread: None };
        let trace = Trace::from_recorders(
            EngineKind::Simulated,
            vec![info("a"), info("b")],
            vec![a, b],
            30,
            Outcome::Completed,
        );
        assert_eq!(trace.console_text(), "b1\na1\na2\n");
        for mark in &trace.marks {
            let MarkKind::Printed(i) = mark.kind else { continue };
            assert_eq!(trace.console[i as usize].actor, mark.actor);
            assert_eq!(trace.console[i as usize].at, mark.at);
        }
    }

    fn printed(trace: &Trace) -> Vec<(u32, String)> {
        trace
            .marks
            .iter()
            .filter_map(|m| match m.kind {
                MarkKind::Printed(i) => Some((i, trace.console[i as usize].text.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_huge_console_keeps_its_first_and_last_writes_and_counts_the_rest() {
        let mut a = ActorRecorder::new(ActorId(0), TraceBudget::default());
        for i in 0..1000u64 {
            a.print(i, 1, format!("line {i}\n"));
        }
        let info = ActorInfo { name: "a".into(), process: ProcessId(0), pool_thread: None };
        let mut trace = Trace::from_recorders(EngineKind::Simulated, vec![info], vec![a], 1000, Outcome::Completed);
        let whole = trace.console_text();
        trace.cut_console(10, 5);
        assert_eq!(trace.console.len(), 15);
        assert_eq!(trace.omitted, Some(ConsoleOmitted { at: 10, writes: 985, lines: 985 }));
        assert_eq!(trace.console[9].text, "line 9\n");
        assert_eq!(trace.console[10].text, "line 995\n");
        assert!(whole.starts_with(&trace.console[..10].iter().map(|w| w.text.as_str()).collect::<String>()));
        // Every print mark left points at its own write; the others are gone.
        let marks = printed(&trace);
        assert_eq!(marks.len(), 15);
        assert!(marks.iter().all(|(i, text)| trace.console[*i as usize].text == *text));
        assert!(trace.condensed);
        // A console that fits is left alone.
        let before = trace.clone();
        trace.cut_console(10, 5);
        assert_eq!(trace, before);
    }

    #[test]
    fn one_write_of_many_lines_is_cut_at_its_line_ends() {
        // A process's block-buffered output reaches the console as one write.
        let mut a = ActorRecorder::new(ActorId(0), TraceBudget::default());
        a.print(5, 1, (0..100).map(|i| format!("{i}\n")).collect());
        a.print(6, 2, "after".into());
        let info = ActorInfo { name: "a".into(), process: ProcessId(0), pool_thread: None };
        let mut trace = Trace::from_recorders(EngineKind::Simulated, vec![info], vec![a], 10, Outcome::Completed);
        trace.cut_console(3, 2);
        let texts: Vec<&str> = trace.console.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["0\n", "1\n", "2\n", "99\n", "after"]);
        assert_eq!(trace.omitted, Some(ConsoleOmitted { at: 3, writes: 96, lines: 96 }));
        assert_eq!(printed(&trace), vec![(0, "0\n".to_string()), (4, "after".to_string())]);
    }
}
