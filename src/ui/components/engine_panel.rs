use std::rc::Rc;

use yew::prelude::*;

use crate::engine::trace::Trace;
use crate::i18n::Lang;
use crate::ui::components::timeline::{Drawings, Timeline};
use crate::ui::state::{ProbePhase, ProbeRow, WorkerStatus};
use crate::ui::words::{self, t, Key};

#[derive(Properties, PartialEq)]
pub struct EnginePanelProps {
    pub lang: Lang,
    pub worker: WorkerStatus,
    pub isolated: bool,
    pub hardware_concurrency: u32,
    /// Why the engine worker was last restarted.
    pub restarted: Option<String>,
    pub phase: ProbePhase,
    /// The pool check's rows so far, and its last timeline.
    pub rows: Rc<Vec<ProbeRow>>,
    /// The last pool check's run and timeline.
    pub last_trace: Option<(u32, Rc<Trace>)>,
    pub drawings: Drawings,
    pub onstart: Callback<()>,
    pub oncancel: Callback<()>,
}

fn ms(ns: u64) -> String {
    format!("{:.1} ms", ns as f64 / 1e6)
}

/// The engine worker's status and the pool check: the same work on 1, 2 and all cores.
#[function_component]
pub fn EnginePanel(props: &EnginePanelProps) -> Html {
    let lang = props.lang;
    let status = match &props.worker {
        WorkerStatus::Starting => t(lang, Key::WorkerStarting).to_string(),
        WorkerStatus::Ready { pool_threads } => words::worker_ready(lang, *pool_threads, props.hardware_concurrency),
        WorkerStatus::NoPool => t(lang, Key::WorkerNoPool).to_string(),
        WorkerStatus::Failed(message) => words::worker_failed(lang, message.get(lang)),
    };
    let status_class = match props.worker {
        WorkerStatus::Ready { .. } => "ready",
        WorkerStatus::Failed(_) => "failed",
        _ => "waiting",
    };
    let phase = &props.phase;
    let can_start = matches!(props.worker, WorkerStatus::Ready { .. })
        && !matches!(phase, ProbePhase::Running { .. } | ProbePhase::Cancelling { .. });
    let progress = match phase {
        ProbePhase::Running { done, total, .. } => crate::ui::html::progress(
            "probe-progress",
            Some((*done, (*total).max(1))),
            words::probe_progress(lang, *done, *total),
        ),
        ProbePhase::Cancelled => html! { <p class="cancelled" id="probe-cancelled">{ t(lang, Key::Cancelled) }</p> },
        ProbePhase::Failed(message) => html! { <p class="failed">{ crate::ui::html::message_in(lang, message) }</p> },
        _ => html! {},
    };
    let onstart = props.onstart.reform(|_: MouseEvent| ());
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    html! {
        <section class="engine" id="engine">
            <h2>{ t(lang, Key::EngineHeading) }</h2>
            <p class={classes!("worker-status", status_class)} id="worker-status">{ status }</p>
            if let Some(reason) = &props.restarted {
                <p class="restarted" id="worker-restarted">{ words::worker_restarted(lang, reason) }</p>
            }
            if !props.isolated {
                <p class="muted">{ t(lang, Key::LiveUnavailable) }</p>
            } else {
                <h3>{ t(lang, Key::PoolCheckHeading) }</h3>
                <p class="muted">{ t(lang, Key::PoolCheckExplain) }</p>
                <div class="actions">
                    <button id="probe-run" class="primary" disabled={!can_start} onclick={onstart}>{ t(lang, Key::PoolCheckRun) }</button>
                    <button id="probe-cancel" disabled={!matches!(phase, ProbePhase::Running { .. })} onclick={oncancel}>{ t(lang, Key::Cancel) }</button>
                </div>
                { progress }
                if !props.rows.is_empty() {
                    <table class="probe-results" id="probe-results">
                        <thead><tr>
                            <th>{ t(lang, Key::ColumnThreads) }</th>
                            <th>{ t(lang, Key::ColumnWall) }</th>
                            <th>{ t(lang, Key::ColumnDistinct) }</th>
                            <th>{ t(lang, Key::ColumnSpeedup) }</th>
                        </tr></thead>
                        <tbody>
                            { for props.rows.iter().map(|row| html! {
                                <tr data-jobs={row.jobs.to_string()} data-distinct={row.distinct_threads.to_string()}
                                    data-wall-ns={row.wall_ns.to_string()}>
                                    <td>{ row.jobs }</td>
                                    <td>{ ms(row.wall_ns) }</td>
                                    <td>{ row.distinct_threads }</td>
                                    <td>{ row.speedup.map(|s| format!("{s:.2}×")).unwrap_or_default() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                if let Some((run, trace)) = &props.last_trace {
                    <Timeline {lang} run={*run} trace={trace.clone()} drawings={props.drawings.clone()} caption={probe_caption(lang, trace)} />
                }
            }
        </section>
    }
}

fn probe_caption(lang: crate::i18n::Lang, trace: &crate::engine::trace::Trace) -> String {
    format!("{} · {}", t(lang, Key::TimelineLabel), words::measured_on(lang, trace.pool_threads_used()))
}
