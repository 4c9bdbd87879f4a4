//! Exploring a lesson: the lesson as the explorer's [`Subject`] (its Program for each seed,
//! judged by its breaking figure), refused up front when the knobs make it too large.

use crate::engine::explore::{ExploreReport, ExploreRequest, Explorer, Subject, BUDGET_STEPS};
use crate::engine::program::Program;
use crate::engine::sim::{size, SimSettings};
use crate::engine::trace::Trace;
use crate::i18n::Lang;
use crate::knobs::KnobValues;
use crate::lessons::{self, Built, Lesson};

/// A lesson with its knobs, each seed's run judged by its findings' figures.
struct LessonRuns {
    lesson: &'static Lesson,
    knobs: KnobValues,
}

impl Subject for LessonRuns {
    fn simulation(&self, seed: u64) -> Result<(Program, SimSettings), String> {
        let mut knobs = self.knobs.clone();
        knobs.set("seed", &seed.to_string()).map_err(|e| e.to_string())?;
        let built = (self.lesson.build)(&knobs)?;
        Ok(built.into_sim())
    }

    fn figures(&self, trace: &Trace) -> Vec<(String, i64)> {
        let findings = (self.lesson.findings)(&self.knobs, trace, Lang::En);
        findings.figures.into_iter().map(|(name, value)| (name.to_string(), value)).collect()
    }
}

/// An exploration of `lesson` with knobs given as `name=value` (as the CLI and the page
/// give them): refused by name if the lesson has nothing that breaks, the knobs ask for the
/// live engine, or the search would be too large (with smaller knob values that would do).
pub fn explorer(
    lesson: &'static Lesson,
    pairs: &[(String, String)],
    request: ExploreRequest,
) -> Result<Explorer, String> {
    let figure = lesson.info.breaks.ok_or_else(|| {
        let with: Vec<&str> = lessons::CATALOGUE.iter().filter(|l| l.breaks.is_some()).map(|l| l.id).collect();
        format!("{} has nothing that breaks to look for; explore {}", lesson.info.id, with.join(", "))
    })?;
    request.check()?;
    let (knobs, built) = lessons::build_from_pairs(lesson, pairs)?;
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
            lessons::suggestion(&lessons::smaller_knobs(lesson, &knobs, fits)),
        ));
    }
    Explorer::new(Box::new(LessonRuns { lesson, knobs }), figure, request)
}

/// Runs a whole exploration of a lesson (the CLI and tests).
pub fn explore(
    lesson: &'static Lesson,
    pairs: &[(String, String)],
    request: ExploreRequest,
) -> Result<ExploreReport, String> {
    explorer(lesson, pairs, request)?.run_to_end()
}
