//! `explore-file PROGRAM.py`: a learner's own program over seeds and schedules, judged by
//! whether it deadlocks or hangs, or by a shared variable's final value (`--expect
//! total=60`): a run breaks when the variable ends anywhere else; or by what it prints
//! (`--expect-output "total = 60"`): a run breaks when its output lacks it. The file is explored as
//! the page explores an edited program, through the same [`Setup`].

use super::args::FileArgs;
use super::explore::{replay, report};
use super::run_file::{common_knobs, read};
use crate::engine::explore::{ExploreRequest, Found};
use crate::lessons::explore::explorer;
use crate::lessons::{your_program, Expect, Setup};

pub fn explore_file(args: FileArgs, request: ExploreRequest, expect: Option<Expect>) -> Result<String, String> {
    let FileArgs { path, pairs, json, .. } = args;
    let common = common_knobs(&pairs)?;
    if common.live {
        return Err("exploring runs the simulated engine: a live run cannot be replayed".into());
    }
    let text = read(&path)?;
    let mut setup = Setup::new(&your_program::LESSON, &pairs, Some(&text)).map_err(|e| format!("{path}, {}", e.en))?;
    if let Some(expect) = expect {
        let flag = match &expect {
            Expect::Ends { variable, value } => format!("--expect {variable}={value}"),
            Expect::Prints(text) => format!("--expect-output {text:?}"),
        };
        setup = setup.expecting(expect).map_err(|e| format!("{flag}: {path}: {}", e.en))?;
    }
    let found = explorer(setup, request).and_then(|explorer| explorer.run_to_end()).map_err(|e| e.en)?;
    let replay = |f: &Found| replay(&format!("run-file {path}"), &pairs, f);
    report(("file", &path), &request, &found, json, replay)
}
