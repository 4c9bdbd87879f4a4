//! "Plot against…": a numeric knob of the lesson over a range of values (a curve for each
//! choice of another knob, if asked), several seeds a point, run in the engine worker on the
//! simulated engine; then any figure the lesson reports, drawn with its spread, and the runs
//! as CSV. The worker checks the request and draws the plots; the page only asks and shows.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::draw::markup::escape;
use crate::i18n::Lang;
use crate::knobs::{KnobKind, KnobSpec};
use crate::lessons::sweep::{numbers, SweepRequest};
use crate::lessons::LessonInfo;
use crate::ui::html::{message_in, progress, with_code};
use crate::ui::state::SweepPhase;
use crate::ui::words::{t, Key};

#[derive(Properties, PartialEq)]
pub struct SweepPanelProps {
    pub lang: Lang,
    pub lesson: &'static LessonInfo,
    pub phase: SweepPhase,
    /// Whether a sweep may start now (the worker is free).
    pub can_start: bool,
    pub onstart: Callback<SweepRequest>,
    pub oncancel: Callback<()>,
}

/// A first range to try: up to eight values from the knob's least.
fn first_values(spec: &KnobSpec) -> String {
    match spec.kind {
        KnobKind::Int { min, max } => format!("{}-{}", min.max(1).min(max), (min.max(1) + 7).min(max)),
        _ => spec.default.to_string(),
    }
}

/// The form as markup: it depends only on the lesson and the language, so what the learner
/// types stays while the panel redraws (and markup costs the page's wasm far less than a
/// tree of elements would).
fn form_markup(lesson: &LessonInfo, lang: Lang) -> String {
    use std::fmt::Write;
    let numbers = numbers(lesson);
    let field = |label: Key, control: String| {
        format!(r#"<label class="knob"><span class="knob-name">{}</span>{control}</label>"#, escape(t(lang, label)))
    };
    let mut knobs = String::from(r#"<select id="sweep-knob" translate="no">"#);
    for k in &numbers {
        let _ = write!(knobs, r#"<option value="{0}" data-values="{1}">{0}</option>"#, k.name, first_values(k));
    }
    knobs.push_str("</select>");
    let mut series =
        format!(r#"<select id="sweep-series"><option value="">{}</option>"#, escape(t(lang, Key::SweepOneCurve)));
    // The knobs' ids: identifiers (the first choice, one curve, is in words).
    for k in lesson.knobs.iter().filter(|k| matches!(k.kind, KnobKind::Choice(_))) {
        let _ = write!(series, r#"<option value="{0}" translate="no">{0}</option>"#, k.name);
    }
    series.push_str("</select>");
    let values = numbers.first().map(|k| first_values(k)).unwrap_or_default();
    let mut out = field(Key::SweepKnob, knobs);
    out.push_str(&field(Key::SweepValues, format!(r#"<input id="sweep-values" value="{values}">"#)));
    out.push_str(&field(Key::SweepSeries, series));
    out.push_str(&field(
        Key::SweepSeeds,
        r#"<input id="sweep-seeds" type="number" min="1" max="10" value="3">"#.into(),
    ));
    out
}

/// The value of the form's field `id`.
fn field_value(id: &str) -> String {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    match element {
        Some(e) => match e.dyn_into::<HtmlInputElement>() {
            Ok(input) => input.value(),
            Err(e) => e.dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default(),
        },
        None => String::new(),
    }
}

#[function_component]
pub fn SweepPanel(props: &SweepPanelProps) -> Html {
    let lang = props.lang;
    let form = use_memo((props.lesson.id, lang), |_| {
        Html::from_html_unchecked(AttrValue::from(form_markup(props.lesson, lang)))
    });
    // Another knob: its first range in the values box.
    let onchange = Callback::from(|e: Event| {
        let Some(select) = e.target_dyn_into::<HtmlSelectElement>().filter(|s| s.id() == "sweep-knob") else { return };
        let values = select.selected_options().item(0).and_then(|o| o.get_attribute("data-values")).unwrap_or_default();
        let input = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("sweep-values"));
        if let Some(input) = input.and_then(|i| i.dyn_into::<HtmlInputElement>().ok()) {
            input.set_value(&values);
        }
    });
    let onstart = props.onstart.reform(|_: MouseEvent| SweepRequest {
        knob: field_value("sweep-knob"),
        values: field_value("sweep-values"),
        series: Some(field_value("sweep-series")).filter(|s| !s.is_empty()),
        seeds: field_value("sweep-seeds").trim().parse().unwrap_or(0),
    });
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let running = props.phase.is_running();
    let result = match &props.phase {
        SweepPhase::Running { done, total } => progress(
            "sweep-progress",
            Some((*done, (*total).max(1))),
            format!("{done} / {total} {}", t(lang, Key::SweepRuns)),
        ),
        SweepPhase::Cancelling => progress("sweep-progress", None, t(lang, Key::Cancelling).into()),
        SweepPhase::Failed(why) => {
            html! { <p class="failed" id="sweep-failed" role="alert">{ with_code(&message_in(lang, why)) }</p> }
        }
        SweepPhase::Done(result) => {
            // The worker's markup: a menu of figures, a plot for each (one shown), and the
            // CSV button; the menu shows its plot, the button saves the CSV.
            let onchange = Callback::from(|e: Event| {
                let Some(menu) = e.target_dyn_into::<HtmlSelectElement>() else { return };
                let Some(plots) = menu.parent_element().map(|p| p.get_elements_by_tag_name("figure")) else { return };
                for i in 0..plots.length() {
                    if let Some(plot) = plots.item(i) {
                        let shown = plot.get_attribute("data-figure").as_deref() == Some(menu.value().as_str());
                        let _ = if shown { plot.remove_attribute("hidden") } else { plot.set_attribute("hidden", "") };
                    }
                }
            });
            let onclick = {
                let csv = result.csv.clone();
                Callback::from(move |e: MouseEvent| {
                    if e.target_dyn_into::<web_sys::Element>().is_some_and(|t| t.id() == "sweep-csv") {
                        crate::ui::download::save_text("interleave-sweep.csv", &csv);
                    }
                })
            };
            html! {
                <div class="sweep-result" id="sweep-result" role="status" {onchange} {onclick}>
                    { Html::from_html_unchecked(AttrValue::from(result.markup.clone())) }
                </div>
            }
        }
        SweepPhase::Idle => Html::default(),
    };
    html! {
        <section class="sweep" id="sweep" aria-labelledby="sweep-heading">
            <h3 id="sweep-heading">{ t(lang, Key::SweepHeading) }</h3>
            <p class="explanation">{ t(lang, Key::SweepExplanation) }</p>
            <div class="knobs" {onchange}>{ (*form).clone() }</div>
            <div class="actions">
                <button id="sweep-start" class="primary" disabled={!props.can_start || running} onclick={onstart}>{ t(lang, Key::SweepStart) }</button>
                <button id="sweep-cancel" disabled={!running} onclick={oncancel}>{ t(lang, Key::Cancel) }</button>
            </div>
            { result }
        </section>
    }
}
