//! A sweep's table, drawn for the page: a plot for each figure against the swept knob (a
//! curve for each series), one shown and a menu for the others, and the table as CSV.

use std::fmt::Write;

use crate::draw::markup::escape;
use crate::draw::plot::{sweep_svg, Curve};
use crate::i18n::{Lang, Text};
use crate::lessons::sweep::SweepTable;
use crate::worker::protocol::SweepResult;

const FIGURE: Text = Text { en: "Figure", ko: "수치" };
const RUNS: Text = Text { en: "runs", ko: "회 실행" };
const CSV: Text = Text { en: "Download CSV", ko: "CSV 내려받기" };
const AGAINST: Text = Text { en: "against", ko: "대" };

/// A figure's name as the plot's axis says it, and what its values are divided by:
/// `speedup_x100` is a speed-up, `python_us` a time in milliseconds.
fn scaled(name: &str) -> (String, f64) {
    if let Some(base) = name.strip_suffix("_x100") {
        (base.to_string(), 100.0)
    } else if let Some(base) = name.strip_suffix("_us") {
        (format!("{base}_ms"), 1000.0)
    } else {
        (name.to_string(), 1.0)
    }
}

/// Each figure's plot: its name on the axis, and its SVG.
pub fn plots(table: &SweepTable, lang: Lang) -> Vec<(String, String)> {
    let mut series: Vec<&str> = Vec::new();
    for row in &table.rows {
        if !series.contains(&row.series.as_str()) {
            series.push(&row.series);
        }
    }
    table
        .figure_names()
        .into_iter()
        .map(|figure| {
            let (label, divisor) = scaled(&figure);
            let curves: Vec<Curve> = series
                .iter()
                .map(|name| {
                    let mut points: Vec<(f64, Vec<f64>)> = Vec::new();
                    for row in table.rows.iter().filter(|r| r.series == *name) {
                        let Some((_, value)) = row.figures.iter().find(|(n, _)| *n == figure) else { continue };
                        let x = row.value.parse::<f64>().unwrap_or(0.0);
                        match points.iter_mut().find(|(px, _)| *px == x) {
                            Some((_, values)) => values.push(*value as f64 / divisor),
                            None => points.push((x, vec![*value as f64 / divisor])),
                        }
                    }
                    Curve { name: name.to_string(), points }
                })
                // A series without this figure (serial work has no speed-up) draws nothing.
                .filter(|curve| !curve.points.is_empty())
                .collect();
            let title = format!("{label} {} {} ({})", AGAINST.get(lang), table.knob, table.lesson);
            (label.clone(), sweep_svg(&title, &table.knob, &label, &curves, lang))
        })
        .collect()
}

/// The sweep so far, drawn: the speed-up shown if the lesson has one, else its second
/// figure (its first is the time); the page's menu shows another.
pub fn result(table: &SweepTable, lang: Lang) -> SweepResult {
    let plots = plots(table, lang);
    let shown = plots.iter().position(|(name, _)| name == "speedup").unwrap_or(1.min(plots.len().saturating_sub(1)));
    let mut markup = format!(r#"<select id="sweep-figure" aria-label="{}" translate="no">"#, FIGURE.get(lang));
    for (i, (name, _)) in plots.iter().enumerate() {
        let selected = if i == shown { " selected" } else { "" };
        let _ = write!(markup, r#"<option value="{0}"{selected}>{0}</option>"#, escape(name));
    }
    let _ = write!(
        markup,
        r#"</select> <span id="sweep-count">{} / {} {}</span> <button id="sweep-csv" type="button">{}</button>"#,
        table.rows.len(),
        table.planned,
        RUNS.get(lang),
        CSV.get(lang)
    );
    for (i, (name, svg)) in plots.iter().enumerate() {
        let hidden = if i == shown { "" } else { " hidden" };
        let _ = write!(markup, r#"<figure class="sweep-plot" data-figure="{}"{hidden}>{svg}</figure>"#, escape(name));
    }
    SweepResult { runs: table.rows.len() as u64, planned: table.planned, markup, csv: table.csv() }
}
