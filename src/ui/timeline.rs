//! The timeline's geometry as a pure function of a Trace: one lane per actor, grouped by
//! process, spans as boxes on a shared time axis. The component only draws what this says.

use crate::engine::trace::{Nanos, SpanKind, Trace};

/// Where the drawing area starts, after the lane labels.
pub const LABEL_WIDTH: f64 = 170.0;
pub const LANE_HEIGHT: f64 = 22.0;
pub const AXIS_HEIGHT: f64 = 24.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub actor: u16,
    pub label: String,
    pub pool_thread: Option<u32>,
    pub y: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SpanBox {
    pub lane: usize,
    pub x: f64,
    pub width: f64,
    /// CSS class of the state it shows (`run`, `wait-gil`, ...).
    pub class: &'static str,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub lanes: Vec<Lane>,
    pub boxes: Vec<SpanBox>,
    pub ticks: Vec<Tick>,
}

pub fn span_class(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Run => "run",
        SpanKind::WaitGil => "wait-gil",
        SpanKind::HoldGil => "hold-gil",
        SpanKind::Sleep => "sleep",
        SpanKind::Wait(_) => "wait",
        SpanKind::Hold(_) => "hold",
        SpanKind::Starting => "starting",
    }
}

/// A round step for about five ticks over `wall` nanoseconds (1, 2 or 5 times a power of ten).
fn tick_step(wall: Nanos) -> Nanos {
    let target = wall.div_ceil(5).max(1);
    let mut power = 1u64;
    while power.saturating_mul(10) <= target {
        power *= 10;
    }
    [1, 2, 5, 10].into_iter().map(|m| m * power).find(|step| *step >= target).unwrap_or(power * 10)
}

fn format_ms(ns: Nanos) -> String {
    let ms = ns as f64 / 1e6;
    if ms >= 10.0 || ms == 0.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.3}")
    }
}

pub fn layout(trace: &Trace, width: f64) -> Layout {
    let plot = (width - LABEL_WIDTH).max(10.0);
    let wall = trace.wall.max(trace.spans.iter().map(|s| s.end).max().unwrap_or(0)).max(1);
    let x_of = |t: Nanos| LABEL_WIDTH + plot * (t as f64 / wall as f64);

    // Lanes in process order, then actor order.
    let mut order: Vec<usize> = (0..trace.actors.len()).collect();
    order.sort_by_key(|&i| (trace.actors[i].process, i));
    let lanes: Vec<Lane> = order
        .iter()
        .enumerate()
        .map(|(row, &i)| Lane {
            actor: i as u16,
            label: trace.actors[i].name.clone(),
            pool_thread: trace.actors[i].pool_thread,
            y: row as f64 * LANE_HEIGHT,
        })
        .collect();

    let boxes = trace
        .spans
        .iter()
        .filter_map(|span| {
            let lane = lanes.iter().position(|l| l.actor == span.actor.0)?;
            let x = x_of(span.start);
            Some(SpanBox {
                lane,
                x,
                // At least a pixel wide, so a short span is still visible.
                width: (x_of(span.end) - x).max(1.0),
                class: span_class(span.kind),
                title: format!(
                    "{} {}–{} ms{}",
                    span_class(span.kind),
                    format_ms(span.start),
                    format_ms(span.end),
                    if span.count > 1 { format!(" (×{})", span.count) } else { String::new() }
                ),
            })
        })
        .collect();

    let step = tick_step(wall);
    let ticks = (0..=wall / step).map(|k| Tick { x: x_of(k * step), label: format_ms(k * step) }).collect();
    Layout { width, height: lanes.len() as f64 * LANE_HEIGHT + AXIS_HEIGHT, lanes, boxes, ticks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::{ActorId, ProcessId};
    use crate::engine::trace::{ActorInfo, EngineKind, Outcome, Span};

    fn trace() -> Trace {
        let info =
            |name: &str, process| ActorInfo { name: name.into(), process: ProcessId(process), pool_thread: Some(0) };
        let span =
            |actor, start, end| Span { actor: ActorId(actor), kind: SpanKind::Run, start, end, line: 1, count: 1 };
        Trace {
            engine: EngineKind::Live,
            actors: vec![info("child", 1), info("main", 0)],
            spans: vec![span(0, 0, 5_000_000), span(1, 5_000_000, 10_000_000)],
            marks: vec![],
            console: vec![],
            errors: vec![],
            metrics: vec![],
            wall: 10_000_000,
            condensed: false,
            outcome: Outcome::Completed,
            finals: vec![],
            gil_handoffs: vec![],
        }
    }

    #[test]
    fn lanes_follow_processes_and_spans_sit_on_the_time_axis() {
        let layout = layout(&trace(), LABEL_WIDTH + 1000.0);
        assert_eq!(layout.lanes.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["main", "child"]);
        let child = &layout.boxes[0];
        assert_eq!(layout.lanes[child.lane].label, "child");
        assert_eq!((child.x, child.width), (LABEL_WIDTH, 500.0));
        assert_eq!(layout.boxes[1].x, LABEL_WIDTH + 500.0);
    }

    #[test]
    fn ticks_are_round_and_cover_the_run() {
        let layout = layout(&trace(), 1170.0);
        let labels: Vec<&str> = layout.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "2.0", "4.0", "6.0", "8.0", "10"]);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(1_000_000_000), 200_000_000);
    }
}
