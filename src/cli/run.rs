//! `run` (a lesson on either engine: its console, then what to notice, or one line of
//! JSON) and `source` (the lesson's Python for the knobs).

use std::sync::Arc;

use serde::Serialize;

use super::args::LessonArgs;
use super::{json_line, Ordered};
use crate::engine::clock::HostClock;
use crate::engine::control::Control;
use crate::engine::live::{run as live_run, Spawner, POOL_THREADS};
use crate::engine::sim::{Sim, StepResult};
use crate::engine::trace::{chrome_trace, Outcome, RunLabel, Trace, WaitOn};
use crate::i18n::Lang;
use crate::knobs::{Common, FromKnobs};
use crate::lessons::{self, Built, FindingsText, Setup};

/// `run --json`: one object per run.
#[derive(Serialize)]
pub(super) struct RunJson<'a> {
    lesson: &'a str,
    knobs: Ordered<'a, &'static str, String>,
    #[serde(flatten)]
    run: RunFacts,
    findings: FindingsJson<'a>,
    deadlock: Option<Vec<String>>,
}

/// What the JSON of any run says of it: the engine, its seed, the time, how it ended and
/// what it printed.
#[derive(Serialize)]
pub(super) struct RunFacts {
    engine: &'static str,
    seed: u64,
    python_time_s: f64,
    time_measured: bool,
    outcome: String,
    console: String,
}

impl RunFacts {
    pub(super) fn of(trace: &Trace, seed: u64, live: bool) -> RunFacts {
        RunFacts {
            engine: if live { "live" } else { "sim" },
            seed,
            python_time_s: trace.wall as f64 / 1e9,
            time_measured: live,
            outcome: format!("{:?}", trace.outcome).to_lowercase(),
            console: trace.console_text(),
        }
    }
}

#[derive(Serialize)]
struct FindingsJson<'a> {
    headline: &'a str,
    details: &'a [String],
    figures: Ordered<'a, String, i64>,
}

pub fn run(args: LessonArgs) -> Result<String, String> {
    let LessonArgs { lesson, pairs, json, trace: trace_file } = args;
    let setup = Setup::new(lesson, &pairs, None)?;
    let common = Common::from_knobs(&setup.knobs).map_err(|e| e.to_string())?;
    if common.live && !common.schedule.is_empty() {
        return Err("a schedule replays on the simulated engine only; leave out --engine live".into());
    }
    let trace = if common.live { live(setup.build()?)? } else { to_end(setup.simulation()?)? };
    let findings = setup.findings(&trace, Lang::En);
    if let Some(path) = &trace_file {
        let knobs: Vec<(String, String)> = setup.knobs.pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        write_trace(path, &trace, common.seed, &knobs)?;
    }
    if json {
        return json_line(&run_json(lesson.info.id, &setup.knobs.pairs(), common.seed, common.live, &trace, &findings));
    }
    let mut out = trace.console_text();
    let time = if common.live { "live engine, measured" } else { "simulated engine, Python time" };
    out.push_str(&format!("\n--- {} ({time} {:.1} ms)\n", lesson.info.id, trace.wall as f64 / 1e6));
    out.push_str(&format!("{}\n", findings.headline));
    for detail in &findings.details {
        out.push_str(&format!("{detail}\n"));
    }
    if let Some(edges) = deadlock(&trace) {
        out.push_str(&format!("deadlock: {}\n", edges.join("; ")));
    }
    Ok(out)
}

/// `--trace FILE`: the run as a Chrome trace (ui.perfetto.dev, chrome://tracing).
pub(super) fn write_trace(path: &str, trace: &Trace, seed: u64, knobs: &[(String, String)]) -> Result<(), String> {
    let text = chrome_trace(trace, &RunLabel::new(seed, knobs));
    std::fs::write(path, text).map_err(|e| format!("--trace {path}: {e}"))
}

/// A simulated run, to its end.
pub(super) fn to_end(mut simulation: Sim) -> Result<Trace, String> {
    loop {
        if let StepResult::Finished(trace) = simulation.run_slice(u64::MAX).map_err(|e| e.to_string())? {
            return Ok(*trace);
        }
    }
}

/// A run on the live engine: real threads of a pool of this machine.
pub(super) fn live(built: Built) -> Result<Trace, String> {
    let pool: Arc<dyn Spawner> =
        Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().map_err(|e| e.to_string())?);
    Ok(live_run::start(built.program, built.settings, pool, Arc::new(HostClock), Arc::new(Control::new()))
        .map_err(|e| e.to_string())?
        .wait())
}

/// The JSON of a run: any console text, escaped as JSON must be.
pub(super) fn run_json<'a>(
    lesson: &'a str,
    knobs: &'a [(&'static str, String)],
    seed: u64,
    live: bool,
    trace: &Trace,
    findings: &'a FindingsText,
) -> RunJson<'a> {
    RunJson {
        lesson,
        knobs: Ordered(knobs),
        run: RunFacts::of(trace, seed, live),
        findings: FindingsJson {
            headline: &findings.headline,
            details: &findings.details,
            figures: Ordered(&findings.figures),
        },
        deadlock: deadlock(trace),
    }
}

/// A deadlock's cycle in words, if the run ended in one.
pub(super) fn deadlock(trace: &Trace) -> Option<Vec<String>> {
    let Outcome::Deadlock { cycle } = &trace.outcome else { return None };
    let actor = |a: crate::engine::program::ActorId| trace.actors.get(a.0 as usize).map_or("?", |i| i.name.as_str());
    Some(
        cycle
            .iter()
            .map(|e| {
                let on = match e.on {
                    WaitOn::Object(o) => trace.object_name(o),
                    WaitOn::Actor(a) => actor(a).to_string(),
                };
                format!("{} waits for {on} held by {}", actor(e.waiter), actor(e.holder))
            })
            .collect(),
    )
}

pub fn source(args: LessonArgs) -> Result<String, String> {
    let (_, built) = lessons::build_from_pairs(args.lesson, &args.pairs)?;
    Ok(built.program.source)
}
