//! The timeline's geometry as a pure function of a Trace and a time window: per process a
//! header with its pid (when there are several), a GIL track and one lane per thread; spans
//! as boxes (lock holds as thin bars under them), console writes and exceptions as marks,
//! messages through queues and pipes as arrows from sender to receiver, a time axis. Boxes that meet within a pixel are
//! merged, so even a huge trace draws as at most a few boxes per pixel column and lane.

use crate::draw::timeline_words as words;
use crate::engine::program::ProcessId;
use crate::engine::trace::{MarkKind, Nanos, SpanKind, Trace};
use crate::i18n::Lang;

/// Where the drawing area starts, after the lane labels.
pub const LABEL_WIDTH: f64 = 170.0;
pub const LANE_HEIGHT: f64 = 22.0;
pub const AXIS_HEIGHT: f64 = 24.0;

/// Colours for threads, shared by the console and the timeline: Okabe and Ito's set, told
/// apart with any common colour blindness (a thread's name is always beside its colour).
pub const ACTOR_COLORS: [&str; 8] =
    ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999"];

pub fn actor_color(actor: u16) -> &'static str {
    ACTOR_COLORS[actor as usize % ACTOR_COLORS.len()]
}

/// The part of the run on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct View {
    pub from: Nanos,
    pub to: Nanos,
}

impl View {
    pub fn whole(trace: &Trace) -> View {
        View { from: 0, to: run_end(trace).max(1) }
    }

    /// Half as wide, around `center`, never narrower than a microsecond.
    pub fn zoom_in(self, center: Nanos) -> View {
        let half = ((self.to - self.from) / 4).max(500);
        let center = center.clamp(self.from, self.to);
        View { from: center.saturating_sub(half), to: center + half }
    }

    /// Twice as wide, within the whole run.
    pub fn zoom_out(self, whole: View) -> View {
        let width = (self.to - self.from).saturating_mul(2).min(whole.to - whole.from);
        let center = self.from + (self.to - self.from) / 2;
        // Keep the window inside the run: shift it rather than cut it at either end.
        let from = center.saturating_sub(width / 2).max(whole.from).min(whole.to - width);
        View { from, to: from + width }
    }
}

fn run_end(trace: &Trace) -> Nanos {
    trace.wall.max(trace.spans.iter().map(|s| s.end).max().unwrap_or(0))
}

#[derive(Clone, Debug, PartialEq)]
pub enum LaneKind {
    /// The header of a process's group of lanes.
    Process(ProcessId),
    Gil(ProcessId),
    Actor(u16),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub kind: LaneKind,
    /// The thread's or process's name (none for a GIL lane): an identifier.
    pub label: String,
    /// Words after it: the process id, a live thread's pool thread, which GIL.
    pub words: String,
    pub y: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SpanBox {
    pub lane: usize,
    pub x: f64,
    pub width: f64,
    /// CSS class of the state it shows (`run`, `wait-gil`, ...).
    pub class: &'static str,
    /// Thin bars (lock holds) sit under the lane's state boxes.
    pub thin: bool,
    /// On a GIL track, the holder (its colour).
    pub holder: Option<u16>,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MarkDot {
    pub lane: usize,
    pub x: f64,
    pub class: &'static str,
    /// For a print: its index in the console.
    pub console: Option<u32>,
    pub title: String,
}

/// A message through a queue or a pipe: from its `put`/`send` to its `get`/`recv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub from_lane: usize,
    pub x1: f64,
    pub to_lane: usize,
    pub x2: f64,
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
    pub marks: Vec<MarkDot>,
    pub arrows: Vec<Arrow>,
    pub ticks: Vec<Tick>,
    pub view: View,
}

/// The pid a process shows (`os.getpid()` in the lesson's output): the same on every run.
pub fn pid(process: ProcessId) -> u32 {
    1000 + process.0 as u32
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

/// A round step for about five ticks over `width` nanoseconds (1, 2 or 5 times a power of ten).
fn tick_step(width: Nanos) -> Nanos {
    let target = width.div_ceil(5).max(1);
    let mut power = 1u64;
    while power.saturating_mul(10) <= target {
        power *= 10;
    }
    [1, 2, 5, 10].into_iter().map(|m| m * power).find(|step| *step >= target).unwrap_or(power * 10)
}

pub fn format_ms(ns: Nanos) -> String {
    let ms = ns as f64 / 1e6;
    if ms >= 10.0 || ms == 0.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.3}")
    }
}

pub fn layout(trace: &Trace, width: f64, view: Option<View>, lang: Lang) -> Layout {
    let view = view.unwrap_or_else(|| View::whole(trace));
    let plot = (width - LABEL_WIDTH).max(10.0);
    let span = (view.to - view.from).max(1) as f64;
    let x_of = |t: Nanos| LABEL_WIDTH + plot * ((t.clamp(view.from, view.to) - view.from) as f64 / span);

    // Per process, in order: the GIL track (if the process ever held its GIL), then threads.
    // (Counted up rather than sorted: a run has a few processes, and the page no sort.)
    let last = trace.actors.iter().map(|a| a.process.0).max().unwrap_or(0);
    let processes: Vec<ProcessId> =
        (0..=last).map(ProcessId).filter(|p| trace.actors.iter().any(|a| a.process == *p)).collect();
    let held_gil = |p: ProcessId| {
        trace
            .spans
            .iter()
            .any(|s| s.kind == SpanKind::HoldGil && trace.actors.get(s.actor.0 as usize).map(|a| a.process) == Some(p))
    };
    let mut lanes = Vec::new();
    let several = processes.len() > 1;
    for process in processes {
        if several {
            let name = if process.0 == 0 {
                "MainProcess".to_string()
            } else {
                trace.actors.iter().find(|a| a.process == process).map_or_else(String::new, |a| a.name.clone())
            };
            let words = format!(" · pid {}", pid(process));
            lanes.push(Lane { kind: LaneKind::Process(process), label: name, words, y: 0.0 });
        }
        if held_gil(process) {
            let words = words::gil_lane(lang, process.0.into());
            lanes.push(Lane { kind: LaneKind::Gil(process), label: String::new(), words, y: 0.0 });
        }
        for (i, actor) in trace.actors.iter().enumerate().filter(|(_, a)| a.process == process) {
            lanes.push(Lane {
                kind: LaneKind::Actor(i as u16),
                label: actor.name.clone(),
                words: actor.pool_thread.map(|p| words::pool_thread(lang, p as usize)).unwrap_or_default(),
                y: 0.0,
            });
        }
    }
    for (row, lane) in lanes.iter_mut().enumerate() {
        lane.y = row as f64 * LANE_HEIGHT;
    }
    let actor_lane = |actor: u16| lanes.iter().position(|l| l.kind == LaneKind::Actor(actor));
    let gil_lane = |actor: u16| {
        let process = trace.actors.get(actor as usize)?.process;
        lanes.iter().position(|l| l.kind == LaneKind::Gil(process))
    };

    let mut boxes: Vec<SpanBox> = trace
        .spans
        .iter()
        .filter(|s| s.end >= view.from && s.start <= view.to)
        .filter_map(|s| {
            let (lane, holder) = match s.kind {
                SpanKind::HoldGil => (gil_lane(s.actor.0)?, Some(s.actor.0)),
                _ => (actor_lane(s.actor.0)?, None),
            };
            let x = x_of(s.start);
            let name = trace.actors.get(s.actor.0 as usize).map_or("", |a| a.name.as_str());
            Some(SpanBox {
                lane,
                x,
                width: (x_of(s.end) - x).max(1.0),
                class: span_class(s.kind),
                thin: matches!(s.kind, SpanKind::Hold(_)),
                holder,
                title: words::span_title(
                    lang,
                    name,
                    span_class(s.kind),
                    (format_ms(s.start), format_ms(s.end)),
                    s.line,
                    s.count,
                ),
            })
        })
        .collect();
    boxes = merge_touching(boxes, lang);

    let marks = trace
        .marks
        .iter()
        .filter(|m| m.at >= view.from && m.at <= view.to)
        .filter_map(|m| {
            let lane = actor_lane(m.actor.0)?;
            let (class, console, title) = match m.kind {
                MarkKind::Printed(i) => {
                    let text = trace.console.get(i as usize).map_or("", |w| w.text.trim_end());
                    let name = trace.actors.get(m.actor.0 as usize).map_or("", |a| a.name.as_str());
                    ("print", Some(i), words::print_title(lang, name, format_ms(m.at), text))
                }
                MarkKind::Raised(i) => {
                    let e = trace.errors.get(i as usize);
                    ("error", None, e.map_or(String::new(), |e| format!("{}: {}", e.exception, e.message)))
                }
                _ => return None,
            };
            Some(MarkDot { lane, x: x_of(m.at), class, console, title })
        })
        .collect();
    let marks = merge_marks(marks, lang);

    // Each message from where it was sent to where it was received, matched by its object
    // and number (numbered from 0 on each object: a table, not a hash map in the page).
    let mut sent: Vec<Vec<Option<(crate::engine::program::ActorId, Nanos)>>> = Vec::new();
    for m in &trace.marks {
        if let MarkKind::Sent { object, seq } = m.kind {
            let (object, seq) = (object.0 as usize, seq as usize);
            if sent.len() <= object {
                sent.resize(object + 1, Vec::new());
            }
            if sent[object].len() <= seq {
                sent[object].resize(seq + 1, None);
            }
            sent[object][seq] = Some((m.actor, m.at));
        }
    }
    let arrows = trace
        .marks
        .iter()
        .filter_map(|m| {
            let MarkKind::Received { object, seq } = m.kind else { return None };
            let (from, at) = (*sent.get(object.0 as usize)?.get(seq as usize)?)?;
            if m.at < view.from || at > view.to {
                return None;
            }
            Some(Arrow {
                from_lane: actor_lane(from.0)?,
                x1: x_of(at),
                to_lane: actor_lane(m.actor.0)?,
                x2: x_of(m.at),
                title: words::message_title(lang, seq, format_ms(at), format_ms(m.at)),
            })
        })
        .collect();

    let step = tick_step(view.to - view.from);
    let first = view.from.div_ceil(step);
    let ticks = (first..=view.to / step).map(|k| Tick { x: x_of(k * step), label: format_ms(k * step) }).collect();
    Layout { width, height: lanes.len() as f64 * LANE_HEIGHT + AXIS_HEIGHT, lanes, boxes, marks, arrows, ticks, view }
}

/// Merges marks of the same lane and kind less than a pixel apart: a run that printed a
/// hundred thousand lines draws at most one mark per pixel column and lane.
fn merge_marks(mut marks: Vec<MarkDot>, lang: Lang) -> Vec<MarkDot> {
    // Unstable sorts throughout the page: one sort algorithm compiled into its wasm, not two.
    marks.sort_unstable_by(|a, b| (a.lane, a.class).cmp(&(b.lane, b.class)).then(a.x.total_cmp(&b.x)));
    let mut merged: Vec<(MarkDot, usize)> = Vec::with_capacity(marks.len().min(4096));
    for m in marks {
        if let Some((last, n)) = merged.last_mut() {
            if (last.lane, last.class) == (m.lane, m.class) && m.x - last.x < 1.0 {
                *n += 1;
                continue;
            }
        }
        merged.push((m, 1));
    }
    merged
        .into_iter()
        .map(|(mut m, n)| {
            if n > 1 {
                m.title.push_str(&words::more_here(lang, n - 1));
            }
            m
        })
        .collect()
}

/// Merges boxes of the same lane, kind and holder that touch (within half a pixel).
fn merge_touching(mut boxes: Vec<SpanBox>, lang: Lang) -> Vec<SpanBox> {
    boxes.sort_unstable_by(|a, b| {
        (a.lane, a.thin, a.class, a.holder)
            .cmp(&(b.lane, b.thin, b.class, b.holder))
            .then(a.x.total_cmp(&b.x))
            .then(a.width.total_cmp(&b.width))
    });
    let mut merged: Vec<SpanBox> = Vec::with_capacity(boxes.len());
    let mut counts: Vec<usize> = Vec::new();
    for b in boxes {
        if let Some(last) = merged.last_mut() {
            let same = (last.lane, last.thin, last.class, last.holder) == (b.lane, b.thin, b.class, b.holder);
            if same && b.x <= last.x + last.width + 0.5 {
                last.width = last.width.max(b.x + b.width - last.x);
                *counts.last_mut().unwrap() += 1;
                continue;
            }
        }
        merged.push(b);
        counts.push(1);
    }
    for (b, n) in merged.iter_mut().zip(counts) {
        if n > 1 {
            b.title.push_str(&words::more_here(lang, n - 1));
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::{ActorId, ObjectId};
    use crate::engine::trace::{ActorInfo, ConsoleWrite, EngineKind, Mark, Outcome, Span};

    fn span(actor: u16, kind: SpanKind, start: Nanos, end: Nanos) -> Span {
        Span { actor: ActorId(actor), kind, start, end, line: 1, count: 1 }
    }

    fn trace(spans: Vec<Span>) -> Trace {
        let info =
            |name: &str, process| ActorInfo { name: name.into(), process: ProcessId(process), pool_thread: Some(0) };
        Trace {
            engine: EngineKind::Live,
            actors: vec![info("child", 1), info("main", 0)],
            spans,
            marks: vec![Mark { actor: ActorId(1), kind: MarkKind::Printed(0), at: 9_000_000, line: 3 }],
            console: vec![ConsoleWrite { actor: ActorId(1), at: 9_000_000, text: "done\n".into() }],
            errors: vec![],
            metrics: vec![],
            wall: 10_000_000,
            condensed: false,
            outcome: Outcome::Completed,
            finals: vec![],
            gil_handoffs: vec![],
            objects: vec![],
            omitted: None,
        }
    }

    #[test]
    fn a_message_is_an_arrow_from_its_sender_to_its_receiver() {
        let mut t = trace(vec![span(0, SpanKind::Run, 0, 10_000_000)]);
        let q = ObjectId(3);
        t.marks = vec![
            Mark { actor: ActorId(1), kind: MarkKind::Sent { object: q, seq: 1 }, at: 2_000_000, line: 1 },
            Mark { actor: ActorId(0), kind: MarkKind::Received { object: q, seq: 1 }, at: 6_000_000, line: 1 },
            // A message nobody received draws nothing.
            Mark { actor: ActorId(1), kind: MarkKind::Sent { object: q, seq: 2 }, at: 7_000_000, line: 1 },
        ];
        let l = layout(&t, LABEL_WIDTH + 1000.0, None, Lang::En);
        assert_eq!(l.arrows.len(), 1);
        let a = &l.arrows[0];
        assert_eq!((l.lanes[a.from_lane].label.as_str(), l.lanes[a.to_lane].label.as_str()), ("main", "child"));
        assert_eq!((a.x1, a.x2), (LABEL_WIDTH + 200.0, LABEL_WIDTH + 600.0));
    }

    #[test]
    fn lanes_follow_processes_with_a_gil_track_where_a_gil_was_held() {
        let t = trace(vec![
            span(0, SpanKind::Run, 0, 5_000_000),
            span(1, SpanKind::Run, 5_000_000, 10_000_000),
            span(1, SpanKind::HoldGil, 5_000_000, 10_000_000),
        ]);
        let l = layout(&t, LABEL_WIDTH + 1000.0, None, Lang::En);
        let labels: Vec<String> = l.lanes.iter().map(|l| format!("{}{}", l.label, l.words)).collect();
        // Two processes: each has a header with its pid, then its GIL track and threads.
        assert_eq!(
            labels,
            ["MainProcess · pid 1000", "GIL", "main · pool thread 0", "child · pid 1001", "child · pool thread 0"]
        );
        let gil_box = l.boxes.iter().find(|b| b.class == "hold-gil").unwrap();
        assert_eq!((gil_box.lane, gil_box.holder), (1, Some(1)));
        let child = l.boxes.iter().find(|b| l.lanes[b.lane].label == "child").unwrap();
        assert_eq!((child.x, child.width), (LABEL_WIDTH, 500.0));
        assert_eq!(l.marks.len(), 1);
        assert_eq!(l.marks[0].console, Some(0));
        assert!(l.marks[0].title.contains("done"));
    }

    #[test]
    fn a_million_tiny_spans_draw_as_a_handful_of_boxes() {
        let spans = (0..100_000u64).map(|i| span(1, SpanKind::Hold(ObjectId(1)), i * 100, i * 100 + 50)).collect();
        let l = layout(&trace(spans), LABEL_WIDTH + 800.0, None, Lang::En);
        assert!(l.boxes.len() <= 2, "{} boxes", l.boxes.len());
        assert!(l.boxes[0].thin);
        assert!(l.boxes[0].title.contains("zoom in"));
    }

    #[test]
    fn a_hundred_thousand_prints_draw_as_at_most_one_mark_a_pixel() {
        let mut t = trace(vec![span(1, SpanKind::Run, 0, 10_000_000)]);
        t.marks = (0..100_000u64)
            .map(|i| Mark { actor: ActorId(1), kind: MarkKind::Printed(0), at: i * 100, line: 3 })
            .collect();
        let l = layout(&t, LABEL_WIDTH + 800.0, None, Lang::En);
        assert!(l.marks.len() <= 801, "{} marks", l.marks.len());
        assert!(l.marks.len() >= 700, "{} marks", l.marks.len());
        assert!(l.marks[0].title.contains("more here; zoom in"));
    }

    #[test]
    fn zooming_in_shows_only_the_window_and_ticks_inside_it() {
        let t = trace(vec![span(0, SpanKind::Run, 0, 2_000_000), span(0, SpanKind::Sleep, 8_000_000, 9_000_000)]);
        let whole = View::whole(&t);
        let view = whole.zoom_in(8_500_000).zoom_in(8_500_000);
        assert!(view.to - view.from <= 2_500_000, "{view:?}");
        let l = layout(&t, LABEL_WIDTH + 1000.0, Some(view), Lang::En);
        assert_eq!(l.boxes.len(), 1, "only the sleep is inside the window");
        assert!(l.ticks.iter().all(|tick| tick.x >= LABEL_WIDTH && tick.x <= LABEL_WIDTH + 1000.0));
        assert_eq!(view.zoom_out(whole).zoom_out(whole).zoom_out(whole), whole);
    }

    #[test]
    fn ticks_are_round_and_cover_the_run() {
        let l = layout(&trace(vec![span(0, SpanKind::Run, 0, 10_000_000)]), 1170.0, None, Lang::En);
        let labels: Vec<&str> = l.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "2.0", "4.0", "6.0", "8.0", "10"]);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(1_000_000_000), 200_000_000);
    }
}
