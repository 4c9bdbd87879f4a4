//! `run` (a lesson on either engine: its console, then what to notice, or one line of
//! JSON) and `source` (the lesson's Python for the knobs).

use std::sync::Arc;

use super::args::LessonArgs;
use crate::engine::clock::HostClock;
use crate::engine::control::Control;
use crate::engine::live::{run as live_run, Spawner, POOL_THREADS};
use crate::engine::sim::{Sim, StepResult};
use crate::engine::trace::{chrome_trace, RunLabel, Trace};
use crate::i18n::Lang;
use crate::knobs::{Common, FromKnobs};
use crate::lessons::results::{deadlock, errors, RunResults};
use crate::lessons::{self, Built, Setup};

pub fn run(args: LessonArgs) -> Result<String, String> {
    let LessonArgs { lesson, pairs, json, trace: trace_file } = args;
    let setup = Setup::new(lesson, &pairs, None).map_err(|e| e.en)?;
    let common = Common::from_knobs(&setup.knobs).map_err(|e| e.to_string())?;
    if common.live && !common.schedule.is_empty() {
        return Err("a schedule replays on the simulated engine only; leave out --engine live".into());
    }
    let trace = if common.live {
        live(setup.build().map_err(|e| e.en)?)?
    } else {
        to_end(setup.simulation().map_err(|e| e.en)?)?
    };
    let findings = setup.findings(&trace, Lang::En);
    if let Some(path) = &trace_file {
        let knobs: Vec<(String, String)> = setup.knobs.pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        write_trace(path, &trace, common.seed, &knobs)?;
    }
    if json {
        let knobs = setup.knobs.pairs();
        return Ok(
            RunResults::new(lesson.info.id, &knobs, common.seed, common.live, &trace, &findings).to_json() + "\n"
        );
    }
    let mut out = trace.console_text();
    let time = if common.live { "live engine, measured" } else { "simulated engine, Python time" };
    out.push_str(&format!("\n--- {} ({time} {:.1} ms)\n", lesson.info.id, trace.wall as f64 / 1e6));
    out.push_str(&format!("{}\n", findings.headline));
    for detail in &findings.details {
        out.push_str(&format!("{detail}\n"));
    }
    for error in errors(&trace) {
        out.push_str(&format!("{error}\n"));
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

pub fn source(args: LessonArgs) -> Result<String, String> {
    let (_, built) = lessons::build_from_pairs(args.lesson, &args.pairs).map_err(|e| e.en)?;
    Ok(built.program.source)
}
