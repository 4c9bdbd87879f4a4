//! Lesson `free_threading`: what a free-threaded build (`3.13t`, `3.14t`) keeps safe and
//! what it does not.
//!
//! `threads` threads each run `items.append(i)` and `counter += 1` `increments` times. A
//! built-in list locks itself for each call in a free-threaded build (as the GIL made each
//! call whole before), so every item is kept; `counter += 1` is a read and a write, and
//! without the GIL two threads on two cores interleave them: updates are lost. With the GIL
//! (3.10 and later) neither is lost here, since the GIL switches only at calls and loop
//! jumps. The program prints `sys._is_gil_enabled()`.

use crate::engine::program::{ObjectDef, ObjectId, ObjectKind, Op, OpKind, Program, Reg, TextPart};
use crate::engine::python::build::Version;
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{group_digits, Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{joins, main_process, main_thread, not_finished, starts, thread};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

// At most 16 × 60 000 items: a list here holds at most a million.
const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "threads", kind: KnobKind::Int { min: 1, max: 16 }, default: "8" },
    KnobSpec { name: "increments", kind: KnobKind::Int { min: 1, max: 60_000 }, default: "5000" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "free_threading",
    group: Group::Modern,
    title: Text { en: "Free-threaded Python", ko: "GIL 없는 파이썬" },
    teaser: Text {
        en: "`3.13t` and `3.14t` run threads side by side: `list.append` stays whole, `counter += 1` does not.",
        ko: "`3.13t`와 `3.14t`는 스레드를 나란히 실행합니다. `list.append`는 온전하지만 `counter += 1`은 \
             그렇지 않습니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "gil", "cores", "seed", "time_scale"],
    shows: crate::lessons::shows_with::<FreeThreading>,
    breaks: Some("lost"),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "A free-threaded build (`python3.13t`, `python3.14t`) has no GIL: threads run Python on every core at \
             once. Built-in containers lock themselves for each operation, so `items.append(i)` from many \
             threads keeps every item, as it did with the GIL. But `counter += 1` is a read, an add and a write: \
             two threads can read the same value, and one update is lost. With the GIL, which switches only at \
             calls and loop jumps since 3.10, this loop loses nothing. Every thread also runs slower alone: the \
             build's own cost, which CPython documents.",
        ko: "GIL 없는 빌드(`python3.13t`, `python3.14t`)에서는 스레드들이 모든 코어에서 동시에 파이썬을 \
             실행합니다. 내장 컨테이너는 연산마다 스스로 락을 걸므로, 여러 스레드의 `items.append(i)`는 GIL이 있을 \
             때처럼 항목을 하나도 잃지 않습니다. 하지만 `counter += 1`은 읽고, 더하고, 쓰는 일이라 두 스레드가 \
             같은 값을 읽으면 업데이트 하나가 사라집니다. 3.10부터 호출과 반복문 점프에서만 넘어가는 GIL이 \
             있으면 이 반복문은 아무것도 잃지 않습니다. 또 스레드 하나하나가 더 느리게 돕니다. CPython 문서가 밝힌 \
             이 빌드의 비용입니다.",
    },
    seed_changes: Text {
        en: "How many `counter += 1` updates a free-threaded run loses (the items are always all there); with the \
             GIL, only the timings.",
        ko: "GIL 없는 실행에서 `counter += 1` 업데이트가 몇 번 사라지는지가 달라집니다(항목은 늘 모두 남습니다). \
             GIL이 있으면 시각만 달라집니다.",
    },
    knobs: &[
        KnobWords {
            name: "threads",
            label: Text { en: "Threads", ko: "스레드 수" },
            help: Text {
                en: "How many threads run `work()`, each appending to the one list and adding to the one counter.",
                ko: "`work()`를 실행하는 스레드의 수입니다. 모두 같은 리스트에 덧붙이고 같은 카운터에 더합니다.",
            },
        },
        KnobWords {
            name: "increments",
            label: Text { en: "Rounds per thread", ko: "스레드마다 반복 횟수" },
            help: Text {
                en: "How many times each thread runs `items.append(i)` and `counter += 1`.",
                ko: "스레드마다 `items.append(i)`와 `counter += 1`을 실행하는 횟수입니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<FreeThreading>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub threads: u16,
    pub increments: u64,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs { threads: values.whole("threads")? as u16, increments: values.whole("increments")? as u64 })
    }
}

struct FreeThreading;

impl Teach for FreeThreading {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, common, trace, lang)
    }
}

const ITEMS: ObjectId = ObjectId(0);
const COUNTER: ObjectId = ObjectId(1);
const I: Reg = Reg(0);
const VALUE: Reg = Reg(1);

/// What `sys._is_gil_enabled()` says in this run, as the program prints it (`True` where
/// the function does not exist: the program asks with `getattr`).
fn gil_enabled(common: &Common) -> bool {
    common.python.is_gil_enabled().unwrap_or(true)
}

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { threads, increments } = *knobs;
    let expected = threads as u64 * increments;
    let mut src = Source::new();
    src.line(0, "import sys");
    src.line(0, "import threading");
    src.blank();
    src.line(0, "items = []");
    src.line(0, "counter = 0");
    src.blank();
    src.blank();
    src.line(0, "def work():");
    src.line(1, "global counter");
    let for_line = src.line(1, &format!("for i in range({increments}):"));
    let append_line = src.line(2, "items.append(i)");
    let add_line = src.line(2, "counter += 1");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    src.line(1, "# sys._is_gil_enabled() came in 3.13; before it, there is always a GIL");
    src.line(1, "gil = getattr(sys, \"_is_gil_enabled\", lambda: True)()");
    let gil_print = src.line(1, "print(f\"sys._is_gil_enabled(): {gil}\")");
    src.line(1, &format!("threads = [threading.Thread(target=work) for _ in range({threads})]"));
    src.line(1, "for t in threads:");
    let start_line = src.line(2, "t.start()");
    src.line(1, "for t in threads:");
    let join_line = src.line(2, "t.join()");
    let result_print =
        src.line(1, &format!("print(f\"{{len(items)}} items, counter = {{counter}} (expected {expected})\")"));

    let work = vec![
        for_line.op(OpKind::Set { reg: I, value: 0 }),
        append_line.op(OpKind::ListAppend { object: ITEMS, value: crate::engine::program::Operand::Reg(I) }),
        add_line.op(OpKind::Load { object: COUNTER, reg: VALUE }),
        add_line.op(OpKind::Add { reg: VALUE, value: 1 }),
        add_line.op(OpKind::Store { object: COUNTER, reg: VALUE }),
        for_line.op(OpKind::Add { reg: I, value: 1 }),
        for_line.op(OpKind::Loop { to: 1, times: increments }),
    ];
    let gil = if gil_enabled(common) { "True" } else { "False" };
    let mut main: Vec<Op> =
        vec![gil_print.op(OpKind::Print { text: vec![TextPart::Lit(format!("sys._is_gil_enabled(): {gil}"))] })];
    main.extend(starts(threads, start_line));
    main.extend(joins(threads, join_line));
    main.push(result_print.op(OpKind::ListLen { object: ITEMS, reg: I }));
    main.push(result_print.op(OpKind::Load { object: COUNTER, reg: VALUE }));
    main.push(result_print.op(OpKind::Print {
        text: vec![
            TextPart::Reg(I),
            TextPart::Lit(" items, counter = ".into()),
            TextPart::Reg(VALUE),
            TextPart::Lit(format!(" (expected {expected})")),
        ],
    }));
    let mut actors = vec![main_thread(main)];
    actors.extend((1..=threads).map(|t| thread(format!("Thread-{t} (work)"), work.clone())));
    let objects = vec![
        ObjectDef { name: "items".into(), kind: ObjectKind::List { initial: Vec::new() } },
        ObjectDef { name: "counter".into(), kind: ObjectKind::Var { initial: 0 } },
    ];
    let program =
        Program { source: src.finish(), processes: vec![main_process()], actors, objects, switch_interval: None };
    Built::new(program, common)
}

/// The items the list kept and the counter's end, as the program printed them.
pub fn tally(trace: &Trace) -> Option<(i64, i64)> {
    let text = trace.console_text();
    let line = text.lines().find(|l| l.contains(" items, counter = "))?;
    let (items, rest) = line.split_once(" items, counter = ")?;
    Some((items.parse().ok()?, rest.split(' ').next()?.parse().ok()?))
}

fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let expected = knobs.threads as i64 * knobs.increments as i64;
    let (items, counter) = tally(trace).unwrap_or((0, 0));
    let lost = expected - counter;
    let gil = gil_enabled(common);
    let is_gil_enabled = match common.python.is_gil_enabled() {
        Some(true) => 1,
        Some(false) => 0,
        None => -1,
    };
    let figures = vec![
        ("items", items),
        ("counter", counter),
        ("lost", lost),
        ("items_lost", expected - items),
        ("gil_enabled", is_gil_enabled),
    ];
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let (n, e, c, l) = (group_digits(items), group_digits(expected), group_digits(counter), group_digits(lost));
    let build = common.python.label();
    let headline = match (lost > 0, ko) {
        (true, false) => format!(
            "Python {build}: `items.append` kept {n} of {e} items; `counter += 1` lost {l} updates (counter {c})."
        ),
        (true, true) => format!(
            "파이썬 {build}: `items.append`는 {e}개 중 {n}개를 지켰고, `counter += 1`은 업데이트 {l}번을 \
             잃었습니다(카운터 {c})."
        ),
        (false, false) => format!("Python {build}: {n} of {e} items kept, and the counter is exact ({c})."),
        (false, true) => format!("파이썬 {build}: {e}개 중 {n}개를 지켰고, 카운터도 정확합니다({c})."),
    };
    let mut details = Vec::new();
    let why = match (gil, lost > 0) {
        (false, true) => Text {
            en: "No GIL: the threads ran on the cores at once. The list locked itself for each `append`, so no \
                 item was lost; `counter += 1` read and wrote the counter in two steps, and another thread wrote \
                 between them. A `threading.Lock` around it would make it exact.",
            ko: "GIL이 없어 스레드들이 코어에서 동시에 돌았습니다. 리스트는 `append`마다 스스로 락을 걸어 항목을 \
                 잃지 않았지만, `counter += 1`은 카운터를 두 단계로 읽고 썼고 그 사이에 다른 스레드가 썼습니다. \
                 `threading.Lock`으로 감싸면 정확해집니다.",
        },
        (false, false) => Text {
            en: "No GIL, and yet no update was lost this time: the threads' read-and-write pairs happened not to \
                 overlap. More threads, more rounds or another seed will show it.",
            ko: "GIL이 없는데도 이번에는 업데이트를 잃지 않았습니다. 스레드들의 읽고 쓰기가 우연히 겹치지 않았을 \
                 뿐입니다. 스레드나 반복을 늘리거나 시드를 바꿔 보세요.",
        },
        (true, _) if common.python.switch_model() == crate::engine::python::build::PythonModel::V3_9 => Text {
            en: "With the GIL one thread runs Python at a time, but before 3.10 it could change hands between any \
                 two bytecodes, inside `counter += 1` too; `items.append` is one call and stays whole.",
            ko: "GIL이 있으면 한 번에 한 스레드만 파이썬을 실행하지만, 3.10 전에는 아무 바이트코드 사이에서나, \
                 `counter += 1` 안에서도 넘어갈 수 있었습니다. `items.append`는 호출 하나라서 온전합니다.",
        },
        (true, _) => Text {
            en: "With the GIL one thread runs Python at a time, and since 3.10 it changes hands only at calls and \
                 loop jumps, never inside `counter += 1`. Try `python=3.13t` (or `gil=off`).",
            ko: "GIL이 있으면 한 번에 한 스레드만 파이썬을 실행하고, 3.10부터는 호출과 반복문 점프에서만 넘어가므로 \
                 `counter += 1` 한가운데서는 넘어가지 않습니다. `python=3.13t`(또는 `gil=off`)를 해 보세요.",
        },
    };
    details.push(why.get(lang).to_string());
    details.push(match (common.python.is_gil_enabled(), ko) {
        (Some(on), false) => format!("`sys._is_gil_enabled()` returned `{}`.", if on { "True" } else { "False" }),
        (Some(on), true) => {
            format!("`sys._is_gil_enabled()`는 `{}`를 돌려주었습니다.", if on { "True" } else { "False" })
        }
        (None, false) => format!("Python {build} has no `sys._is_gil_enabled()`: it came in 3.13."),
        (None, true) => format!("파이썬 {build}에는 `sys._is_gil_enabled()`가 없습니다. 3.13에 들어왔습니다."),
    });
    if common.python.free_threaded {
        let percent = (common.python.bytecode_permille() - 1_000) / 10;
        let source = if common.python.version == Version::V3_14 {
            Text { en: "What's New in Python 3.14", ko: "파이썬 3.14의 새 기능 문서" }
        } else {
            Text { en: "the free-threading HOWTO of 3.13", ko: "3.13의 자유 스레딩 안내서" }
        };
        details.push(if ko {
            format!(
                "이 빌드는 스레드 하나가 파이썬 코드를 {percent}% 더 느리게 실행합니다. CPython 문서로 모델링한 \
                 값입니다({}). 이 기계에는 GIL 없는 CPython이 없어 재지 못했습니다.",
                source.ko
            )
        } else {
            format!(
                "This build runs Python code {percent}% slower in one thread: modelled from CPython's \
                 documentation ({}), since this machine has no free-threaded CPython to measure.",
                source.en
            )
        });
    }
    Findings { headline, details, figures }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::parts::testing;

    #[test]
    fn list_append_from_8_free_threaded_threads_keeps_every_item_while_the_counter_loses_updates() {
        let (_, trace) = testing::run(&LESSON, &[("python", "3.13t"), ("increments", "3000")]);
        let (items, counter) = tally(&trace).unwrap();
        assert_eq!(items, 24_000);
        assert!(counter < 24_000, "{counter}");
        assert!(trace.console_text().starts_with("sys._is_gil_enabled(): False\n"));
    }

    #[test]
    fn with_the_gil_nothing_is_lost_and_the_version_says_whether_it_can_be_asked() {
        for (python, said) in [("3.11", "True"), ("3.13", "True")] {
            let (knobs, trace) = testing::run(&LESSON, &[("python", python), ("increments", "2000")]);
            assert_eq!(tally(&trace), Some((16_000, 16_000)), "{python}");
            assert!(trace.console_text().starts_with(&format!("sys._is_gil_enabled(): {said}\n")));
            let f = (LESSON.findings)(&knobs, &trace, Lang::En);
            let asked = f.details.iter().any(|d| d.contains("has no `sys._is_gil_enabled()`"));
            assert_eq!(asked, python == "3.11", "{python}: {f:?}");
        }
    }

    #[test]
    fn the_free_threaded_builds_say_their_documented_cost_and_pay_it() {
        let one = [("threads", "1"), ("increments", "60000")];
        // The worker's own time running Python, apart from the starts' noise.
        let busy = |python: &str| {
            let pairs: Vec<_> = one.iter().copied().chain([("python", python)]).collect();
            testing::run(&LESSON, &pairs).1.metrics[1].busy
        };
        let (gil, t13, t14) = (busy("3.13"), busy("3.13t"), busy("3.14t"));
        let ratio = |t: u64| t as f64 / gil as f64;
        // Steps of 7 and 11 ns round to the nanosecond: near the documented 40% and 8%.
        assert!((1.35..1.45).contains(&ratio(t13)) && (1.05..1.15).contains(&ratio(t14)), "{gil} {t14} {t13}");
        let (knobs, trace) = testing::run(&LESSON, &[("python", "3.13t"), ("threads", "2"), ("increments", "100")]);
        let f = (LESSON.findings)(&knobs, &trace, Lang::En);
        assert!(f.details.iter().any(|d| d.contains("40% slower") && d.contains("modelled from")), "{f:?}");
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_prints_what_the_model_prints_with_the_gil() {
        let (_, built) = testing::built(&LESSON, &[("increments", "1000")]);
        let Some(out) = testing::cpython(&built.program.source) else { return };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let (_, trace) = testing::run(&LESSON, &[("increments", "1000")]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), trace.console_text());
    }
}
