use yew::prelude::*;

use crate::draw::timeline::actor_color;
use crate::engine::trace::{EngineKind, Outcome, WaitOn};
use crate::i18n::{group_digits, Lang};
use crate::knobs::{Common, FromKnobs};
use crate::ui::state::FinishedRun;
use crate::ui::waitfor::{wait_for_svg, WaitEdge};
use crate::ui::words::{self, t, Key};

#[derive(Properties, PartialEq)]
pub struct RunSummaryProps {
    pub lang: Lang,
    pub run: std::rc::Rc<FinishedRun>,
}

fn ms(ns: u64) -> String {
    format!("{:.1} ms", ns as f64 / 1e6)
}

/// What to notice (computed from the run) and the timings.
#[function_component]
pub fn RunSummary(props: &RunSummaryProps) -> Html {
    let lang = props.lang;
    let trace = &props.run.trace;
    let findings = props.run.findings(lang).cloned().unwrap_or_default();
    let outcome = match &trace.outcome {
        Outcome::Completed => None,
        Outcome::Cancelled => Some(t(lang, Key::OutcomeCancelled).to_string()),
        Outcome::DeadlineExceeded => Some(t(lang, Key::OutcomeDeadline).to_string()),
        Outcome::Deadlock { .. } => Some(t(lang, Key::OutcomeDeadlock).to_string()),
        Outcome::Stuck { .. } => Some(t(lang, Key::OutcomeStuck).to_string()),
        Outcome::Panicked(message) => Some(message.clone()),
    };
    let common = Common::from_knobs(&props.run.knobs).unwrap_or_default();
    html! {
        <section class="summary" id="summary">
            <div class="findings" id="findings" data-run={props.run.run.to_string()} data-lesson={props.run.lesson.id} data-figures={figures_attr(&findings.figures)}>
                <h3>{ t(lang, Key::FindingsHeading) }</h3>
                if let Some(outcome) = outcome { <p class="outcome" id="outcome">{ outcome }</p> }
                { wait_for_graph(lang, &props.run) }
                <p class="headline" id="headline">{ &findings.headline }</p>
                { for findings.details.iter().map(|d| html! { <p>{ d }</p> }) }
            </div>
            <div class="timings" id="timings">
                <h3>{ t(lang, Key::TimingsHeading) }</h3>
                if trace.engine == EngineKind::Live {
                    <p>
                        { t(lang, Key::WallTime) }{ ": " }<strong id="wall-time">{ ms(trace.wall) }</strong>
                        { " · " }<span id="measured-on">{ words::measured_on(lang, trace.pool_threads_used()) }</span>
                    </p>
                    if common.time_scale != 1.0 {
                        <p id="scaled-time">{ words::scaled_time(lang, trace.wall, common.time_scale) }</p>
                    }
                } else {
                    <p>
                        { t(lang, Key::PythonTime) }{ ": " }<strong id="wall-time">{ ms(trace.wall) }</strong>
                        { " · " }<span id="simulated-on">{ words::simulated_on(lang, common.cores, common.seed) }</span>
                    </p>
                }
                if !trace.gil_handoffs.is_empty() && trace.gil_handoffs.iter().any(|h| *h > 0) {
                    <p>{ t(lang, Key::GilHandoffs) }{ ": " }<strong id="gil-handoffs">{ group_digits(trace.gil_handoffs.iter().sum::<u64>() as i64) }</strong></p>
                }
                <table class="per-thread">
                    <thead><tr>
                        <th>{ t(lang, Key::ColumnThread) }</th>
                        <th>{ t(lang, Key::StateRun) }</th>
                        <th>{ t(lang, Key::StateWaitGil) }</th>
                        <th>{ t(lang, Key::StateWait) }</th>
                        <th>{ t(lang, Key::StateSleep) }</th>
                    </tr></thead>
                    <tbody>
                        { for trace.actors.iter().zip(&trace.metrics).enumerate().map(|(i, (actor, m))| html! {
                            <tr>
                                <td><span class="dot" style={format!("background: {}", actor_color(i as u16))} />{ &actor.name }</td>
                                <td>{ ms(m.busy) }</td>
                                <td>{ ms(m.waiting_gil) }</td>
                                <td>{ ms(m.blocked) }</td>
                                <td>{ ms(m.sleeping) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The lesson's figures as `name=value;...`, for tests and for anyone scraping the page.
fn figures_attr(figures: &[(String, i64)]) -> String {
    figures.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join(";")
}

/// Who waits for what, held by whom, when a run could not go on: the cycle of a deadlock,
/// or the waits nobody will end. Names are the program's own (threads, `forks[2]`, ...).
fn wait_for_graph(lang: Lang, run: &FinishedRun) -> Html {
    let trace = &run.trace;
    let actor =
        |a: crate::engine::program::ActorId| trace.actors.get(a.0 as usize).map_or("?".to_string(), |i| i.name.clone());
    let target = |on: WaitOn| match on {
        WaitOn::Object(o) => trace.object_name(o),
        WaitOn::Actor(a) => actor(a),
    };
    let (lines, edges, cycle): (Vec<String>, Vec<WaitEdge>, bool) = match &trace.outcome {
        Outcome::Deadlock { cycle } => (
            cycle.iter().map(|e| words::waits_for(lang, &actor(e.waiter), &target(e.on), &actor(e.holder))).collect(),
            cycle
                .iter()
                .map(|e| WaitEdge { waiter: actor(e.waiter), on: target(e.on), holder: Some(actor(e.holder)) })
                .collect(),
            true,
        ),
        Outcome::Stuck { waiting } => (
            waiting.iter().map(|(w, on)| words::waits_forever(lang, &actor(*w), &target(*on))).collect(),
            waiting.iter().map(|(w, on)| WaitEdge { waiter: actor(*w), on: target(*on), holder: None }).collect(),
            false,
        ),
        _ => return html! {},
    };
    let svg = wait_for_svg(&edges, cycle, &lines.join("; "));
    html! {
        <div class="wait-for-view">
            <ol class="wait-for" id="wait-for">
                { for lines.iter().map(|l| html! { <li>{ l }</li> }) }
            </ol>
            <figure id="wait-graph">{ Html::from_html_unchecked(AttrValue::from(svg)) }</figure>
        </div>
    }
}
