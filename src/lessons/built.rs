//! What a lesson makes of its knobs (a [`Built`] Program with its run settings), and what
//! it makes of a run ([`Findings`], and [`FindingsText`] as it crosses to the page).

use serde::{Deserialize, Serialize};

use crate::engine::program::Program;
use crate::engine::settings::{OutputMode, RunSettings};
use crate::engine::sim::SimSettings;
use crate::knobs::{Common, Output};

/// A lesson as the engines need it: the Program to run and how to run it.
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    pub program: Program,
    pub settings: RunSettings,
    /// The common knobs it was built with: which engine, and the simulated machine.
    pub common: Common,
}

/// What the learner should notice, computed from a run and worded by its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Findings {
    /// The one-sentence result ("Lost 6 212 of 40 000 updates.").
    pub headline: String,
    /// Why, and what to try next.
    pub details: Vec<String>,
    /// The lesson's own figures, by name, for tests and the CLI's JSON.
    pub figures: Vec<(&'static str, i64)>,
}

/// Findings as they cross from the engine worker to the page: the same text and figures,
/// owned. The worker computes them from the whole trace (the page's copy may be cut).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsText {
    pub headline: String,
    pub details: Vec<String>,
    pub figures: Vec<(String, i64)>,
}

impl From<Findings> for FindingsText {
    fn from(findings: Findings) -> Self {
        FindingsText {
            headline: findings.headline,
            details: findings.details,
            figures: findings.figures.into_iter().map(|(name, value)| (name.to_string(), value)).collect(),
        }
    }
}

impl Built {
    /// A Program with the run settings its common knobs ask for.
    pub fn new(program: Program, common: &Common) -> Built {
        let mut settings = run_settings(common);
        if let Some(interval) = program.switch_interval {
            settings.switch_interval = interval;
        }
        Built { program, settings, common: common.clone() }
    }

    /// How the simulated engine runs it: its run settings on the machine the common knobs
    /// describe (`cores`, `seed`, `schedule`).
    pub fn sim_settings(&self) -> SimSettings {
        SimSettings {
            run: self.settings,
            cores: self.common.cores,
            seed: self.common.seed,
            schedule: self.common.schedule.clone(),
            ..SimSettings::default()
        }
    }

    /// The Program and [`Built::sim_settings`], for the simulated engine.
    pub fn into_sim(self) -> (Program, SimSettings) {
        let settings = self.sim_settings();
        (self.program, settings)
    }
}

/// Run settings from the common knobs (`gil`, `python`, `output`, `time_scale`).
fn run_settings(common: &Common) -> RunSettings {
    RunSettings {
        gil: common.gil,
        python: common.python,
        output: match common.output {
            Output::Tty => OutputMode::Tty,
            Output::Pipe => OutputMode::Pipe,
            Output::Unbuffered => OutputMode::Unbuffered,
        },
        time_scale: common.time_scale,
        panic_for_test: common.test_panic,
        ..RunSettings::default()
    }
}
