//! `explore-file PROGRAM.py`: a learner's own program over seeds and schedules, judged by
//! whether it deadlocks or hangs, or by a shared variable's final value (`--expect
//! total=60`): a run breaks when the variable ends anywhere else.

use super::args::FileArgs;
use super::explore::{replay, report};
use super::run_file::{common_knobs, compiled};
use crate::engine::explore::{ExploreRequest, Explorer, Found, Subject};
use crate::engine::program::{ObjectId, ObjectKind, Program};
use crate::engine::sim::SimSettings;
use crate::engine::trace::{Outcome, Trace};
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
    let common = common_knobs(&pairs)?;
    if common.live {
        return Err("exploring runs the simulated engine: a live run cannot be replayed".into());
    }
    let program = compiled(&path)?;
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
    let (program, settings) = Built::new(program, &common).into_sim();
    let subject = FileRuns { program, settings, expect };
    let found = Explorer::new(Box::new(subject), &figure, request)?.run_to_end()?;
    let replay = |f: &Found| replay(&format!("run-file {path}"), &pairs, f);
    report(("file", &path), &request, &found, json, replay)
}
