//! `your_program`: a blank page for the learner's own Python, opened on one of a few
//! starter programs (the `starter` knob), each a file beside this one. Its findings, and
//! those of any lesson whose program the learner edited, are computed from the run alone:
//! how it ended, the exceptions raised, and each shared variable's final value.

use crate::compile::compile;
use crate::engine::program::{ObjectId, Program};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{group_digits, Lang, Prose, Text};
use crate::knobs::{Common, FromKnobs, KnobKind, KnobSpec, KnobValue, KnobValues};
use crate::lessons::failures;
use crate::lessons::knob_words::knob_error;
use crate::lessons::{Built, FindingsText, Group, KnobWords, Lesson, LessonInfo, LessonWords};
use crate::said;

/// The starter programs, by the `starter` knob's value.
pub const STARTERS: &[(&str, &str)] = &[
    ("lost_updates", include_str!("your_program/lost_updates.py")),
    ("deadlock", include_str!("your_program/deadlock.py")),
    ("producer_consumer", include_str!("your_program/producer_consumer.py")),
    ("start_signal", include_str!("your_program/start_signal.py")),
    ("value_race", include_str!("your_program/value_race.py")),
];

const KNOBS: &[KnobSpec] = &[KnobSpec {
    name: "starter",
    kind: KnobKind::Choice(&["lost_updates", "deadlock", "producer_consumer", "start_signal", "value_race"]),
    default: "lost_updates",
}];

/// Figure of a run that deadlocked or hung (every thread waits for something no thread
/// will do): 1, else 0.
pub const STUCK: &str = "stuck";
/// Figure: how many exceptions the run raised.
pub const EXCEPTIONS: &str = "exceptions";

pub const INFO: LessonInfo = LessonInfo {
    id: "your_program",
    group: Group::Yours,
    title: Text { en: "Your program", ko: "나의 프로그램" },
    teaser: Text {
        en: "Write your own threaded Python, run it on both engines, step it and search its interleavings.",
        ko: "스레드를 쓰는 파이썬을 직접 써서 두 엔진으로 실행하고, 한 단계씩 밟아 보고, 가능한 실행 순서를 \
             찾아보세요.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "gil", "cores", "python", "output", "seed"],
    shows: |_, _| true,
    breaks: Some(STUCK),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "Start from one of the programs below, or edit it into your own: threads, locks, conditions, events, \
             semaphores and barriers, shared numbers and lists, functions, loops and f-string prints, processes with \
             queues, pipes, `Value`s and pools. The findings list how the run ended, what it raised, and the final \
             value of every shared variable; explore searches seeds and schedules for a run that hangs, or where a \
             variable ends at a value you did not expect.",
        ko: "아래 프로그램 가운데 하나로 시작하거나 고쳐서 나만의 프로그램을 만들어 보세요. 스레드, 락, 컨디션, \
             이벤트, 세마포어, 배리어, 공유하는 숫자와 리스트, 함수, 반복문, f-문자열 출력, 그리고 \
             큐·파이프·`Value`·풀을 쓰는 프로세스까지 쓸 수 있습니다. 결과에는 실행이 어떻게 끝났는지, 어떤 예외가 \
             났는지, 공유 변수마다 마지막 값이 나옵니다. 탐색은 멈춰 버리는 실행이나 변수가 뜻밖의 값으로 끝나는 \
             실행을 시드와 스케줄에서 찾습니다.",
    },
    seed_changes: WRITTEN_SEED_CHANGES,
    knobs: &[KnobWords {
        name: "starter",
        label: Text { en: "Starter program", ko: "시작 프로그램" },
        help: Text {
            en: "The program to start from: `lost_updates` (threads lose deposits), `deadlock` (locks taken in \
                 opposite orders), `producer_consumer` (a `Condition`), `start_signal` (an `Event`), \
                 `value_race` (an unlocked `Value`).",
            ko: "처음에 여는 프로그램입니다. `lost_updates`(스레드가 입금을 잃음), `deadlock`(반대 순서로 잡는 락), \
                 `producer_consumer`(`Condition`), `start_signal`(`Event`), `value_race`(락 없는 `Value`).",
        },
    }],
};

/// What the seed changes in a written program (the page says it of any edited one).
pub const WRITTEN_SEED_CHANGES: Text = Text {
    en: "Where the threads take turns, and so anything your program leaves to chance.",
    ko: "스레드가 번갈아 도는 자리가 바뀌므로, 프로그램이 운에 맡긴 것은 무엇이든 달라집니다.",
};

/// The lesson as the engine worker runs it: the chosen starter, compiled.
pub const LESSON: Lesson = Lesson { info: &INFO, words: &WORDS, build, findings: starter_findings };

/// The text of the starter `name`.
pub fn starter(name: &str) -> Option<&'static str> {
    STARTERS.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

fn build(knobs: &KnobValues) -> Result<Built, Prose> {
    let common = Common::from_knobs(knobs).map_err(|e| knob_error(&e))?;
    Ok(Built::new(starter_program(knobs)?, &common))
}

fn starter_program(knobs: &KnobValues) -> Result<Program, Prose> {
    let Some(KnobValue::Choice(name)) = knobs.get("starter") else {
        return Err(said!("no starter chosen", "시작 프로그램을 고르지 않았습니다"));
    };
    let text =
        starter(name).ok_or_else(|| said!("there is no starter `{name}`", "`{name}` 시작 프로그램은 없습니다"))?;
    compile(text).map_err(|e| {
        let place = failures::compile_error(&e);
        let (en, ko) = (place.en, place.ko);
        said!("`{name}.py`, {en}", "`{name}.py`, {ko}")
    })
}

fn starter_findings(knobs: &KnobValues, trace: &Trace, lang: Lang) -> FindingsText {
    match starter_program(knobs) {
        Ok(program) => findings(&program, trace, lang),
        Err(e) => FindingsText { headline: e.get(lang).to_string(), ..FindingsText::default() },
    }
}

/// The findings of a run of `program` (a starter, or any program the learner wrote): how
/// it ended, its exceptions, and each shared variable's final value, which are also its
/// figures (with [`STUCK`] and [`EXCEPTIONS`]).
pub fn findings(program: &Program, trace: &Trace, lang: Lang) -> FindingsText {
    let ko = lang == Lang::Ko;
    let stuck = matches!(trace.outcome, Outcome::Deadlock { .. } | Outcome::Stuck { .. });
    let errors = trace.errors.len() as i64;
    let mut figures = vec![(STUCK.to_string(), i64::from(stuck)), (EXCEPTIONS.to_string(), errors)];
    let mut finals = Vec::new();
    for (i, object) in program.objects.iter().enumerate() {
        let Some(name) = crate::lessons::setup::variable_name(object) else { continue };
        if let Some(value) = trace.final_value(ObjectId(i as u16)) {
            // A variable named like one of the figures above keeps its own figure apart.
            let figure = match name.as_str() {
                STUCK | EXCEPTIONS | "ms" => format!("{name} (variable)"),
                name => name.to_string(),
            };
            figures.push((figure, value));
            finals.push(format!("`{name} = {}`", group_digits(value)));
        }
    }
    let ms = trace.wall as f64 / 1e6;
    let headline = match (&trace.outcome, ko) {
        (Outcome::Completed, false) => format!("Your program ran to its end in {ms:.1} ms."),
        (Outcome::Completed, true) => format!("프로그램이 {ms:.1} ms 만에 끝까지 실행되었습니다."),
        (Outcome::Deadlock { cycle }, false) => {
            format!("Deadlock: {} threads wait for each other in a cycle, for ever.", cycle.len())
        }
        (Outcome::Deadlock { cycle }, true) => {
            format!("교착 상태: 스레드 {}개가 서로를 기다리며 영원히 멈췄습니다.", cycle.len())
        }
        (Outcome::Stuck { .. }, false) => {
            "Stuck: every thread left waits for something no thread will ever do.".to_string()
        }
        (Outcome::Stuck { .. }, true) => "멈춤: 남은 스레드가 모두 아무도 해 주지 않을 일을 기다립니다.".to_string(),
        (_, _) => crate::lessons::parts::not_finished(lang),
    };
    let mut details = Vec::new();
    if !finals.is_empty() {
        let label = if ko { "공유 변수의 마지막 값" } else { "Shared variables at the end" };
        details.push(format!("{label}: {}.", finals.join(", ")));
    }
    if errors > 0 {
        details.push(if ko {
            format!("예외가 {errors}번 났습니다. 콘솔에 스레드와 줄이 나옵니다.")
        } else {
            format!("{errors} exception(s) raised: the console shows each with its thread and line.")
        });
    }
    figures.push(("ms".to_string(), (trace.wall / 1_000_000) as i64));
    FindingsText { headline, details, figures }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sim::{self, SimSettings};

    fn run(name: &str, seed: u64) -> (Program, Trace) {
        let program = compile(starter(name).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let trace = sim::run(program.clone(), SimSettings { seed, ..SimSettings::default() }).unwrap();
        (program, trace)
    }

    fn figure(findings: &FindingsText, name: &str) -> i64 {
        findings.figures.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name}: {findings:?}")).1
    }

    #[test]
    fn every_starter_is_a_knob_value_and_compiles() {
        let KnobKind::Choice(choices) = KNOBS[0].kind else { panic!() };
        let names: Vec<&str> = STARTERS.iter().map(|(n, _)| *n).collect();
        assert_eq!(choices, names.as_slice());
        for (name, text) in STARTERS {
            compile(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn the_findings_say_how_each_starter_ended() {
        let (program, trace) = run("lost_updates", 1);
        let found = findings(&program, &trace, Lang::En);
        assert!(found.headline.starts_with("Your program ran to its end"), "{found:?}");
        // Deposits are lost, as the starter's name says (CPython ends at 100 of 200 here).
        let balance = figure(&found, "balance");
        assert!(balance > 0 && balance < 200, "{found:?}");
        assert_eq!(figure(&found, STUCK), 0);
        assert!(found.details[0].contains(&format!("balance = {balance}")), "{found:?}");

        let (program, trace) = run("deadlock", 1);
        let found = findings(&program, &trace, Lang::Ko);
        assert!(found.headline.starts_with("교착 상태: 스레드 2개"), "{found:?}");
        assert_eq!(figure(&found, STUCK), 1);

        // Updates of a Value without its lock are lost (CPython here: 31 000 to 39 000 of 80 000).
        let (program, trace) = run("value_race", 1);
        let found = findings(&program, &trace, Lang::En);
        let total = figure(&found, "v.value");
        assert!(total > 20_000 && total < 80_000, "{found:?}");
        assert!(found.details[0].contains("v.value = "), "{found:?}");

        for name in ["producer_consumer", "start_signal"] {
            let (program, trace) = run(name, 3);
            let found = findings(&program, &trace, Lang::En);
            assert_eq!((figure(&found, STUCK), figure(&found, EXCEPTIONS)), (0, 0), "{name}: {found:?}");
        }
    }
}
