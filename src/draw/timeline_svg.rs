//! The timeline drawn as SVG markup, and what the page asks the engine worker to draw of
//! a run: the worker holds the runs and draws, the page shows the markup (its wasm carries
//! no layout).

use serde::{Deserialize, Serialize};

use crate::draw::markup::escape;
use crate::draw::timeline::{actor_color, layout, LaneKind, Layout, View, AXIS_HEIGHT, LABEL_WIDTH, LANE_HEIGHT};
use crate::engine::trace::{Nanos, Trace};
use crate::i18n::Lang;

/// The width the page draws a timeline at (its SVG scales to the column).
pub const WIDTH: f64 = 960.0;

/// A timeline to draw: which part of the run (the whole of it when none), an axis that runs
/// at least to `until` (two runs compared share one), the words' language and the caption
/// a screen reader reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub view: Option<View>,
    pub until: Nanos,
    pub lang: Lang,
    pub caption: String,
}

impl Frame {
    /// The part of `trace` drawn: the view asked for if it lies within the run, else the
    /// whole run (to `until` at least).
    pub fn view_of(&self, trace: &Trace) -> View {
        let whole = View::whole(trace);
        let whole = View { to: whole.to.max(self.until), ..whole };
        self.view.filter(|v| v.from < v.to && v.to <= whole.to).unwrap_or(whole)
    }
}

/// The textures over the waiting states (the legend's swatches have the same, in CSS):
/// waiting for the GIL is hatched one way, blocked both ways, sleeping dotted.
const TEXTURES: &str = concat!(
    r##"<pattern id="tex-wait-gil" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"##,
    r##"<line x1="0" y1="0" x2="0" y2="5" stroke="#000" stroke-opacity=".45" stroke-width="1.2"/></pattern>"##,
    r##"<pattern id="tex-wait" width="6" height="6" patternUnits="userSpaceOnUse">"##,
    r##"<path d="M0,0 L6,6 M6,0 L0,6" stroke="#000" stroke-opacity=".45" stroke-width="1"/></pattern>"##,
    r##"<pattern id="tex-sleep" width="5" height="5" patternUnits="userSpaceOnUse">"##,
    r##"<circle cx="2.5" cy="2.5" r="1" fill="#000" fill-opacity=".45"/></pattern>"##,
);

/// `trace`'s timeline as `frame` asks.
pub fn draw(trace: &Trace, frame: &Frame) -> String {
    svg_markup(&layout(trace, WIDTH, Some(frame.view_of(trace)), frame.lang), &frame.caption, "ms")
}

/// The whole timeline as SVG markup: one string, built in one pass, so a big trace costs
/// the page one parse instead of a virtual-DOM diff of thousands of nodes. Print marks
/// carry `data-console` for the click handler.
pub fn svg_markup(l: &Layout, label: &str, unit: &str) -> String {
    use std::fmt::Write;
    let axis_y = l.height - AXIS_HEIGHT;
    let mut s = String::with_capacity(256 + 160 * (l.boxes.len() + l.marks.len()));
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {} {}" role="group" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        l.width,
        l.height,
        escape(label)
    );
    s.push_str(r#"<defs><marker id="arrowhead" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" class="arrowhead"/></marker>"#);
    s.push_str(TEXTURES);
    s.push_str("</defs>");
    for lane in &l.lanes {
        let class = match lane.kind {
            LaneKind::Gil(_) => " gil-lane",
            LaneKind::Process(_) => " process-lane",
            LaneKind::Actor(_) => "",
        };
        let _ = write!(
            s,
            r#"<g class="lane{}"><rect class="lane-bg" x="0" y="{}" width="{}" height="{LANE_HEIGHT}"/><text x="6" y="{}"><tspan class="actor-name" translate="no">{}</tspan>{}</text></g>"#,
            class,
            lane.y,
            l.width,
            lane.y + 15.0,
            escape(&lane.label),
            escape(&lane.words)
        );
    }
    for b in &l.boxes {
        let lane_y = l.lanes[b.lane].y;
        let (y, h) = if b.thin { (lane_y + LANE_HEIGHT - 6.0, 3.0) } else { (lane_y + 3.0, LANE_HEIGHT - 9.0) };
        let style = b.holder.map(|a| format!(r#" style="fill: {}""#, actor_color(a))).unwrap_or_default();
        let _ = write!(
            s,
            r#"<rect class="span {}"{style} x="{:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}"><title>{}</title></rect>"#,
            b.class,
            b.x,
            b.width,
            escape(&b.title)
        );
        // A waiting state is told by its texture too, not by its colour alone.
        if matches!(b.class, "wait-gil" | "wait" | "sleep") {
            let _ = write!(
                s,
                r#"<rect class="texture" fill="url(#tex-{})" pointer-events="none" x="{:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}"/>"#,
                b.class, b.x, b.width
            );
        }
    }
    for m in &l.marks {
        let y = l.lanes[m.lane].y + 3.0;
        // Marks take the keyboard's focus, their tooltip read as their name; a print mark is
        // a button (it picks its console line).
        let data = m.console.map_or(r#" role="img""#.to_string(), |i| format!(r#" data-console="{i}" role="button""#));
        let _ = write!(
            s,
            r#"<rect class="mark {}"{data} tabindex="0" x="{:.1}" y="{y:.1}" width="3" height="{}"><title>{}</title></rect>"#,
            m.class,
            m.x - 1.5,
            LANE_HEIGHT - 6.0,
            escape(&m.title)
        );
    }
    for a in &l.arrows {
        let (y1, y2) = (l.lanes[a.from_lane].y + LANE_HEIGHT / 2.0, l.lanes[a.to_lane].y + LANE_HEIGHT / 2.0);
        let _ = write!(
            s,
            r#"<line class="message" role="img" tabindex="0" x1="{:.1}" y1="{y1:.1}" x2="{:.1}" y2="{y2:.1}" marker-end="url(#arrowhead)"><title>{}</title></line>"#,
            a.x1,
            a.x2,
            escape(&a.title)
        );
    }
    let _ = write!(s, r#"<line class="axis" x1="{LABEL_WIDTH}" x2="{}" y1="{axis_y}" y2="{axis_y}"/>"#, l.width);
    for tick in &l.ticks {
        let _ = write!(s, r#"<text class="tick" x="{:.1}" y="{}">{}</text>"#, tick.x, axis_y + 16.0, tick.label);
    }
    let _ = write!(s, r#"<text class="tick unit" x="6" y="{}">{}</text></svg>"#, axis_y + 16.0, escape(unit));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::timeline::layout;
    use crate::engine::program::ActorId;
    use crate::engine::program::ProcessId;
    use crate::engine::trace::{ActorInfo, ConsoleWrite, EngineKind, Mark, Outcome, Span};
    use crate::engine::trace::{MarkKind, SpanKind};

    #[test]
    fn the_markup_escapes_text_and_tags_print_marks_for_clicks() {
        let mut trace = Trace::from_recorders(EngineKind::Live, vec![], vec![], 10, Outcome::Completed);
        trace.actors = vec![ActorInfo { name: "<main>".into(), process: ProcessId(0), pool_thread: Some(2) }];
        trace.spans = vec![Span { actor: ActorId(0), kind: SpanKind::Run, start: 0, end: 10, line: 1, count: 1 }];
        trace.marks = vec![Mark { actor: ActorId(0), kind: MarkKind::Printed(0), at: 5, line: 1 }];
        trace.console = vec![ConsoleWrite { actor: ActorId(0), at: 5, text: "a & b\n".into() }];
        let svg = svg_markup(&layout(&trace, 500.0, None, Lang::En), "Timeline", "ms");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;main&gt;</tspan> · pool thread 2"));
        assert!(svg.contains(r#"data-console="0""#) && svg.contains("a &amp; b"));
        assert!(!svg.contains("<main>"));
        // Marks take the focus; their tooltips and the lanes' words are in the page's language.
        assert!(svg.contains(r#"role="button" tabindex="0""#));
        let korean = svg_markup(&layout(&trace, 500.0, None, Lang::Ko), "타임라인", "ms");
        assert!(korean.contains("</tspan> · 풀 스레드 2") && korean.contains("ms에 출력: a &amp; b"), "{korean}");
    }

    #[test]
    fn each_waiting_state_has_its_own_texture_and_running_none() {
        let mut trace = Trace::from_recorders(EngineKind::Simulated, vec![], vec![], 40, Outcome::Completed);
        trace.actors = vec![ActorInfo { name: "t".into(), process: ProcessId(0), pool_thread: None }];
        let span = |kind, start| Span { actor: ActorId(0), kind, start, end: start + 10, line: 1, count: 1 };
        trace.spans = vec![span(SpanKind::Run, 0), span(SpanKind::WaitGil, 10), span(SpanKind::Sleep, 20)];
        let svg = svg_markup(&layout(&trace, 500.0, None, Lang::En), "T", "ms");
        assert!(svg.contains(r#"fill="url(#tex-wait-gil)""#) && svg.contains(r#"fill="url(#tex-sleep)""#));
        assert_eq!(svg.matches(r#"class="texture""#).count(), 2, "none over running");
        assert!(svg.contains(r#"<pattern id="tex-wait""#));
    }
}
