//! `explore-file PROGRAM.py`: a learner's own program over seeds and schedules, judged by
//! whether it deadlocks or hangs, or by a shared variable's final value (`--expect
//! total=60`): a run breaks when the variable ends anywhere else.

use super::args::FileArgs;
use super::explore::report;
use crate::compile::compile;
use crate::engine::explore::{ExploreRequest, Explorer, Found, Subject};
use crate::engine::program::{ObjectId, ObjectKind, Program};
use crate::engine::sim::SimSettings;
use crate::engine::trace::{Outcome, Trace};
use crate::knobs::{Common, FromKnobs, KnobValues};
use crate::lessons::Built;

/// The figure of a run that deadlocked or hung.
const STUCK: &str = "stuck";

/// The program, run with each seed, judged by its variables' final values.
struct FileRuns {
    program: Program,
    settings: SimSettings,
    /// `--expect NAME=VALUE`: the variable, and the value a run must end with.
    expect: Option<(ObjectId, String, i64)>,
}

impl Subject for FileRuns {
    fn simulation(&self, seed: u64) -> Result<(Program, SimSettings), String> {
        Ok((self.program.clone(), SimSettings { seed, ..self.settings.clone() }))
    }

    fn figures(&self, trace: &Trace) -> Vec<(String, i64)> {
        let stuck = matches!(trace.outcome, Outcome::Deadlock { .. } | Outcome::Stuck { .. });
        let mut figures = Vec::new();
        if let Some((object, figure, wanted)) = &self.expect {
            let off = trace.final_value(*object).is_none_or(|v| v != *wanted);
            figures.push((figure.clone(), i64::from(off)));
        }
        figures.push((STUCK.to_string(), i64::from(stuck)));
        // Every shared variable's final value, for the histograms beside.
        for (i, object) in self.program.objects.iter().enumerate() {
            if matches!(object.kind, ObjectKind::Var { .. }) {
                if let Some(v) = trace.final_value(ObjectId(i as u16)) {
                    figures.push((object.name.clone(), v));
                }
            }
        }
        figures
    }
}

pub fn explore_file(args: FileArgs, request: ExploreRequest, expect: Option<(String, i64)>) -> Result<String, String> {
    let FileArgs { path, pairs, json } = args;
    let mut knobs = KnobValues::for_lesson(&[]);
    for (name, value) in &pairs {
        knobs.set(name, value).map_err(|e| e.to_string())?;
    }
    let common = Common::from_knobs(&knobs).map_err(|e| e.to_string())?;
    if common.live {
        return Err("exploring runs the simulated engine: a live run cannot be replayed".into());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let program = compile(&text).map_err(|e| format!("{path}, {e}"))?;
    let expect = match expect {
        None => None,
        Some((name, value)) => {
            let found = program.objects.iter().position(|o| o.name == name && matches!(o.kind, ObjectKind::Var { .. }));
            let Some(i) = found else {
                let names: Vec<&str> = program
                    .objects
                    .iter()
                    .filter(|o| matches!(o.kind, ObjectKind::Var { .. }))
                    .map(|o| o.name.as_str())
                    .collect();
                return Err(format!(
                    "--expect {name}: {path} has no shared variable `{name}`; its shared variables: {}",
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                ));
            };
            Some((ObjectId(i as u16), format!("{name} != {value}"), value))
        }
    };
    let figure = expect.as_ref().map_or(STUCK.to_string(), |(_, figure, _)| figure.clone());
    let settings = Built::new(program.clone(), &common).sim_settings();
    let subject = FileRuns { program, settings, expect };
    let found = Explorer::new(Box::new(subject), &figure, request)?.run_to_end()?;
    // The command that runs a found run again.
    let replay = |f: &Found| {
        let sets: String = pairs.iter().filter(|(k, _)| k != "seed").map(|(k, v)| format!(" --set {k}={v}")).collect();
        let schedule = if f.schedule.is_empty() { String::new() } else { format!(" --schedule {}", f.schedule) };
        format!("interleave run-file {path}{sets} --seed {}{schedule}", f.seed)
    };
    report(("file", &path), &request, &found, json, replay)
}
