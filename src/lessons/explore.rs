//! Exploring a lesson or the learner's program: its [`Setup`] as the explorer's
//! [`Subject`] (its Program for each seed, judged by its breaking figure), refused up front
//! when the knobs make it too large.

use crate::engine::explore::{ExploreReport, ExploreRequest, Explorer, Subject, BUDGET_STEPS};
use crate::engine::program::Program;
use crate::engine::sim::{size, SimError, SimSettings};
use crate::engine::trace::Trace;
use crate::i18n::{Lang, Prose};
use crate::lessons::failures::{self, about};
use crate::lessons::{self, Built, Lesson, Setup};
use crate::said;

/// A setup (a lesson with its knobs, or the learner's program), each seed's run judged by
/// its findings' figures.
struct SetupRuns {
    setup: Setup,
}

impl Subject for SetupRuns {
    type Error = Prose;

    fn simulation(&self, seed: u64) -> Result<(Program, SimSettings), Prose> {
        Ok(self.setup.with_seed(seed)?.into_sim())
    }

    fn figures(&self, trace: &Trace) -> Vec<(String, i64)> {
        self.setup.findings(trace, Lang::En).figures
    }

    fn failed(&self, error: SimError) -> Prose {
        failures::sim_error(&error)
    }
}

/// An exploration of a setup: refused by name if it has nothing that breaks, its knobs ask
/// for the live engine, or the search would be too large (with smaller knob values that
/// would do).
pub fn explorer(setup: Setup, request: ExploreRequest) -> Result<Explorer<Prose>, Prose> {
    let figure = setup.breaks().ok_or_else(|| {
        let with: Vec<String> =
            lessons::CATALOGUE.iter().filter(|l| l.breaks.is_some()).map(|l| format!("`{}`", l.id)).collect();
        let (id, with) = (setup.lesson.info.id, with.join(", "));
        said!(
            "`{id}` has nothing that breaks to look for; explore {with}",
            "`{id}`에는 탐색으로 찾을, 깨지는 실행이 없습니다. 탐색할 수 있는 레슨: {with}"
        )
    })?;
    request.check().map_err(|e| failures::out_of_range(&e))?;
    let built = setup.build()?;
    if built.common.live {
        return Err(said!(
            "exploring runs the simulated engine: a live run cannot be replayed",
            "탐색은 시뮬레이션 엔진으로 실행합니다. 라이브 실행은 똑같이 다시 실행할 수 없습니다"
        ));
    }
    // What it would cost, known before the first run: refused if too large.
    let planned = request.planned_runs();
    let per_run = |b: &Built| size::estimate(&b.program, &b.settings).steps;
    let fits = |b: &Built| per_run(b) <= size::MAX_PLANNED_STEPS && per_run(b).saturating_mul(planned) <= BUDGET_STEPS;
    if !fits(&built) {
        let steps = per_run(&built);
        let (each, all, most) = (about(steps), about(steps.saturating_mul(planned)), about(BUDGET_STEPS));
        let smaller = setup.smaller(fits);
        let (each_en, all_en, most_en, smaller_en) = (each.en, all.en, most.en, smaller.en);
        let (each_ko, all_ko, most_ko, smaller_ko) = (each.ko, all.ko, most.ko, smaller.ko);
        return Err(said!(
            "this exploration is too large: {planned} runs of about {each_en} simulated steps each, {all_en} in all, \
             and an exploration takes at most {most_en}{smaller_en}; fewer seeds or picks would also do",
            "이 탐색은 너무 큽니다. 실행 {planned}번에 각각 약 {each_ko} 시뮬레이션 단계, 모두 {all_ko}단계인데, \
             탐색은 최대 {most_ko}단계까지만 합니다{smaller_ko}. 시드나 선택 수를 줄여도 됩니다"
        ));
    }
    Explorer::new(Box::new(SetupRuns { setup }), &figure, request).map_err(|e| failures::out_of_range(&e))
}

/// Runs a whole exploration of a lesson with knobs given as `name=value` (the CLI and tests).
pub fn explore(
    lesson: &'static Lesson,
    pairs: &[(String, String)],
    request: ExploreRequest,
) -> Result<ExploreReport, Prose> {
    explorer(Setup::new(lesson, pairs, None)?, request)?.run_to_end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::failures::tests::assert_worded;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_refusal_to_explore_is_worded_in_both_languages() {
        let (race, gil) = (lessons::lesson("race_counter").unwrap(), lessons::lesson("gil").unwrap());
        let setup = |lesson, list: &[(&str, &str)]| Setup::new(lesson, &pairs(list), None).unwrap();
        let request = ExploreRequest { seeds: 3, picks: 1, max_runs: 100, stop_at_first_break: false };
        let refused = |setup, request| explorer(setup, request).err().unwrap();
        let refusals = [
            (refused(setup(gil, &[]), request), "`gil` has nothing that breaks to look for; explore `race_counter`"),
            (refused(setup(race, &[]), ExploreRequest { seeds: 0, ..request }), "1 to 100000 seeds, not 0"),
            (refused(setup(race, &[]), ExploreRequest { picks: 9, ..request }), "0 to 3 picks"),
            (refused(setup(race, &[]), ExploreRequest { max_runs: 0, ..request }), "1 to 100000 runs, not 0"),
            (refused(setup(race, &[("engine", "live")]), request), "a live run cannot be replayed"),
            (
                refused(
                    setup(race, &[("gil", "off")]),
                    ExploreRequest { seeds: 20, picks: 2, max_runs: 5_000, ..request },
                ),
                "this exploration is too large: 5000 runs of about",
            ),
        ];
        for (said, english) in &refusals {
            assert!(said.en.contains(english), "{said:?}");
            assert_worded(said);
        }
        // Too large, with the knob values that would do, in each language.
        let (too_large, _) = &refusals[5];
        assert!(too_large.en.contains("or less would do); fewer seeds"), "{}", too_large.en);
        assert!(too_large.ko.contains("이하로 줄이면 됩니다). 시드나"), "{}", too_large.ko);
    }
}
