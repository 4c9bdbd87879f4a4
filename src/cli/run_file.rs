//! `run-file PROGRAM.py`: a learner's own Python, compiled and run on either engine, with
//! the common knobs (`--engine`, `--seed`, `--set cores=2`, `--set gil=off`, ...).

use serde::Serialize;

use super::args::FileArgs;
use super::json_line;
use super::run::{live, to_end, write_trace};
use crate::engine::trace::Outcome;
use crate::knobs::{Common, FromKnobs, KnobValues};
use crate::lessons::results::{deadlock, errors, RunFacts};
use crate::lessons::{your_program, Setup};

/// `run-file --json`: one object per run.
#[derive(Serialize)]
struct FileRunJson<'a> {
    file: &'a str,
    #[serde(flatten)]
    run: RunFacts,
    /// Each exception a thread raised, as Python reports it.
    errors: Vec<String>,
    deadlock: Option<Vec<String>>,
}

/// The common knobs a file runs with (`--engine`, `--seed`, `--set cores=2`, ...): a
/// lesson's own knob is refused by name.
pub(super) fn common_knobs(pairs: &[(String, String)]) -> Result<Common, String> {
    let mut knobs = KnobValues::for_lesson(&[]);
    for (name, value) in pairs {
        knobs.set(name, value).map_err(|e| e.to_string())?;
    }
    Common::from_knobs(&knobs).map_err(|e| e.to_string())
}

/// The text of the file at `path`.
pub(super) fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

pub fn run_file(args: FileArgs) -> Result<String, String> {
    let FileArgs { path, pairs, json, trace: trace_file } = args;
    // The knobs first: a mistake there is named before the file is read.
    let common = common_knobs(&pairs)?;
    if common.live && !common.schedule.is_empty() {
        return Err("a schedule replays on the simulated engine only; leave out --engine live".into());
    }
    // Run as the page runs an edited program: the size check, then either engine.
    let setup =
        Setup::new(&your_program::LESSON, &pairs, Some(&read(&path)?)).map_err(|e| format!("{path}, {}", e.en))?;
    let built = setup.build().map_err(|e| e.en)?;
    let trace = if common.live { live(built)? } else { to_end(setup.simulation_of(built).map_err(|e| e.en)?)? };
    if let Some(file) = &trace_file {
        write_trace(file, &trace, common.seed, &pairs)?;
    }
    if json {
        return json_line(&FileRunJson {
            file: &path,
            run: RunFacts::of(&trace, common.seed, common.live),
            errors: errors(&trace),
            deadlock: deadlock(&trace),
        });
    }
    let mut out = trace.console_text();
    for error in errors(&trace) {
        out.push_str(&format!("{error}\n"));
    }
    let time = if common.live { "live engine, measured" } else { "simulated engine, Python time" };
    out.push_str(&format!("\n--- {path} ({time} {:.1} ms)\n", trace.wall as f64 / 1e6));
    match deadlock(&trace) {
        Some(edges) => out.push_str(&format!("deadlock: {}\n", edges.join("; "))),
        None => out.push_str(ending(&trace.outcome)),
    }
    Ok(out)
}

/// How the run ended, in a line (a deadlock is told with its cycle instead).
fn ending(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "completed\n",
        Outcome::Deadlock { .. } => "deadlock\n",
        Outcome::Stuck { .. } => "stuck: every thread waits for something no thread will do\n",
        Outcome::DeadlineExceeded => "stopped: the run's deadline passed\n",
        Outcome::Cancelled => "cancelled\n",
        Outcome::Panicked(_) => "the engine failed (a bug): see the message above\n",
    }
}
