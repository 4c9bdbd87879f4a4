//! The pool lesson's plot: total time against pool size, the learner's measured runs as
//! dots and the prediction from the chunking as a line. Pure (a function of the runs and
//! the current knobs to SVG markup), so it is tested natively.

use crate::draw::markup::escape;
use crate::knobs::{FromKnobs, KnobValues};
use crate::lessons::pool_map::{plan, predicted_rounds, Knobs};

/// One finished run of the pool lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolPoint {
    /// What else must match for two runs to share a plot: tasks, task time, chunksize,
    /// method and engine, as written in the link.
    pub setup: String,
    pub pool_size: u32,
    pub measured_ms: i64,
}

/// The knobs a plot holds fixed, as one comparable string.
pub fn setup_of(knobs: &KnobValues) -> String {
    ["tasks", "task_s", "chunksize", "method", "engine"]
        .iter()
        .map(|k| format!("{k}={}", knobs.get(k).map(|v| v.to_string()).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("&")
}

/// Pool sizes along the axis.
pub const MAX_POOL: u32 = 12;
const W: f64 = 480.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 10.0;

/// The predicted seconds for each pool size 1..=MAX_POOL with the other knobs as they are
/// (none for knobs that are not the pool lesson's).
pub fn predicted_seconds(values: &KnobValues) -> Vec<(u32, f64)> {
    let Ok(knobs) = Knobs::from_knobs(values) else { return Vec::new() };
    (1..=MAX_POOL)
        .map(|size| {
            let mut p = plan(&knobs);
            p.processes = size as u16;
            (size, predicted_rounds(&p) as f64 * knobs.task_s)
        })
        .collect()
}

/// SVG markup of the plot for the runs with the same setup as `knobs`.
pub fn pool_plot_svg(points: &[PoolPoint], knobs: &KnobValues, label: &str) -> String {
    use std::fmt::Write;
    let setup = setup_of(knobs);
    let mine: Vec<&PoolPoint> = points.iter().filter(|p| p.setup == setup).collect();
    let predicted = predicted_seconds(knobs);
    let top = mine
        .iter()
        .map(|p| p.measured_ms as f64 / 1000.0)
        .chain(predicted.iter().map(|(_, s)| *s))
        .fold(0.0f64, f64::max)
        .max(0.001)
        * 1.1;
    let x = |size: u32| LEFT + (W - LEFT - 10.0) * (size as f64 - 1.0) / (MAX_POOL as f64 - 1.0);
    let y = |s: f64| TOP + (H - TOP - BOTTOM) * (1.0 - s / top);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg viewBox="0 0 {W} {H}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    let _ =
        write!(out, r#"<line class="axis" x1="{LEFT}" y1="{}" x2="{}" y2="{}"/>"#, H - BOTTOM, W - 10.0, H - BOTTOM);
    let _ = write!(out, r#"<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}"/>"#, H - BOTTOM);
    for size in 1..=MAX_POOL {
        let _ = write!(out, r#"<text class="tick" x="{:.1}" y="{}">{size}</text>"#, x(size), H - BOTTOM + 16.0);
    }
    // Enough decimals that the five ticks differ (0.01 s tasks make a 0.1 s axis).
    let decimals = tick_decimals(top / 1.1 / 4.0);
    for k in 0..=4 {
        let s = top / 1.1 * k as f64 / 4.0;
        let _ = write!(out, r#"<text class="tick y" x="{}" y="{:.1}">{s:.decimals$}</text>"#, LEFT - 6.0, y(s) + 4.0);
    }
    let line: Vec<String> = predicted.iter().map(|(size, s)| format!("{:.1},{:.1}", x(*size), y(*s))).collect();
    let _ = write!(out, r#"<polyline class="predicted" points="{}"/>"#, line.join(" "));
    for p in &mine {
        let s = p.measured_ms as f64 / 1000.0;
        let _ = write!(
            out,
            r#"<circle class="measured" cx="{:.1}" cy="{:.1}" r="4"><title>pool_size={}: {s:.2} s</title></circle>"#,
            x(p.pool_size.min(MAX_POOL)),
            y(s),
            p.pool_size
        );
    }
    out.push_str("</svg>");
    out
}

/// Decimals that show a step of `step` seconds: one for steps of 0.1 s or more, then one
/// more for each factor of ten below.
fn tick_decimals(step: f64) -> usize {
    let mut decimals = 1;
    while decimals < 6 && step < 10f64.powi(-(decimals as i32)) {
        decimals += 1;
    }
    decimals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::{build_from_pairs, pool_map::LESSON};

    fn knobs(pairs: &[(&str, &str)]) -> KnobValues {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        build_from_pairs(&LESSON, &pairs).unwrap().0
    }

    #[test]
    fn the_prediction_falls_with_the_pool_size_as_the_chunks_allow() {
        let predicted = predicted_seconds(&knobs(&[]));
        assert_eq!(predicted[0], (1, 10.0));
        assert_eq!(predicted[2], (3, 4.0));
        assert_eq!(predicted[4], (5, 2.0));
        assert_eq!(predicted[9], (10, 1.0));
        // Chunks of 5: more than two workers change nothing.
        let fives = predicted_seconds(&knobs(&[("chunksize", "5")]));
        assert!(fives[1..].iter().all(|(_, s)| *s == 5.0), "{fives:?}");
    }

    #[test]
    fn only_runs_with_the_same_setup_are_plotted() {
        let k = knobs(&[]);
        let points = vec![
            PoolPoint { setup: setup_of(&k), pool_size: 3, measured_ms: 4030 },
            PoolPoint { setup: setup_of(&knobs(&[("tasks", "20")])), pool_size: 3, measured_ms: 7000 },
        ];
        let svg = pool_plot_svg(&points, &k, "plot");
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(svg.contains("pool_size=3: 4.03 s"));
        assert!(svg.contains(r#"class="predicted""#));
    }

    /// Regression: with 0.01 s tasks the axis read 0.0, 0.0, 0.1, 0.1, 0.1.
    #[test]
    fn the_time_axis_ticks_differ_however_short_the_tasks() {
        for task_s in ["5", "1", "0.01", "0.001"] {
            let svg = pool_plot_svg(&[], &knobs(&[("task_s", task_s)]), "plot");
            let ticks: Vec<&str> = svg
                .split(r#"class="tick y""#)
                .skip(1)
                .map(|t| t.split('>').nth(1).unwrap().split('<').next().unwrap())
                .collect();
            let mut distinct = ticks.clone();
            distinct.dedup();
            assert_eq!((ticks.len(), distinct.len()), (5, 5), "task_s={task_s}: {ticks:?}");
        }
    }
}
