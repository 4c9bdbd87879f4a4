//! What each actor records while it runs: spans, marks, console writes and errors, merged
//! and condensed as it goes, and handed over in batches while a run goes on.

use serde::{Deserialize, Serialize};

use super::{ActorMetrics, ConsoleWrite, Mark, MarkKind, Nanos, PythonError, Span, SpanKind};
use crate::engine::program::{ActorId, Line, RaisedIn};

/// How many of the newest spans a new span may merge into.
const MERGE_LOOKBACK: usize = 8;

/// Limits for a recorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceBudget {
    /// Spans and marks one actor may keep; past it the actor's trace is condensed.
    pub events_per_actor: usize,
    /// A span that starts within this gap after the previous span of the same kind and line
    /// merges into it, so a loop of a million short lock holds is a handful of spans.
    pub merge_gap: Nanos,
}

impl Default for TraceBudget {
    fn default() -> Self {
        TraceBudget { events_per_actor: 20_000, merge_gap: 20_000 }
    }
}

impl TraceBudget {
    /// A budget that shares `total` events among `actors`.
    pub fn shared(total: usize, actors: usize) -> Self {
        TraceBudget { events_per_actor: (total / actors.max(1)).max(64), ..TraceBudget::default() }
    }
}

/// What one actor records. Owned by the actor; nothing here is shared.
#[derive(Clone, Debug)]
pub struct ActorRecorder {
    actor: ActorId,
    budget: TraceBudget,
    /// Open spans, innermost last (a lock hold may contain runs and waits).
    open: Vec<(SpanKind, Nanos, Line)>,
    pub spans: Vec<Span>,
    pub marks: Vec<Mark>,
    pub console: Vec<ConsoleWrite>,
    pub errors: Vec<PythonError>,
    pub metrics: ActorMetrics,
    pub condensed: bool,
    /// Spans and marks taken since the last [`ActorRecorder::take_batch`].
    sent_spans: usize,
    sent_marks: usize,
    sent_console: usize,
}

impl ActorRecorder {
    pub fn new(actor: ActorId, budget: TraceBudget) -> Self {
        ActorRecorder {
            actor,
            budget,
            open: Vec::new(),
            spans: Vec::new(),
            marks: Vec::new(),
            console: Vec::new(),
            errors: Vec::new(),
            metrics: ActorMetrics::default(),
            condensed: false,
            sent_spans: 0,
            sent_marks: 0,
            sent_console: 0,
        }
    }

    pub fn actor(&self) -> ActorId {
        self.actor
    }

    fn events(&self) -> usize {
        self.spans.len() + self.marks.len()
    }

    pub fn begin(&mut self, kind: SpanKind, at: Nanos, line: Line) {
        self.open.push((kind, at, line));
    }

    /// Ends the innermost open span of `kind` (and keeps its exact time in the metrics).
    pub fn end(&mut self, kind: SpanKind, at: Nanos) {
        let Some(pos) = self.open.iter().rposition(|(k, _, _)| *k == kind) else {
            return;
        };
        let (_, start, line) = self.open.remove(pos);
        self.push_span(kind, start, at.max(start), line);
    }

    /// Records a finished span.
    pub fn push_span(&mut self, kind: SpanKind, start: Nanos, end: Nanos, line: Line) {
        let length = end.saturating_sub(start);
        match kind {
            SpanKind::Run => self.metrics.busy += length,
            SpanKind::WaitGil => self.metrics.waiting_gil += length,
            SpanKind::Wait(_) => self.metrics.blocked += length,
            SpanKind::Sleep => self.metrics.sleeping += length,
            SpanKind::HoldGil => self.metrics.gil_acquisitions += 1,
            SpanKind::Hold(_) | SpanKind::Starting => {}
        }
        let over_budget = self.events() >= self.budget.events_per_actor;
        // Merge into a recent span of the same kind and line. Only spans not yet sent may
        // grow (a sent span is already on the page), and only the last few are searched.
        let unsent = &mut self.spans[self.sent_spans..];
        let recent = unsent.len().saturating_sub(MERGE_LOOKBACK);
        if let Some(last) = unsent[recent..].iter_mut().rev().find(|s| s.kind == kind && s.line == line) {
            let close = start.saturating_sub(last.end) <= self.budget.merge_gap;
            if close || over_budget {
                last.end = last.end.max(end);
                last.count = last.count.saturating_add(1);
                self.condensed |= over_budget;
                return;
            }
        }
        if over_budget {
            self.condensed = true;
            return;
        }
        self.spans.push(Span { actor: self.actor, kind, start, end, line, count: 1 });
    }

    pub fn mark(&mut self, kind: MarkKind, at: Nanos, line: Line) {
        // Prints and errors are always kept: the console must be exactly what was printed.
        let essential =
            matches!(kind, MarkKind::Printed(_) | MarkKind::Raised(_) | MarkKind::Started | MarkKind::Exited);
        if !essential && self.events() >= self.budget.events_per_actor {
            self.condensed = true;
            return;
        }
        self.marks.push(Mark { actor: self.actor, kind, at, line });
    }

    /// A console write; its mark carries the actor-local index until the trace is merged.
    pub fn print(&mut self, at: Nanos, line: Line, text: String) {
        let index = self.console.len() as u32;
        self.console.push(ConsoleWrite { actor: self.actor, at, text });
        self.mark(MarkKind::Printed(index), at, line);
    }

    pub fn raise(&mut self, at: Nanos, line: Line, raised_in: RaisedIn, exception: &str, message: String) {
        self.raise_again(at, line, None, raised_in, exception, message);
    }

    /// [`ActorRecorder::raise`] of an exception that first rose at `origin` in another thread.
    pub fn raise_again(
        &mut self,
        at: Nanos,
        line: Line,
        origin: Option<Line>,
        raised_in: RaisedIn,
        exception: &str,
        message: String,
    ) {
        let index = self.errors.len() as u32;
        let exception = exception.to_string();
        self.errors.push(PythonError { actor: self.actor, line, exception, message, origin, raised_in });
        self.mark(MarkKind::Raised(index), at, line);
    }

    /// Closes every open span at `at` (the actor ended, was cancelled or aborted).
    pub fn close_all(&mut self, at: Nanos) {
        while let Some((kind, _, _)) = self.open.last().copied() {
            self.end(kind, at);
        }
    }

    /// What was recorded since the last call, for streaming to the page during a run. The
    /// newest span stays back, since a loop may still merge into it.
    pub fn take_batch(&mut self) -> TraceBatch {
        let ready = self.spans.len().saturating_sub(1).max(self.sent_spans);
        self.take_up_to(ready)
    }

    /// Everything not yet sent, at the end of a run (nothing can merge any more).
    pub fn take_final_batch(&mut self) -> TraceBatch {
        self.take_up_to(self.spans.len())
    }

    fn take_up_to(&mut self, spans: usize) -> TraceBatch {
        let batch = TraceBatch {
            spans: self.spans[self.sent_spans..spans].to_vec(),
            marks: self.marks[self.sent_marks..].to_vec(),
            console: self.console[self.sent_console..].to_vec(),
        };
        self.sent_spans = spans;
        self.sent_marks = self.marks.len();
        self.sent_console = self.console.len();
        batch
    }
}

/// Part of a trace sent while a run goes on. Console indices in marks are per actor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceBatch {
    pub spans: Vec<Span>,
    pub marks: Vec<Mark>,
    pub console: Vec<ConsoleWrite>,
}

impl TraceBatch {
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty() && self.marks.is_empty() && self.console.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::ObjectId;

    fn recorder(events: usize) -> ActorRecorder {
        ActorRecorder::new(ActorId(0), TraceBudget { events_per_actor: events, merge_gap: 10 })
    }

    #[test]
    fn a_tight_loop_of_holds_collapses_into_one_span_with_exact_count() {
        let mut r = recorder(1000);
        for i in 0..10_000u64 {
            r.push_span(SpanKind::Hold(ObjectId(1)), i * 5, i * 5 + 3, 7);
        }
        assert_eq!(r.spans.len(), 1);
        assert_eq!(r.spans[0].count, 10_000);
        assert_eq!((r.spans[0].start, r.spans[0].end), (0, 49_998));
        assert!(!r.condensed);
    }

    #[test]
    fn spans_far_apart_stay_separate() {
        let mut r = recorder(1000);
        for i in 0..10u64 {
            r.push_span(SpanKind::Sleep, i * 1000, i * 1000 + 10, 3);
        }
        assert_eq!(r.spans.len(), 10);
    }

    #[test]
    fn past_the_budget_detail_is_dropped_but_metrics_stay_exact() {
        let mut r = recorder(4);
        for i in 0..100u64 {
            // Alternate kinds so nothing merges by gap.
            let kind = if i % 2 == 0 { SpanKind::Run } else { SpanKind::WaitGil };
            r.push_span(kind, i * 100, i * 100 + 50, 1);
        }
        assert!(r.condensed);
        assert!(r.spans.len() <= 4);
        assert_eq!(r.metrics.busy, 50 * 50);
        assert_eq!(r.metrics.waiting_gil, 50 * 50);
    }

    #[test]
    fn prints_survive_the_budget() {
        let mut r = recorder(2);
        for i in 0..10u64 {
            r.print(i, 1, format!("line {i}\n"));
        }
        assert_eq!(r.console.len(), 10);
        assert_eq!(r.marks.len(), 10);
    }

    #[test]
    fn batches_hand_over_each_event_once_and_hold_back_the_growing_span() {
        let mut r = recorder(1000);
        r.push_span(SpanKind::Run, 0, 5, 1);
        r.push_span(SpanKind::Sleep, 100, 200, 2);
        r.print(150, 2, "x\n".into());
        let first = r.take_batch();
        assert_eq!(first.spans.len(), 1, "the newest span may still grow");
        assert_eq!(first.console.len(), 1);
        r.push_span(SpanKind::Run, 1000, 1005, 1);
        let second = r.take_batch();
        assert_eq!(
            second.spans,
            vec![Span { actor: ActorId(0), kind: SpanKind::Sleep, start: 100, end: 200, line: 2, count: 1 }]
        );
        assert!(second.console.is_empty());
    }
}
