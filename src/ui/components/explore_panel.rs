use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::explore::{histogram_rows, ExploreReport, ExploreRequest, MAX_PICKS, MAX_SEEDS};
use crate::i18n::Lang;
use crate::lessons::{Expect, MAX_EXPECTED_TEXT};
use crate::ui::html::{message_in, progress, with_code};
use crate::ui::state::ExplorePhase;
use crate::ui::words::{self, t, ExploreEnding, Key};

/// Runs an exploration may make from the page: it stays a few seconds on small knobs.
pub const PAGE_MAX_RUNS: u64 = 5_000;

#[derive(Properties, PartialEq)]
pub struct ExplorePanelProps {
    pub lang: Lang,
    pub phase: ExplorePhase,
    /// Whether an exploration may start now (the worker is free).
    pub can_start: bool,
    pub onstart: Callback<ExploreRequest>,
    pub oncancel: Callback<()>,
    /// Open a found run in the stepper: its seed and schedule.
    pub onopen: Callback<(u64, String)>,
    /// The program is Python the learner writes: they choose what counts as broken.
    #[prop_or_default]
    pub written: bool,
    /// Its shared variables, to expect a final value of.
    #[prop_or_default]
    pub variables: Vec<String>,
    /// The variable and value chosen (`None`: a run that hangs breaks).
    #[prop_or_default]
    pub expect: Option<Expect>,
    #[prop_or_default]
    pub onexpect: Callback<Option<Expect>>,
}

/// Explore a lesson from the page: seeds and picks, Explore (everything within the bound)
/// or Find (stop at the first breaking run); the histogram of the lesson's breaking figure
/// and the shortest breaking run, to open in the stepper.
#[function_component]
pub fn ExplorePanel(props: &ExplorePanelProps) -> Html {
    let lang = props.lang;
    let seeds = use_state(|| 20u64);
    let picks = use_state(|| 2u32);
    let request = |stop_at_first_break: bool| ExploreRequest {
        seeds: *seeds,
        picks: *picks,
        max_runs: PAGE_MAX_RUNS,
        stop_at_first_break,
    };
    let onexplore = {
        let (onstart, r) = (props.onstart.clone(), request(false));
        Callback::from(move |_: MouseEvent| onstart.emit(r))
    };
    let onfind = {
        let (onstart, r) = (props.onstart.clone(), request(true));
        Callback::from(move |_: MouseEvent| onstart.emit(r))
    };
    let seeds_note = use_state(|| None::<String>);
    let onseeds = {
        let seeds = seeds.clone();
        let seeds_note = seeds_note.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            // Out of range is brought back in range, with a note; the box shows what is used.
            let raw = input.value();
            let given = crate::knobs::parse_decimal(raw.trim()).filter(|v| v.is_finite());
            let n = given.unwrap_or(*seeds as f64).round().clamp(1.0, MAX_SEEDS as f64) as u64;
            let fixed = given != Some(n as f64);
            seeds_note.set(fixed.then(|| words::seeds_fixed(lang, raw.trim(), n, MAX_SEEDS)));
            input.set_value(&n.to_string());
            seeds.set(n);
        })
    };
    let onpicks = {
        let picks = picks.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            picks.set(select.value().parse().unwrap_or(2).min(MAX_PICKS));
        })
    };
    let running = matches!(props.phase, ExplorePhase::Running { .. } | ExplorePhase::Cancelling { .. });
    // Which figure the histogram shows: the breaking one unless the learner picks another.
    let shown = use_state(|| None::<String>);
    let onfigure = {
        let shown = shown.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            shown.set(Some(select.value()));
        })
    };
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let figure = if props.written { expect_choice(props, running) } else { Html::default() };

    let body = match &props.phase {
        ExplorePhase::Idle => html! {},
        ExplorePhase::Running { done, total, .. } => {
            progress("explore-progress", Some((*done, (*total).max(1))), words::explore_progress(lang, *done, *total))
        }
        ExplorePhase::Cancelling { .. } => progress("explore-progress", None, t(lang, Key::Cancelling).into()),
        ExplorePhase::Failed(message) => {
            html! { <p class="failed" id="explore-failed">{ with_code(&message_in(lang, message)) }</p> }
        }
        ExplorePhase::Done { report, cancelled, request } => {
            let ending = match (report.complete, *cancelled) {
                (true, _) => ExploreEnding::Complete,
                (false, true) => ExploreEnding::Cancelled,
                (false, false) if request.stop_at_first_break && report.broke > 0 => ExploreEnding::FirstBreak,
                (false, false) => ExploreEnding::Budget,
            };
            let found = report.shortest.as_ref().map(|f| {
                let onopen = props.onopen.clone();
                let (seed, schedule) = (f.seed, f.schedule.to_string());
                let open = Callback::from(move |_: MouseEvent| onopen.emit((seed, schedule.clone())));
                html! {
                    <p class="found" id="explore-found" data-seed={f.seed.to_string()} data-schedule={f.schedule.to_string()} data-value={f.value.to_string()}>
                        { with_code(&words::explore_found(lang, &report.figure, f.value, f.seed, f.schedule.len(), &f.schedule.to_string())) }
                        { " " }
                        <button id="explore-open" onclick={open}>{ t(lang, Key::ExploreOpen) }</button>
                    </p>
                }
            });
            html! {
                <div id="explore-result" data-runs={report.runs.to_string()} data-broke={report.broke.to_string()} data-complete={report.complete.to_string()}>
                    <p>{ with_code(&words::explore_summary(lang, &report.figure, report.runs, report.broke, ending)) }</p>
                    { histogram(lang, report, shown.as_deref(), onfigure.clone()) }
                    { found.unwrap_or_default() }
                </div>
            }
        }
    };

    html! {
        <section class="explore" id="explore">
            <h3>{ t(lang, Key::ExploreHeading) }</h3>
            <p class="explanation">{ t(lang, Key::ExploreExplain) }</p>
            <div class="knobs">
                <label class="knob"><span class="knob-name">{ t(lang, Key::ExploreSeeds) }</span>
                    <input id="explore-seeds" type="number" min="1" max={MAX_SEEDS.to_string()} value={seeds.to_string()} disabled={running} onchange={onseeds} />
                </label>
                <label class="knob"><span class="knob-name">{ t(lang, Key::ExplorePicks) }</span>
                    <select id="explore-picks" disabled={running} onchange={onpicks}>
                        { for (0..=MAX_PICKS).map(|k| html! { <option value={k.to_string()} selected={k == *picks}>{ k }</option> }) }
                    </select>
                </label>
            </div>
            { figure }
            if let Some(note) = &*seeds_note {
                <ul class="form-notes" id="explore-notes"><li>{ with_code(note) }</li></ul>
            }
            <div class="actions">
                <button id="explore-run" disabled={!props.can_start} onclick={onexplore}>{ t(lang, Key::ExploreRun) }</button>
                <button id="explore-find" class="primary" disabled={!props.can_start} onclick={onfind}>{ t(lang, Key::ExploreFind) }</button>
                <button id="explore-cancel" disabled={!matches!(props.phase, ExplorePhase::Running { .. })} onclick={oncancel}>{ t(lang, Key::Cancel) }</button>
            </div>
            { body }
        </section>
    }
}

/// For a written program, what counts as a broken run: one that hangs, one where a
/// shared variable ends at any value but the one the learner gives, or one whose output
/// lacks the text they give.
fn expect_choice(props: &ExplorePanelProps, running: bool) -> Html {
    let lang = props.lang;
    // The select's value: "" (a hang), "var:NAME" or "prints".
    let chosen = match &props.expect {
        None => String::new(),
        Some(Expect::Ends { variable, .. }) => format!("var:{variable}"),
        Some(Expect::Prints(_)) => "prints".to_string(),
    };
    let onchoice = {
        let (onexpect, expect) = (props.onexpect.clone(), props.expect.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            let kept_value = match &expect {
                Some(Expect::Ends { value, .. }) => *value,
                _ => 0,
            };
            onexpect.emit(match value.as_str() {
                "" => None,
                "prints" => Some(Expect::Prints(String::new())),
                other => other
                    .strip_prefix("var:")
                    .map(|variable| Expect::Ends { variable: variable.to_string(), value: kept_value }),
            })
        })
    };
    let onvalue = {
        let (onexpect, expect) = (props.onexpect.clone(), props.expect.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let raw = input.value();
            onexpect.emit(match &expect {
                Some(Expect::Ends { variable, value }) => {
                    let parsed = raw.trim().parse::<i64>().unwrap_or(*value);
                    input.set_value(&parsed.to_string());
                    Some(Expect::Ends { variable: variable.clone(), value: parsed })
                }
                Some(Expect::Prints(_)) => {
                    let text: String = raw.chars().take(MAX_EXPECTED_TEXT).collect();
                    input.set_value(&text);
                    Some(Expect::Prints(text))
                }
                None => None,
            })
        })
    };
    let value_input = match &props.expect {
        Some(Expect::Ends { value, .. }) => html! {
            <label class="knob"><span class="knob-name">{ t(lang, Key::ExpectValue) }</span>
                <input id="explore-expect-value" type="number" value={value.to_string()} disabled={running} onchange={onvalue} />
            </label>
        },
        Some(Expect::Prints(text)) => html! {
            <label class="knob"><span class="knob-name">{ t(lang, Key::ExpectText) }</span>
                <input id="explore-expect-text" type="text" maxlength={MAX_EXPECTED_TEXT.to_string()} value={text.clone()}
                    disabled={running} onchange={onvalue} />
            </label>
        },
        None => html! {},
    };
    html! {
        <div class="knobs" id="explore-expect">
            <label class="knob"><span class="knob-name">{ t(lang, Key::ExpectFigure) }</span>
                <select id="explore-expect-variable" disabled={running} onchange={onchoice}>
                    <option value="" selected={chosen.is_empty()}>{ t(lang, Key::ExpectStuck) }</option>
                    { for props.variables.iter().map(|name| {
                        let value = format!("var:{name}");
                        html! { <option value={value.clone()} selected={value == chosen} translate="no">{ words::expect_variable(lang, name) }</option> }
                    }) }
                    <option value="prints" selected={chosen == "prints"}>{ t(lang, Key::ExpectPrints) }</option>
                </select>
            </label>
            { value_input }
        </div>
    }
}

/// The values of one of the run's figures as bars (the breaking figure unless `shown`
/// names another), with a choice of figure.
fn histogram(lang: Lang, report: &ExploreReport, shown: Option<&str>, onfigure: Callback<Event>) -> Html {
    let name = shown.filter(|n| report.others.iter().any(|(o, _)| o == n)).unwrap_or(&report.figure);
    let values = report.others.iter().find(|(o, _)| o == name).map_or(&report.histogram, |(_, h)| h);
    let rows = histogram_rows(values);
    let widest = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let names = std::iter::once(&report.figure).chain(report.others.iter().map(|(o, _)| o));
    html! {
        <table class="histogram" id="explore-histogram">
            <thead><tr>
                <th>
                    <select id="explore-figure" onchange={onfigure} translate="no" aria-label={t(lang, Key::ExploreFigure)}>
                        { for names.map(|n| html! { <option value={n.clone()} selected={n == name}>{ n.clone() }</option> }) }
                    </select>
                </th>
                <th>{ t(lang, Key::ColumnRuns) }</th><th></th>
            </tr></thead>
            <tbody>
                { for rows.iter().map(|(label, n)| {
                    let width = (*n as f64 / widest as f64 * 100.0).max(1.0);
                    html! {
                        <tr data-value={label.clone()} data-runs={n.to_string()}>
                            <td>{ label.clone() }</td>
                            <td class="count">{ n }</td>
                            <td class="bar"><span style={format!("width:{width:.1}%")}></span></td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
