//! What a run is of: a lesson with its knobs, or, once the learner has edited the program,
//! their own Python run with the lesson's common knobs (engine, seed, cores, GIL...). The
//! worker's runs, explorations and stepper, and the CLI's, all start from a [`Setup`], so an
//! edited program gets everything a lesson's gets.

use serde::{Deserialize, Serialize};

use crate::compile::compile;
use crate::engine::program::{ObjectKind, Program};
use crate::engine::sim::{size, Sim};
use crate::engine::trace::Trace;
use crate::i18n::{Lang, Prose};
use crate::knobs::{Common, FromKnobs, KnobValues};
use crate::lessons::failures::{self, then};
use crate::lessons::knob_words::knob_error;
use crate::lessons::{self, your_program, Built, FindingsText, Lesson};
use crate::said;

#[derive(Clone, Debug)]
pub struct Setup {
    pub lesson: &'static Lesson,
    pub knobs: KnobValues,
    /// The learner's own program, compiled, in place of the lesson's.
    own: Option<Program>,
    /// What a run of a written program must do, for explore.
    expect: Option<Expect>,
}

/// What a run of a written program must do, as the learner says it for explore: a run
/// that does not, breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expect {
    /// A shared variable ends at this value.
    Ends { variable: String, value: i64 },
    /// The output contains this text (a line as the program prints it, say).
    Prints(String),
}

/// The longest text a run may be expected to print.
pub const MAX_EXPECTED_TEXT: usize = 200;

impl Expect {
    /// The figure's name: what a breaking run did instead.
    pub fn figure(&self) -> String {
        match self {
            Expect::Ends { variable, value } => format!("{variable} != {value}"),
            Expect::Prints(text) => format!("output lacks \"{text}\""),
        }
    }
}

impl Setup {
    /// `lesson` with knobs given as `name=value` (strictly: a wrong one is an error), and
    /// the learner's text in place of its program if there is one (`Err` says where it is
    /// refused, by line and column).
    pub fn new(lesson: &'static Lesson, pairs: &[(String, String)], code: Option<&str>) -> Result<Setup, Prose> {
        let knobs = lessons::knobs_from_pairs(lesson, pairs)?;
        let own = code.map(|text| compile(text).map_err(|e| failures::compile_error(&e))).transpose()?;
        let mut setup = Setup { lesson, knobs, own, expect: None };
        // A starter is compiled once here, not again for every seed explored.
        if setup.own.is_none() && lesson.info.id == your_program::INFO.id {
            setup.own = Some(setup.build()?.program);
        }
        Ok(setup)
    }

    /// Explore's figure for a written program (the learner's, or a starter): runs that do
    /// not do what `expect` says break.
    pub fn expecting(mut self, expect: Expect) -> Result<Setup, Prose> {
        let Some(program) = &self.own else {
            let (id, breaks) = (self.lesson.info.id, self.lesson.info.breaks.unwrap_or("nothing"));
            return Err(said!(
                "`{id}` looks for `{breaks}` when explored; what a run should do is for your own program to say",
                "`{id}`은(는) 탐색할 때 `{breaks}`을(를) 찾습니다. 실행이 무엇을 해야 하는지는 직접 쓴 프로그램에서만 \
                 정할 수 있습니다"
            ));
        };
        match &expect {
            Expect::Ends { variable, .. } => {
                let names = shared_variables(program);
                if !names.iter().any(|n| n == variable) {
                    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                    return Err(if names.is_empty() {
                        said!(
                            "the program has no shared variable `{variable}`; it has no shared variables",
                            "프로그램에 공유 변수 `{variable}`이(가) 없습니다. 공유 변수가 하나도 없습니다"
                        )
                    } else {
                        said!(
                            "the program has no shared variable `{variable}`; its shared variables: {list}",
                            "프로그램에 공유 변수 `{variable}`이(가) 없습니다. 공유 변수: {list}"
                        )
                    });
                }
            }
            Expect::Prints(text) if text.is_empty() || text.chars().count() > MAX_EXPECTED_TEXT => {
                return Err(said!(
                    "the text a run should print is 1 to {MAX_EXPECTED_TEXT} characters",
                    "실행이 출력해야 할 텍스트는 1자에서 {MAX_EXPECTED_TEXT}자까지입니다"
                ));
            }
            Expect::Prints(_) => {}
        }
        self.expect = Some(expect);
        Ok(self)
    }

    /// Whether the program is Python text (the learner's, or a starter), judged by what any
    /// program's run shows rather than by a lesson's own findings.
    fn is_written(&self) -> bool {
        self.own.is_some()
    }

    /// The Program and its run settings.
    pub fn build(&self) -> Result<Built, Prose> {
        self.build_with(&self.knobs)
    }

    /// The same run with another seed (explore).
    pub fn with_seed(&self, seed: u64) -> Result<Built, Prose> {
        let mut knobs = self.knobs.clone();
        knobs.set("seed", &seed.to_string()).map_err(|e| knob_error(&e))?;
        self.build_with(&knobs)
    }

    fn build_with(&self, knobs: &KnobValues) -> Result<Built, Prose> {
        match &self.own {
            Some(program) => {
                let common = Common::from_knobs(knobs).map_err(|e| knob_error(&e))?;
                Ok(Built::new(program.clone(), &common))
            }
            None => (self.lesson.build)(knobs),
        }
    }

    /// The Python the program was made from.
    pub fn source(&self) -> Result<String, Prose> {
        match &self.own {
            Some(program) => Ok(program.source.clone()),
            None => self.build().map(|built| built.program.source),
        }
    }

    /// The figure whose non-zero value means a run broke, for explore.
    pub fn breaks(&self) -> Option<String> {
        match &self.expect {
            Some(expect) => Some(expect.figure()),
            None if self.is_written() => Some(your_program::STUCK.to_string()),
            None => self.lesson.info.breaks.map(str::to_string),
        }
    }

    /// What to notice about a run, in `lang`: a written program's (with what it was
    /// expected to do, which only a written program can be given), or the lesson's own.
    pub fn findings(&self, trace: &Trace, lang: Lang) -> FindingsText {
        let Some(program) = &self.own else { return (self.lesson.findings)(&self.knobs, trace, lang) };
        let mut findings = your_program::findings(program, trace, lang);
        self.add_expected(program, trace, &mut findings);
        findings
    }

    /// The expectation's figure: 1 when the run did not do it, else 0.
    fn add_expected(&self, program: &Program, trace: &Trace, findings: &mut FindingsText) {
        let Some(expect) = &self.expect else { return };
        let broke = match expect {
            Expect::Ends { variable, value } => {
                let object = program.objects.iter().position(|o| variable_name(o).as_ref() == Some(variable));
                let ended = object.and_then(|i| trace.final_value(crate::engine::program::ObjectId(i as u16)));
                ended != Some(*value)
            }
            Expect::Prints(text) => !trace.console_text().contains(text.as_str()),
        };
        findings.figures.insert(0, (expect.figure(), i64::from(broke)));
    }

    /// A run's findings in every language of the page, in [`Lang::ALL`] order.
    pub fn findings_in_every_language(&self, trace: &Trace) -> Vec<FindingsText> {
        Lang::ALL.iter().map(|lang| self.findings(trace, *lang)).collect()
    }

    /// A simulated run, ready to go: refused up front if too large (for a lesson, with
    /// smaller knob values that would do).
    pub fn simulation(&self) -> Result<Sim, Prose> {
        self.simulation_of(self.build()?)
    }

    /// [`Setup::simulation`] of this setup already built.
    pub fn simulation_of(&self, built: Built) -> Result<Sim, Prose> {
        if let Err(too_large) = size::check(&built.program, &built.settings, size::MAX_PLANNED_STEPS) {
            let fits = |b: &Built| size::estimate(&b.program, &b.settings).steps <= size::MAX_PLANNED_STEPS;
            return Err(then(failures::too_large(&too_large), &self.smaller(fits)));
        }
        let (program, settings) = built.into_sim();
        Sim::new(program, settings).map_err(|e| failures::sim_error(&e))
    }

    /// For a run too large with these knobs, a sentence of smaller knob values that would
    /// fit (empty for the learner's program: its size is in its text, not in the knobs).
    pub fn smaller(&self, fits: impl Fn(&Built) -> bool) -> Prose {
        if self.is_written() {
            return Prose::default();
        }
        lessons::suggestion(&lessons::smaller_knobs(self.lesson, &self.knobs, fits))
    }
}

/// The names of a program's shared variables (what explore can expect a value of).
pub fn shared_variables(program: &Program) -> Vec<String> {
    program.objects.iter().filter_map(variable_name).collect()
}

/// How a program names a number it shares: a variable by its name, a
/// `multiprocessing.Value` as `v.value`; `None` for other objects.
pub fn variable_name(object: &crate::engine::program::ObjectDef) -> Option<String> {
    match object.kind {
        ObjectKind::Var { .. } => Some(object.name.clone()),
        ObjectKind::SharedValue { .. } => Some(format!("{}.value", object.name)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sim;

    fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const RACE: &str = "import threading\ncounter = 0\n\ndef work():\n    global counter\n    counter += 1\n\n\
                        t = threading.Thread(target=work)\nt.start()\nt.join()\nprint(counter)\n";

    #[test]
    fn an_edited_program_replaces_the_lessons_and_keeps_its_common_knobs() {
        let race = lessons::lesson("race_counter").unwrap();
        let knobs = pairs(&[("threads", "8"), ("seed", "9"), ("cores", "1")]);
        let setup = Setup::new(race, &knobs, Some(RACE)).unwrap();
        let built = setup.build().unwrap();
        assert_eq!(built.program.actors.len(), 2, "the edited program's threads, not the lesson's 8");
        assert_eq!((built.common.seed, built.common.cores), (9, 1));
        let settings = built.sim_settings();
        let trace = sim::run(built.program, settings).unwrap();
        let found = setup.findings(&trace, Lang::En);
        assert!(found.figures.contains(&("counter".to_string(), 1)), "{found:?}");
        assert_eq!(setup.breaks().as_deref(), Some("stuck"));
        // Without the text, the lesson's own program and findings.
        let lesson = Setup::new(race, &knobs, None).unwrap();
        assert_eq!(lesson.build().unwrap().program.actors.len(), 9);
        assert_eq!(lesson.breaks().as_deref(), Some("lost"));
    }

    #[test]
    fn refusals_name_the_place_and_the_knob() {
        let race = lessons::lesson("race_counter").unwrap();
        let refused = Setup::new(race, &[], Some("import threading\nclass A:\n    pass\n")).unwrap_err();
        assert!(refused.en.starts_with("line 2, column 1: "), "{refused:?}");
        assert!(refused.ko.starts_with("2번째 줄, 1번째 칸: "), "{refused:?}");
        let knob = Setup::new(race, &pairs(&[("threads", "x")]), Some(RACE)).unwrap_err();
        assert!(knob.en.contains("threads") && knob.ko.contains("threads"), "{knob:?}");
        let lesson = Setup::new(race, &[], None)
            .unwrap()
            .expecting(Expect::Ends { variable: "counter".into(), value: 4 })
            .unwrap_err();
        assert!(lesson.en.contains("looks for `lost`"), "{lesson:?}");
        failures::tests::assert_worded(&lesson);
        let missing = Setup::new(race, &[], Some(RACE))
            .unwrap()
            .expecting(Expect::Ends { variable: "total".into(), value: 4 })
            .unwrap_err();
        assert!(missing.en.contains("shared variables: `counter`"), "{missing:?}");
        failures::tests::assert_worded(&missing);
    }

    #[test]
    fn a_run_too_large_is_refused_in_both_languages_with_the_knobs_that_would_do() {
        let race = lessons::lesson("race_counter").unwrap();
        let knobs = pairs(&[("threads", "16"), ("increments", "10000000"), ("gil", "off")]);
        let refused = Setup::new(race, &knobs, None).unwrap().simulation().err().unwrap();
        assert!(refused.en.starts_with("this run is too large for the simulated engine"), "{}", refused.en);
        assert!(
            refused.en.ends_with("or less would do)") && refused.ko.ends_with("이하로 줄이면 됩니다)"),
            "{refused:?}"
        );
        failures::tests::assert_worded(&refused);
        // The learner's own program: its size is in its text, not in the knobs.
        let written = Setup::new(race, &pairs(&[("threads", "16")]), Some(RACE)).unwrap();
        assert_eq!(written.smaller(|_| true), Prose::default());
    }

    #[test]
    fn an_expected_value_is_the_figure_explore_looks_for() {
        let race = lessons::lesson("race_counter").unwrap();
        for (wanted, off) in [(1, 0), (2, 1)] {
            let setup = Setup::new(race, &[], Some(RACE))
                .unwrap()
                .expecting(Expect::Ends { variable: "counter".into(), value: wanted })
                .unwrap();
            let figure = format!("counter != {wanted}");
            assert_eq!(setup.breaks(), Some(figure.clone()));
            let built = setup.with_seed(3).unwrap();
            let settings = built.sim_settings();
            let trace = sim::run(built.program, settings).unwrap();
            assert_eq!(setup.findings(&trace, Lang::En).figures[0], (figure, off));
        }
        // Or by what a run prints: the lost deposits end at 100, never 200.
        let starter = lessons::lesson("your_program").unwrap();
        for (text, off) in [("balance = 200", 1), ("balance = 100", 0)] {
            let setup = Setup::new(starter, &[], None).unwrap().expecting(Expect::Prints(text.into())).unwrap();
            let (program, settings) = setup.build().unwrap().into_sim();
            let trace = sim::run(program, settings).unwrap();
            assert_eq!(setup.findings(&trace, Lang::En).figures[0], (format!("output lacks \"{text}\""), off));
        }
        let empty = Setup::new(starter, &[], None).unwrap().expecting(Expect::Prints(String::new())).unwrap_err();
        assert!(empty.en.contains("1 to 200 characters"), "{empty:?}");
        failures::tests::assert_worded(&empty);
        // A starter is written Python too: it can be expected of.
        let starter = lessons::lesson("your_program").unwrap();
        let setup = Setup::new(starter, &[], None)
            .unwrap()
            .expecting(Expect::Ends { variable: "balance".into(), value: 200 })
            .unwrap();
        let built = setup.build().unwrap();
        let settings = built.sim_settings();
        let trace = sim::run(built.program, settings).unwrap();
        assert_eq!(setup.findings(&trace, Lang::En).figures[0], ("balance != 200".to_string(), 1));
    }
}
