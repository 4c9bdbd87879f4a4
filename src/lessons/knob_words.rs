//! What the common knobs mean, and a lesson's knob words all together: the engine worker
//! sends them to the page with the lesson's Python, so the page's wasm carries none of them.

use crate::i18n::{Lang, Prose, Text};
use crate::knobs::{common, KnobError, KnobKind};
use crate::lessons::{KnobWords, Lesson};

/// The common knobs a form can show (`lang` is the page's switch; `schedule` is written by
/// the stepper; neither is in a form).
pub const COMMON: &[KnobWords] = &[
    KnobWords {
        name: "engine",
        label: Text { en: "Engine", ko: "엔진" },
        help: Text {
            en: "`sim` models CPython step by step and repeats a run for a seed; `live` runs real threads on this \
                 machine's cores, different every time.",
            ko: "`sim`은 CPython을 한 단계씩 모형화하며 시드가 같으면 같은 실행을 되풀이합니다. `live`는 이 기기의 \
                 코어에서 실제 스레드로 실행하며 매번 달라집니다.",
        },
    },
    KnobWords {
        name: "seed",
        label: Text { en: "Seed", ko: "시드" },
        help: Text {
            en: "Picks one of the simulated engine's runs: the same seed gives the same run, another seed another \
                 order.",
            ko: "시뮬레이션 엔진의 실행 하나를 고릅니다. 시드가 같으면 같은 실행이, 다르면 다른 순서가 나옵니다.",
        },
    },
    KnobWords {
        name: "cores",
        label: Text { en: "Cores", ko: "코어 수" },
        help: Text {
            en: "How many cores the simulated machine has: how many threads or processes can run at the same moment.",
            ko: "시뮬레이션 기기의 코어 수입니다. 동시에 실행될 수 있는 스레드나 프로세스의 수를 정합니다.",
        },
    },
    KnobWords {
        name: "time_scale",
        label: Text { en: "Time scale", ko: "시간 배율" },
        help: Text {
            en: "Real seconds per second of the program's sleeps and work on the `live` engine (0.1 runs ten times \
                 faster).",
            ko: "`live` 엔진에서 프로그램이 자는 시간과 작업 1초에 실제로 쓰는 초입니다(0.1이면 열 배 빠르게 \
                 실행).",
        },
    },
    KnobWords {
        name: "output",
        label: Text { en: "Output", ko: "출력 방식" },
        help: Text {
            en: "Where `print` writes: `tty` a terminal (a line at a time), `pipe` a pipe (kept until the process \
                 ends), `unbuffered` as `python -u` (text and newline apart).",
            ko: "`print`가 쓰는 곳입니다. `tty`는 터미널(한 줄씩), `pipe`는 파이프(프로세스가 끝날 때까지 모아 둠), \
                 `unbuffered`는 `python -u`처럼 글자와 줄바꿈을 따로 씁니다.",
        },
    },
    KnobWords {
        name: "gil",
        label: Text { en: "GIL", ko: "GIL" },
        help: Text {
            en: "`on`: one thread of a process runs Python at a time; `off`: the free-threaded build (as \
                 `python=3.13t`), threads side by side. `3.13t` and `3.14t` have no GIL whatever this says.",
            ko:
                "`on`이면 한 프로세스에서 한 번에 한 스레드만 파이썬을 실행하고, `off`는 GIL 없는 빌드(\
                 `python=3.13t`처럼)로 스레드들이 나란히 돕니다. `3.13t`와 `3.14t`에는 이 값과 상관없이 GIL이 없습니다.",
        },
    },
    KnobWords {
        name: "python",
        label: Text { en: "Python version", ko: "파이썬 버전" },
        help: Text {
            en: "Where the GIL may switch (`3.9`: any bytecode; later: calls and loop jumps), the default start \
                 method and error texts. `3.13t`, `3.14t`: free-threaded builds, slower per thread as documented.",
            ko: "GIL이 넘어갈 수 있는 곳(`3.9`는 아무 바이트코드, 이후는 호출과 반복문 점프), 기본 시작 방식, 오류 \
                 문구가 달라집니다. `3.13t`, `3.14t`는 GIL 없는 빌드로, 문서대로 스레드 하나가 더 느립니다.",
        },
    },
    KnobWords {
        name: "start_method",
        label: Text { en: "Start method", ko: "시작 방식" },
        help: Text {
            en:
                "`fork` copies the parent; `spawn` starts a fresh interpreter; `forkserver` forks each child from a \
                 server started once. `default`: `fork`, `forkserver` from 3.14. Only `fork` sends nothing by `pickle`.",
            ko:
                "`fork`는 부모를 복사하고, `spawn`은 새 인터프리터를 띄우며, `forkserver`는 한 번 띄운 서버에서 자식을 \
                 복제합니다. `default`는 `fork`, 3.14부터 `forkserver`. `fork`만 아무것도 `pickle`로 보내지 않습니다.",
        },
    },
];

/// Whether a common knob changes a run on this engine (`sim` or `live`): the form shows the
/// others only where they matter.
pub fn matters_on(knob: &str, engine: &str) -> bool {
    match knob {
        "seed" | "cores" | "schedule" => engine != "live",
        "time_scale" => engine == "live",
        _ => true,
    }
}

/// The words of every knob a lesson's form can show: its own, then its common ones (and
/// `cores`, which every lesson takes).
pub fn of_lesson(lesson: &Lesson) -> impl Iterator<Item = &'static KnobWords> {
    let info = lesson.info;
    lesson
        .words
        .knobs
        .iter()
        .chain(COMMON.iter().filter(move |w| info.common_knobs.contains(&w.name) || w.name == common::CORES.name))
}

/// Why a knob's value was not taken as given, in both languages.
pub fn knob_error(error: &KnobError) -> Prose {
    let ko = match error {
        KnobError::Unknown { knob, allowed } => {
            let allowed: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
            format!("알 수 없는 설정 `{knob}`. 가능한 설정: {}", allowed.join(", "))
        }
        KnobError::NotANumber { knob, value, allowed, default } => {
            format!("`{knob}={value}`는 숫자가 아닙니다. 허용 범위: {}. {default}을(를) 씁니다.", allowed_ko(allowed))
        }
        KnobError::OutOfRange { knob, value, allowed, clamped } => {
            format!(
                "`{knob}={value}`는 범위를 벗어났습니다. 허용 범위: {}. {clamped}을(를) 씁니다.",
                allowed_ko(allowed)
            )
        }
        KnobError::NotAChoice { knob, value, choices, default } => {
            format!("`{knob}={value}`는 {} 중 하나가 아닙니다. {default}을(를) 씁니다.", choices.join(" | "))
        }
        KnobError::Repeated { knob, used } => format!("`{knob}`가 여러 번 주어졌습니다. {used}을(를) 씁니다."),
        KnobError::NotASchedule { knob, value, why } => {
            format!("`{knob}={value}`는 스케줄이 아닙니다({why}). 스케줄 없이 실행합니다.")
        }
    };
    Prose { en: error.to_string(), ko }
}

/// A knob's values in words (for its tooltip and its errors).
pub fn allowed(lang: Lang, kind: &KnobKind) -> String {
    match lang {
        Lang::En => kind.describe(),
        Lang::Ko => allowed_ko(kind),
    }
}

fn allowed_ko(kind: &KnobKind) -> String {
    match *kind {
        KnobKind::Int { min, max } => format!("{min}부터 {max}까지의 정수"),
        KnobKind::Seed => format!("0부터 {}까지의 정수", u64::MAX),
        KnobKind::Schedule => "40t1x3.12t0 같은 선택 목록(스텝 실행 참고)".to_string(),
        KnobKind::Decimal { min, max } => format!("{min}부터 {max}까지의 수"),
        KnobKind::Choice(choices) => choices.join(" | "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::LESSONS;

    fn hangul(s: &str) -> bool {
        s.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
    }

    #[test]
    fn every_knob_a_form_shows_has_a_label_and_a_line_of_help_in_both_languages() {
        let mut checked = 0;
        for lesson in LESSONS {
            let words: Vec<_> = of_lesson(lesson).collect();
            let shown = lesson.info.knobs.iter().map(|k| k.name).chain(lesson.info.common_knobs.iter().copied());
            for name in shown {
                let w = words.iter().find(|w| w.name == name);
                let w = w.unwrap_or_else(|| panic!("{}: no words for `{name}`", lesson.info.id));
                for lang in Lang::ALL {
                    let (label, help) = (w.label.get(lang), w.help.get(lang));
                    assert!(
                        !label.is_empty() && label.chars().count() <= 30,
                        "{}: `{name}` label {label:?}",
                        lesson.info.id
                    );
                    assert!(help.len() >= 20 && !help.contains('\n'), "{}: `{name}` help {help:?}", lesson.info.id);
                    assert!(help.chars().count() <= 220, "{}: `{name}`'s help is more than a line", lesson.info.id);
                    assert_ne!(label, name, "{}: `{name}`'s label is its id", lesson.info.id);
                }
                assert!(hangul(w.help.ko), "{}: `{name}`'s Korean help has no Korean", lesson.info.id);
                checked += 1;
            }
            // Words for a knob the lesson does not have would never be shown: a typo.
            for w in lesson.words.knobs {
                assert!(
                    lesson.info.knobs.iter().any(|k| k.name == w.name),
                    "{}: words for no knob `{}`",
                    lesson.info.id,
                    w.name
                );
            }
        }
        assert!(checked > 60, "{checked}");
    }

    #[test]
    fn seed_and_cores_are_for_the_simulated_engine_and_time_scale_for_the_live_one() {
        assert!(matters_on("seed", "sim") && !matters_on("seed", "live"));
        assert!(matters_on("cores", "sim") && !matters_on("cores", "live"));
        assert!(!matters_on("time_scale", "sim") && matters_on("time_scale", "live"));
        assert!(matters_on("gil", "live") && matters_on("gil", "sim"));
    }
}
