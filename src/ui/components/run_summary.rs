use yew::prelude::*;

use crate::draw::markup::{escape, with_code};
use crate::draw::timeline::actor_color;
use crate::draw::timeline_words::state_word;
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

/// What to notice (computed from the run) and the timings: markup written once per run
/// and language (a static view: strings cost the page's wasm far less than a tree of nodes).
#[function_component]
pub fn RunSummary(props: &RunSummaryProps) -> Html {
    Html::from_html_unchecked(AttrValue::from(summary_markup(props.lang, &props.run)))
}

fn summary_markup(lang: Lang, run: &FinishedRun) -> String {
    use std::fmt::Write;
    let trace = &run.trace;
    let findings = run.findings(lang).cloned().unwrap_or_default();
    let outcome = match &trace.outcome {
        Outcome::Completed => None,
        Outcome::Cancelled => Some(t(lang, Key::OutcomeCancelled).to_string()),
        Outcome::DeadlineExceeded => Some(t(lang, Key::OutcomeDeadline).to_string()),
        Outcome::Deadlock { .. } => Some(t(lang, Key::OutcomeDeadlock).to_string()),
        Outcome::Stuck { .. } => Some(t(lang, Key::OutcomeStuck).to_string()),
        Outcome::Panicked(message) => Some(message.clone()),
    };
    let common = Common::from_knobs(&run.knobs).unwrap_or_default();
    let mut s = String::with_capacity(2048);
    let _ = write!(
        s,
        r#"<section class="summary" id="summary"><div class="findings" id="findings" data-run="{}" data-lesson="{}" data-figures="{}"><h3>{}</h3>"#,
        run.run,
        run.lesson.id,
        escape(&figures_attr(&findings.figures)),
        t(lang, Key::FindingsHeading)
    );
    if let Some(outcome) = outcome {
        let _ = write!(s, r#"<p class="outcome" id="outcome">{}</p>"#, with_code(&outcome));
    }
    wait_for_graph(&mut s, lang, run);
    let _ = write!(s, r#"<p class="headline" id="headline">{}</p>"#, with_code(&findings.headline));
    for detail in &findings.details {
        let _ = write!(s, "<p>{}</p>", with_code(detail));
    }
    let _ = write!(s, r#"</div><div class="timings" id="timings"><h3>{}</h3><p>"#, t(lang, Key::TimingsHeading));
    let (time, on) = if trace.engine == EngineKind::Live {
        (
            Key::WallTime,
            format!(r#"<span id="measured-on">{}</span>"#, words::measured_on(lang, trace.pool_threads_used())),
        )
    } else {
        (
            Key::PythonTime,
            format!(r#"<span id="simulated-on">{}</span>"#, words::simulated_on(lang, common.cores, common.seed)),
        )
    };
    let _ = write!(s, r#"{}: <strong id="wall-time">{}</strong> · {on}</p>"#, t(lang, time), ms(trace.wall));
    let _ = write!(
        s,
        r#"<p id="python-build">{}</p>"#,
        with_code(&words::python_build(lang, common.python, trace.engine == EngineKind::Live))
    );
    if trace.engine == EngineKind::Live && common.time_scale != 1.0 {
        let _ = write!(
            s,
            r#"<p id="scaled-time">{}</p>"#,
            with_code(&words::scaled_time(lang, trace.wall, common.time_scale))
        );
    }
    let handoffs: u64 = trace.gil_handoffs.iter().sum();
    if handoffs > 0 {
        let _ = write!(
            s,
            r#"<p>{}: <strong id="gil-handoffs">{}</strong></p>"#,
            t(lang, Key::GilHandoffs),
            group_digits(handoffs as i64)
        );
    }
    let _ = write!(s, r#"<table class="per-thread"><thead><tr><th>{}</th>"#, t(lang, Key::ColumnThread));
    for state in ["run", "wait-gil", "wait", "sleep"] {
        let _ = write!(s, "<th>{}</th>", state_word(state, lang));
    }
    s.push_str("</tr></thead><tbody>");
    for (i, (actor, m)) in trace.actors.iter().zip(&trace.metrics).enumerate() {
        // The thread's colour beside its name, which says who it is.
        let _ = write!(
            s,
            r#"<tr><td><span class="dot" style="background: {}"></span><span class="actor-name" translate="no">{}</span></td>"#,
            actor_color(i as u16),
            escape(&actor.name)
        );
        for ns in [m.busy, m.waiting_gil, m.blocked, m.sleeping] {
            let _ = write!(s, "<td>{}</td>", ms(ns));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div></section>");
    s
}

/// The lesson's figures as `name=value;...`, for tests and for anyone scraping the page.
fn figures_attr(figures: &[(String, i64)]) -> String {
    figures.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join(";")
}

/// Who waits for what, held by whom, when a run could not go on: the cycle of a deadlock,
/// or the waits nobody will end. Names are the program's own (threads, `forks[2]`, ...).
fn wait_for_graph(s: &mut String, lang: Lang, run: &FinishedRun) {
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
        _ => return,
    };
    s.push_str(r#"<div class="wait-for-view"><ol class="wait-for" id="wait-for">"#);
    for line in &lines {
        s.push_str("<li>");
        s.push_str(&with_code(line));
        s.push_str("</li>");
    }
    s.push_str(r#"</ol><figure id="wait-graph">"#);
    s.push_str(&wait_for_svg(&edges, cycle, &lines.join("; ").replace('`', "")));
    s.push_str("</figure></div>");
}
