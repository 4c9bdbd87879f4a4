//! The pinned run beside the run on show: the knobs that differ, each figure and the time
//! as "before → after", the pinned run's timeline on the same time axis as this run's, and
//! its console. A difference is said in words and marks, never by colour alone.

use std::rc::Rc;

use yew::prelude::*;

use crate::draw::markup::escape;
use crate::draw::timeline::format_ms;
use crate::i18n::{group_digits, Lang};
use crate::ui::components::console_view::ConsoleView;
use crate::ui::components::timeline::{Drawings, Timeline};
use crate::ui::state::FinishedRun;
use crate::ui::words::{t, Key};

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    pub lang: Lang,
    pub pinned: Rc<FinishedRun>,
    pub current: Rc<FinishedRun>,
    pub onunpin: Callback<()>,
    pub drawings: Drawings,
}

/// One row of the comparison: what it is, and its value in each run.
struct Row {
    name: String,
    /// A knob (named by its id, as in the link), not a figure.
    knob: bool,
    pinned: String,
    current: String,
}

/// The knobs that differ (the page's language aside), the time, then every figure.
fn rows(lang: Lang, pinned: &FinishedRun, current: &FinishedRun) -> Vec<Row> {
    let (before, after) = (pinned.knobs.pairs(), current.knobs.pairs());
    let mut rows: Vec<Row> = after
        .iter()
        .filter(|(name, _)| *name != "lang")
        .filter_map(|(name, value)| {
            let old = before.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str());
            (old != value).then(|| Row {
                name: name.to_string(),
                knob: true,
                pinned: old.into(),
                current: value.clone(),
            })
        })
        .collect();
    let ms = |run: &FinishedRun| format!("{} {}", format_ms(run.trace.wall), t(lang, Key::Milliseconds));
    rows.push(Row { name: t(lang, Key::CompareTime).into(), knob: false, pinned: ms(pinned), current: ms(current) });
    let figures = |run: &FinishedRun| run.findings(lang).map(|f| f.figures.clone()).unwrap_or_default();
    let old = figures(pinned);
    for (name, value) in figures(current) {
        let before = old.iter().find(|(n, _)| *n == name).map_or(String::new(), |(_, v)| group_digits(*v));
        rows.push(Row { name, knob: false, pinned: before, current: group_digits(value) });
    }
    rows
}

/// The table as markup (a tree of elements for it would cost the page's wasm more).
fn table_markup(lang: Lang, pinned: &FinishedRun, current: &FinishedRun) -> String {
    let mut out = format!(
        r#"<table class="compare-table" id="compare-table"><thead><tr><th scope="col"></th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        t(lang, Key::PinnedRun),
        t(lang, Key::ThisRun),
        t(lang, Key::CompareChange)
    );
    for row in rows(lang, pinned, current) {
        let same = row.pinned == row.current;
        let (name, mut before, mut after) = (escape(&row.name), escape(&row.pinned), escape(&row.current));
        // A knob's values are words of the link, and a figure is named as the lesson names it:
        // identifiers, set as code.
        if row.knob {
            (before, after) = (format!("<code>{before}</code>"), format!("<code>{after}</code>"));
        }
        let class = match (row.knob, same) {
            (true, _) => "knob-row differs",
            (false, true) => "",
            (false, false) => "differs",
        };
        let time = row.name == t(lang, Key::CompareTime);
        let label = if time { name.clone() } else { format!("<code>{name}</code>") };
        let change = if same {
            t(lang, Key::CompareSame).to_string()
        } else {
            format!(r#"<span aria-hidden="true">≠ </span>{before} → {after}"#)
        };
        out.push_str(&format!(
            r#"<tr class="{class}" data-name="{name}"><th scope="row">{label}</th><td>{before}</td><td>{after}</td><td class="change">{change}</td></tr>"#
        ));
    }
    out.push_str("</tbody></table>");
    out
}

#[function_component]
pub fn CompareView(props: &CompareViewProps) -> Html {
    let lang = props.lang;
    let (pinned, current) = (&props.pinned, &props.current);
    let until = pinned.trace.wall.max(current.trace.wall);
    let names: Rc<Vec<String>> = Rc::new(pinned.trace.actors.iter().map(|a| a.name.clone()).collect());
    let onunpin = props.onunpin.reform(|_: MouseEvent| ());
    html! {
        <section class="compare" id="compare" aria-labelledby="compare-heading">
            <h3 id="compare-heading">{ t(lang, Key::CompareHeading) }</h3>
            <button id="unpin" class="quiet" onclick={onunpin}>{ t(lang, Key::Unpin) }</button>
            { Html::from_html_unchecked(AttrValue::from(table_markup(lang, pinned, current))) }
            <Timeline {lang} run={pinned.run} trace={pinned.trace.clone()} drawings={props.drawings.clone()}
                caption={t(lang, Key::PinnedTimelineLabel)} {until} id="timeline-pinned" />
            <h4>{ t(lang, Key::PinnedConsole) }</h4>
            <ConsoleView lang={lang} writes={Rc::new(pinned.trace.console.clone())} names={names} onselect={Callback::noop()}
                id="console-pinned" />
        </section>
    }
}
