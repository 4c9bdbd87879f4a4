//! A sweep's plot: a figure against a knob, a curve per series through each point's
//! median, the spread of its seeds as a bar from least to most. Each curve has its own
//! colour (the threads' colours, Okabe and Ito's) and its own marker shape, and the legend names both, so no
//! curve is told by colour alone.

use std::fmt::Write;

use super::markup::escape;
use super::timeline::actor_color;
use crate::i18n::Lang;

/// One curve: its name (empty for a single one) and, for each value along the axis, the
/// figure in each run there.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub name: String,
    pub points: Vec<(f64, Vec<f64>)>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 130.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

/// The median of `values` (sorted here), the least and the most.
fn spread(values: &[f64]) -> Option<(f64, f64, f64)> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    Some((median, sorted[0], sorted[n - 1]))
}

/// About five round steps from `low` to `high`.
fn ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).max(1e-9);
    let raw = span / 5.0;
    let magnitude = 10f64.powi(raw.log10().floor() as i32);
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let first = (low / step).ceil() * step;
    (0..=((high - first) / step).floor() as i64).map(|k| first + k as f64 * step).collect()
}

/// A number as a tick or a tooltip writes it: no more decimals than it needs, up to three.
pub fn number(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// A marker of shape `which` (circle, square, triangle, diamond, ...) at (`x`, `y`).
fn marker(out: &mut String, which: usize, x: f64, y: f64, colour: &str, title: &str) {
    let title = escape(title);
    let _ = match which % 4 {
        0 => write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{colour}"><title>{title}</title></circle>"#),
        1 => write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{colour}"><title>{title}</title></rect>"#,
            x - 4.0,
            y - 4.0
        ),
        2 => write!(
            out,
            r#"<path d="M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} z" fill="{colour}"><title>{title}</title></path>"#,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
        _ => write!(
            out,
            r#"<path d="M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} z" fill="{colour}"><title>{title}</title></path>"#,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0
        ),
    };
}

/// The plot as SVG: `y_label` against `x_label`, titled `title` for screen readers.
pub fn sweep_svg(title: &str, x_label: &str, y_label: &str, curves: &[Curve], lang: Lang) -> String {
    let all = || curves.iter().flat_map(|c| c.points.iter());
    let xs: Vec<f64> = all().map(|(x, _)| *x).collect();
    let ys: Vec<f64> = all().flat_map(|(_, v)| v.iter().copied()).collect();
    let (x_low, x_high) = xs.iter().fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(*x), h.max(*x)));
    let (x_low, x_high) = if xs.is_empty() {
        (0.0, 1.0)
    } else if x_low == x_high {
        (x_low - 1.0, x_high + 1.0)
    } else {
        (x_low, x_high)
    };
    let y_high = ys.iter().fold(0.0f64, |h, y| h.max(*y));
    let y_low = ys.iter().fold(0.0f64, |l, y| l.min(*y));
    let y_high = if y_high == y_low { y_low + 1.0 } else { y_high + (y_high - y_low) * 0.05 };
    let px = |x: f64| LEFT + (WIDTH - LEFT - RIGHT) * (x - x_low) / (x_high - x_low);
    let py = |y: f64| HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (y - y_low) / (y_high - y_low);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="sweep-plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    let (bottom, right) = (HEIGHT - BOTTOM, WIDTH - RIGHT);
    let _ = write!(out, r#"<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/>"#);
    let _ = write!(out, r#"<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/>"#);
    for t in ticks(x_low, x_high) {
        let x = px(t);
        let _ = write!(
            out,
            r#"<text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            bottom + 14.0,
            number(t)
        );
    }
    for t in ticks(y_low, y_high) {
        let y = py(t);
        let _ = write!(out, r#"<line class="grid" x1="{LEFT}" y1="{y:.1}" x2="{right}" y2="{y:.1}"/>"#);
        let _ = write!(
            out,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 6.0,
            y + 4.0,
            number(t)
        );
    }
    let _ = write!(
        out,
        r#"<text class="axis-label" translate="no" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        (LEFT + right) / 2.0,
        HEIGHT - 8.0,
        escape(x_label)
    );
    let _ = write!(
        out,
        r#"<text class="axis-label" translate="no" transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        (TOP + bottom) / 2.0,
        escape(y_label)
    );
    for (i, curve) in curves.iter().enumerate() {
        let colour = actor_color(i as u16);
        let medians: Vec<(f64, f64, f64, f64, usize)> = curve
            .points
            .iter()
            .filter_map(|(x, values)| spread(values).map(|(m, lo, hi)| (*x, m, lo, hi, values.len())))
            .collect();
        let line: Vec<String> = medians.iter().map(|(x, m, ..)| format!("{:.1},{:.1}", px(*x), py(*m))).collect();
        let _ = write!(
            out,
            r#"<polyline class="curve" fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
            line.join(" ")
        );
        for (x, m, lo, hi, n) in &medians {
            let _ = write!(
                out,
                r#"<line class="spread" stroke="{colour}" x1="{0:.1}" x2="{0:.1}" y1="{1:.1}" y2="{2:.1}"/>"#,
                px(*x),
                py(*lo),
                py(*hi)
            );
            let name = if curve.name.is_empty() { String::new() } else { format!("{}, ", curve.name) };
            let (at, median, low, high) = (number(*x), number(*m), number(*lo), number(*hi));
            let title = match lang {
                Lang::En => format!("{name}{x_label} {at}: {y_label} {median} ({low} to {high}, {n} runs)"),
                Lang::Ko => format!("{name}{x_label} {at}: {y_label} {median} ({low}~{high}, 실행 {n}번)"),
            };
            marker(&mut out, i, px(*x), py(*m), colour, &title);
        }
        if !curve.name.is_empty() {
            let y = TOP + 10.0 + 20.0 * i as f64;
            marker(&mut out, i, right + 18.0, y, colour, &curve.name);
            let _ = write!(
                out,
                r#"<text class="legend" translate="no" x="{:.1}" y="{:.1}">{}</text>"#,
                right + 30.0,
                y + 4.0,
                escape(&curve.name)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_point_is_drawn_at_its_median_with_its_spread_and_each_curve_has_its_own_marker() {
        let curves = vec![
            Curve { name: "threads".into(), points: vec![(1.0, vec![1.0, 1.0]), (2.0, vec![0.9, 1.1, 1.0])] },
            Curve { name: "processes".into(), points: vec![(1.0, vec![1.0]), (2.0, vec![1.8, 2.0])] },
        ];
        let svg = sweep_svg("speed-up <x>", "workers", "speedup", &curves, Lang::En);
        let korean = sweep_svg("speed-up", "workers", "speedup", &curves, Lang::Ko);
        assert!(korean.contains("threads, workers 2: speedup 1 (0.9~1.1, 실행 3번)"), "{korean}");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>") && svg.contains("speed-up &lt;x&gt;"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches(r#"class="spread""#).count(), 4);
        // Three point markers and a legend marker per curve, circles for one, squares for the other.
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("threads, workers 2: speedup 1 (0.9 to 1.1, 3 runs)"), "{svg}");
        assert!(svg.contains("processes, workers 2: speedup 1.9 (1.8 to 2, 2 runs)"));
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(1.0, 8.0), vec![2.0, 4.0, 6.0, 8.0]);
        assert_eq!(number(2.50), "2.5");
        assert_eq!(number(1234.0), "1234");
    }
}
