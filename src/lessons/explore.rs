//! Exploring a lesson or the learner's program: its [`Setup`] as the explorer's
//! [`Subject`] (its Program for each seed, judged by its breaking figure), refused up front
//! when the knobs make it too large.

use crate::engine::explore::{ExploreReport, ExploreRequest, Explorer, Subject, BUDGET_STEPS};
use crate::engine::program::Program;
use crate::engine::sim::{size, SimSettings};
use crate::engine::trace::Trace;
use crate::i18n::Lang;
use crate::lessons::{self, Built, Lesson, Setup};

/// A setup (a lesson with its knobs, or the learner's program), each seed's run judged by
/// its findings' figures.
struct SetupRuns {
    setup: Setup,
}

impl Subject for SetupRuns {
    fn simulation(&self, seed: u64) -> Result<(Program, SimSettings), String> {
        Ok(self.setup.with_seed(seed)?.into_sim())
    }

    fn figures(&self, trace: &Trace) -> Vec<(String, i64)> {
        self.setup.findings(trace, Lang::En).figures
    }
}

/// An exploration of a setup: refused by name if it has nothing that breaks, its knobs ask
/// for the live engine, or the search would be too large (with smaller knob values that
/// would do).
pub fn explorer(setup: Setup, request: ExploreRequest) -> Result<Explorer, String> {
    let figure = setup.breaks().ok_or_else(|| {
        let with: Vec<&str> = lessons::CATALOGUE.iter().filter(|l| l.breaks.is_some()).map(|l| l.id).collect();
        format!("{} has nothing that breaks to look for; explore {}", setup.lesson.info.id, with.join(", "))
    })?;
    request.check()?;
    let built = setup.build()?;
    if built.common.live {
        return Err("exploring runs the simulated engine: a live run cannot be replayed".into());
    }
    // What it would cost, known before the first run: refused if too large.
    let planned = request.planned_runs();
    let per_run = |b: &Built| size::estimate(&b.program, &b.settings).steps;
    let fits = |b: &Built| per_run(b) <= size::MAX_PLANNED_STEPS && per_run(b).saturating_mul(planned) <= BUDGET_STEPS;
    if !fits(&built) {
        let steps = per_run(&built);
        return Err(format!(
            "this exploration is too large: {planned} runs of about {} simulated steps each, {} in all, and an \
             exploration takes at most {}{}; fewer seeds or picks would also do",
            size::about(steps),
            size::about(steps.saturating_mul(planned)),
            size::about(BUDGET_STEPS),
            setup.smaller(fits),
        ));
    }
    Explorer::new(Box::new(SetupRuns { setup }), &figure, request)
}

/// Runs a whole exploration of a lesson with knobs given as `name=value` (the CLI and tests).
pub fn explore(
    lesson: &'static Lesson,
    pairs: &[(String, String)],
    request: ExploreRequest,
) -> Result<ExploreReport, String> {
    explorer(Setup::new(lesson, pairs, None)?, request)?.run_to_end()
}
