//! The wait-for graph of a run that could not go on, drawn: threads as round nodes, the
//! objects they wait for as square ones, an arrow from each waiter to what it waits for
//! and from each object to the thread that holds it. In a deadlock the arrows close a
//! cycle, drawn in red. Pure: names and edges in, SVG markup out.

use std::fmt::Write;

use crate::draw::markup::escape;

/// One wait: `waiter` waits for `on`, which `holder` holds (if anyone does).
#[derive(Clone, Debug, PartialEq)]
pub struct WaitEdge {
    pub waiter: String,
    pub on: String,
    pub holder: Option<String>,
}

const WIDTH: f64 = 440.0;
const HEIGHT: f64 = 330.0;
const RADIUS: f64 = 110.0;

/// A node's label: a thread's name without its target (`Thread-1 (philosopher)` is
/// `Thread-1`; the list beside the graph has the whole name).
fn short(name: &str) -> &str {
    name.split(" (").next().unwrap_or(name)
}

/// Threads and objects around a circle, in the order the edges meet them (so a cycle is a
/// ring), with `cycle` marking a deadlock's edges.
pub fn wait_for_svg(edges: &[WaitEdge], cycle: bool, label: &str) -> String {
    // Nodes in order: waiter, object, (holder is the next waiter in a cycle), ...
    let mut nodes: Vec<(String, bool)> = Vec::new();
    let index = |name: &str, thread: bool, nodes: &mut Vec<(String, bool)>| {
        nodes.iter().position(|(n, t)| n == name && *t == thread).unwrap_or_else(|| {
            nodes.push((name.to_string(), thread));
            nodes.len() - 1
        })
    };
    let mut arrows = Vec::new();
    for e in edges {
        let w = index(&e.waiter, true, &mut nodes);
        let o = index(&e.on, false, &mut nodes);
        arrows.push((w, o));
        if let Some(h) = &e.holder {
            let h = index(h, true, &mut nodes);
            arrows.push((o, h));
        }
    }
    let n = nodes.len().max(1) as f64;
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let angle = |i: usize| cos_sin(std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2);
    let at = |i: usize| (cx + RADIUS * angle(i).0, cy + RADIUS * angle(i).1);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="wait-graph" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    out.push_str(r#"<defs><marker id="wait-arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L6,3 L0,6 z"/></marker></defs>"#);
    let class = if cycle { "edge cycle" } else { "edge" };
    for &(from, to) in &arrows {
        let ((x1, y1), (x2, y2)) = (at(from), at(to));
        // Stop short of the nodes so the heads show.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (sx, sy, ex, ey) = (x1 + dx * 22.0 / len, y1 + dy * 22.0 / len, x2 - dx * 24.0 / len, y2 - dy * 24.0 / len);
        let _ = write!(
            out,
            r#"<line class="{class}" x1="{sx:.1}" y1="{sy:.1}" x2="{ex:.1}" y2="{ey:.1}" marker-end="url(#wait-arrow)"/>"#
        );
    }
    for (i, (name, thread)) in nodes.iter().enumerate() {
        let (x, y) = at(i);
        if *thread {
            let _ = write!(out, r#"<circle class="node thread" cx="{x:.1}" cy="{y:.1}" r="20"/>"#);
        } else {
            let _ = write!(
                out,
                r#"<rect class="node object" x="{:.1}" y="{:.1}" width="36" height="36" rx="4"/>"#,
                x - 18.0,
                y - 18.0
            );
        }
        // The label outside the ring, on the node's side.
        let (c, sn) = angle(i);
        let (lx, ly) = (cx + (RADIUS + 30.0) * c, cy + (RADIUS + 30.0) * sn + 4.0);
        let anchor = if c > 0.3 {
            "start"
        } else if c < -0.3 {
            "end"
        } else {
            "middle"
        };
        let text = if *thread { short(name) } else { name.as_str() };
        let _ = write!(
            out,
            r#"<text class="node-label actor-name" translate="no" x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}">{}</text>"#,
            escape(text)
        );
    }
    out.push_str("</svg>");
    out
}

/// The cosine and sine of `x` (any angle), by their series after bringing `x` within half a
/// turn: far finer than a pixel on the ring, and the page's wasm needs no trigonometry.
fn cos_sin(x: f64) -> (f64, f64) {
    let tau = std::f64::consts::TAU;
    let x = x - tau * (x / tau).round();
    let x2 = x * x;
    let (mut cos, mut sin, mut cos_term, mut sin_term) = (1.0, x, 1.0, x);
    for k in 1..=11 {
        let k = k as f64;
        cos_term *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
        sin_term *= -x2 / ((2.0 * k) * (2.0 * k + 1.0));
        cos += cos_term;
        sin += sin_term;
    }
    (cos, sin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_gives_the_standard_librarys_cosine_and_sine() {
        for step in -400..=400 {
            let x = step as f64 / 50.0;
            let (cos, sin) = cos_sin(x);
            assert!((cos - x.cos()).abs() < 1e-9 && (sin - x.sin()).abs() < 1e-9, "{x}: {cos} {sin}");
        }
    }

    fn edge(waiter: &str, on: &str, holder: Option<&str>) -> WaitEdge {
        WaitEdge { waiter: waiter.into(), on: on.into(), holder: holder.map(Into::into) }
    }

    #[test]
    fn a_deadlock_is_a_ring_of_threads_and_locks_drawn_as_a_cycle() {
        let edges = [edge("P0", "forks[1]", Some("P1")), edge("P1", "forks[0]", Some("P0"))];
        let svg = wait_for_svg(&edges, true, "who waits for whom");
        assert_eq!(svg.matches("<circle").count(), 2, "two threads");
        assert_eq!(svg.matches("<rect class=\"node object\"").count(), 2, "two locks");
        assert_eq!(svg.matches(r#"class="edge cycle""#).count(), 4, "each waits for a lock its neighbour holds");
        assert!(svg.contains(">forks[1]</text>") && svg.contains(">P0</text>"));
        assert_eq!(short("Thread-1 (philosopher)"), "Thread-1");
    }

    #[test]
    fn waits_nobody_will_end_have_no_holder_arrow_and_no_cycle() {
        let edges = [edge("T0", "ready", None), edge("T1", "ready", None)];
        let svg = wait_for_svg(&edges, false, "stuck");
        assert_eq!(svg.matches("<rect class=\"node object\"").count(), 1, "one event");
        assert_eq!(svg.matches(r#"class="edge""#).count(), 2);
        assert!(!svg.contains("cycle"));
    }
}
