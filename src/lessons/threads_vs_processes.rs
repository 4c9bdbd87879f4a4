//! Lesson 7, `threads_vs_processes`: start `count` threads or processes that each add 1
//! to a global, join them, and print what that cost and what the main thread sees.
//!
//! Threads share the process's memory, so the global counts every one of them; a
//! process (forked or spawned) changes its own copy, so the parent's stays 0. Starting a
//! thread costs tens of microseconds, forking a process milliseconds, spawning one tens
//! of milliseconds (the cost table); the findings read both from the run.

use crate::engine::program::{
    Arith, ObjectDef, ObjectId, ObjectKind, OpKind, Operand, Program, Reg, StartMethod, TextPart,
};
use crate::engine::trace::{Outcome, SpanKind, Trace};
use crate::i18n::{group_digits, Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{add_child, joins, main_process, main_thread, not_finished, starts, thread};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "count", kind: KnobKind::Int { min: 1, max: 16 }, default: "8" },
    KnobSpec { name: "kind", kind: KnobKind::Choice(&["thread", "fork", "spawn", "forkserver"]), default: "thread" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "threads_vs_processes",
    group: Group::Gil,
    title: Text { en: "Threads vs processes", ko: "스레드와 프로세스" },
    teaser: Text {
        en: "What a thread and a process each cost to start, and what they share.",
        ko: "스레드와 프로세스를 시작하는 비용, 그리고 서로 공유하는 것.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "cores", "seed"],
    shows: crate::lessons::shows_with::<ThreadsVsProcesses>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "Threads live inside one process: they share its memory (a global changed by one is changed for all) \
             and one GIL, and start in microseconds. A process has its own memory and its own interpreter: `fork` \
             copies the parent's memory as it is, `spawn` starts a fresh interpreter that imports the program \
             again. Either way a change it makes is its own, and starting it costs milliseconds. So: threads for \
             waiting and for work that shares state (a responsive UI beside background work), processes for \
             CPU-heavy or isolated work.",
        ko: "스레드는 한 프로세스 안에 삽니다. 메모리를 공유하고(한 스레드가 바꾼 전역 변수는 모두에게 바뀝니다) \
             GIL도 하나이며, 몇 마이크로초 만에 시작됩니다. 프로세스는 자기 메모리와 자기 인터프리터를 가집니다. \
             `fork`는 부모의 메모리를 그대로 복사하고, `spawn`은 새 인터프리터가 프로그램을 다시 불러옵니다. 어느 \
             쪽이든 프로세스가 바꾼 것은 자기 것이고, 시작하는 데 몇 밀리초가 듭니다. 그래서 기다리는 일이나 상태를 \
             함께 쓰는 일(뒤에서 작업이 도는 동안에도 반응하는 화면)에는 스레드를, CPU를 많이 쓰거나 격리가 필요한 \
             일에는 프로세스를 씁니다.",
    },
    seed_changes: Text {
        en: "Only the costs: each start takes a little more or less (a thread's tens of microseconds vary the \
             most); what is shared, and so the counter, never changes.",
        ko: "비용만 달라집니다. 시작마다 걸리는 시간이 조금씩 다르고(수십 마이크로초인 스레드가 가장 많이 \
             흔들립니다), 공유되는 것과 그래서 카운터 값은 변하지 않습니다.",
    },
    knobs: &[
        KnobWords {
            name: "count",
            label: Text { en: "Threads or processes", ko: "스레드·프로세스 수" },
            help: Text {
                en: "How many threads or processes the program starts and joins; each runs `task()`, which adds 1 to \
                     the global `counter`.",
                ko: "프로그램이 시작하고 끝나기를 기다리는 스레드나 프로세스의 수입니다. 각각 전역 변수 `counter`에 \
                     1을 더하는 `task()`를 실행합니다.",
            },
        },
        KnobWords {
            name: "kind",
            label: Text { en: "What to start", ko: "시작할 것" },
            help: Text {
                en: "`thread`: a `threading.Thread`, sharing memory; `fork`: a copy of the parent; `spawn`: a fresh \
                     interpreter; `forkserver`: forked from a server that the first start launches.",
                ko:
                    "`thread`는 메모리를 공유하는 `threading.Thread`, `fork`는 부모의 복사본, `spawn`은 새 인터프리터, \
                     `forkserver`는 첫 시작이 띄운 서버에서 복제한 프로세스입니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<ThreadsVsProcesses>(&INFO, &WORDS);

/// What the program starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Thread,
    /// A process that starts as a copy of its parent.
    Fork,
    /// A process that starts a fresh interpreter.
    Spawn,
    /// A process forked from a server process, which the first start launches.
    Forkserver,
}

impl Kind {
    /// Its word: for a process, the start method as Python names it.
    fn word(self) -> &'static str {
        match self {
            Kind::Thread => "thread",
            Kind::Fork => "fork",
            Kind::Spawn => "spawn",
            Kind::Forkserver => "forkserver",
        }
    }
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub count: u16,
    pub kind: Kind,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            count: values.whole("count")? as u16,
            kind: values.word(
                "kind",
                &[
                    ("thread", Kind::Thread),
                    ("fork", Kind::Fork),
                    ("spawn", Kind::Spawn),
                    ("forkserver", Kind::Forkserver),
                ],
            )?,
        })
    }
}

struct ThreadsVsProcesses;

impl Teach for ThreadsVsProcesses {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }
}

const COUNTER: ObjectId = ObjectId(0);
/// The task's read of `counter`.
const VALUE: Reg = Reg(0);
/// The main thread's `start`, `elapsed_us`, and a print's scratch after them.
const T0: Reg = Reg(0);
const ELAPSED: Reg = Reg(1);
const SCRATCH: Reg = Reg(2);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { count, kind } = *knobs;
    let threads = kind == Kind::Thread;
    let unit = if threads { "threads" } else { "processes" };

    let mut src = Source::new();
    if threads {
        src.line(0, "import threading");
    } else {
        src.line(0, "import multiprocessing as mp");
    }
    src.line(0, "import time");
    src.blank();
    src.line(0, "counter = 0");
    src.blank();
    src.blank();
    src.line(0, "def task():");
    src.line(1, "global counter");
    let add_line = src.line(1, "counter += 1");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    if !threads {
        src.line(1, &format!("mp.set_start_method(\"{}\")", kind.word()));
    }
    let start_clock = src.line(1, "start = time.perf_counter()");
    if threads {
        src.line(1, &format!("units = [threading.Thread(target=task) for _ in range({count})]"));
    } else {
        src.line(1, &format!("units = [mp.Process(target=task) for _ in range({count})]"));
    }
    src.line(1, "for u in units:");
    let start_line = src.line(2, "u.start()");
    src.line(1, "for u in units:");
    let join_line = src.line(2, "u.join()");
    let elapsed_line = src.line(1, "elapsed_us = round((time.perf_counter() - start) * 1e6)");
    let print_time = src.line(
        1,
        &format!(
            "print(f\"{count} {unit} started and joined in {{elapsed_us}} us, {{elapsed_us // {count}}} us each\")"
        ),
    );
    let print_counter = src.line(1, "print(f\"counter in the main process: {counter}\")");

    let mut main = vec![start_clock.op(OpKind::Clock { reg: T0 })];
    main.extend(starts(count, start_line));
    main.extend(joins(count, join_line));
    main.push(elapsed_line.op(OpKind::Clock { reg: ELAPSED }));
    main.push(elapsed_line.op(OpKind::Arith { reg: ELAPSED, op: Arith::Sub, value: Operand::Reg(T0) }));
    main.push(print_time.op(OpKind::Set { reg: SCRATCH, value: 0 }));
    main.push(print_time.op(OpKind::Arith { reg: SCRATCH, op: Arith::Add, value: Operand::Reg(ELAPSED) }));
    main.push(print_time.op(OpKind::Arith { reg: SCRATCH, op: Arith::FloorDiv, value: Operand::Const(count as i64) }));
    main.push(print_time.op(OpKind::Print {
        text: vec![
            TextPart::Lit(format!("{count} {unit} started and joined in ")),
            TextPart::Reg(ELAPSED),
            TextPart::Lit(" us, ".into()),
            TextPart::Reg(SCRATCH),
            TextPart::Lit(" us each".into()),
        ],
    }));
    main.push(print_counter.op(OpKind::Load { object: COUNTER, reg: SCRATCH }));
    main.push(print_counter.op(OpKind::Print {
        text: vec![TextPart::Lit("counter in the main process: ".into()), TextPart::Reg(SCRATCH)],
    }));

    let task = vec![
        add_line.op(OpKind::Load { object: COUNTER, reg: VALUE }),
        add_line.op(OpKind::Add { reg: VALUE, value: 1 }),
        add_line.op(OpKind::Store { object: COUNTER, reg: VALUE }),
    ];
    let mut processes = vec![main_process()];
    let mut actors = vec![main_thread(main)];
    let start_method = match kind {
        Kind::Spawn => StartMethod::Spawn,
        Kind::Forkserver => StartMethod::Forkserver,
        _ => StartMethod::Fork,
    };
    for u in 1..=count {
        if threads {
            actors.push(thread(format!("Thread-{u} (task)"), task.clone()));
        } else {
            add_child(&mut processes, &mut actors, format!("Process-{u}"), start_method, false, task.clone());
        }
    }
    let program = Program {
        source: src.finish(),
        processes,
        actors,
        objects: vec![ObjectDef { name: "counter".into(), kind: ObjectKind::Var { initial: 0 } }],
        switch_interval: None,
    };
    Built::new(program, common)
}

/// From each `start()` until the new thread or process ran its first line, in ns, in the
/// order they were started.
pub fn start_ns(trace: &Trace) -> Vec<u64> {
    // A process's start is work on a core, which the OS may slice: one span or several.
    let mut starts: Vec<(u64, u64)> = Vec::new();
    for actor in 1..trace.actors.len() {
        let spans = trace.spans.iter().filter(|s| s.kind == SpanKind::Starting && s.actor.0 as usize == actor);
        let (first, last) = spans.fold((u64::MAX, 0), |(first, last), s| (first.min(s.start), last.max(s.end)));
        if first < last {
            starts.push((first, last - first));
        }
    }
    starts.sort_unstable();
    starts.into_iter().map(|(_, took)| took).collect()
}

/// [`start_ns`]'s mean over the units that ran.
pub fn mean_start_ns(trace: &Trace) -> Option<u64> {
    let starts = start_ns(trace);
    (!starts.is_empty()).then(|| starts.iter().sum::<u64>() / starts.len() as u64)
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let Knobs { count, kind } = *knobs;
    let counter = trace.final_value(COUNTER).unwrap_or(0);
    // What the program measured and printed: "... in T us, P us each".
    let per_unit_us = trace
        .console_text()
        .lines()
        .find_map(|l| l.strip_suffix(" us each")?.rsplit(", ").next()?.parse::<i64>().ok())
        .unwrap_or(0);
    let mut figures = vec![("counter", counter), ("per_unit_us", per_unit_us)];
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let start = mean_start_ns(trace);
    if let Some(ns) = start {
        figures.push(("start_us", (ns / 1000) as i64));
    }
    let per = group_digits(per_unit_us);
    let headline = match (kind, ko) {
        (Kind::Thread, false) => format!(
            "{count} threads: {per} µs each to start and join, and they all changed the same counter ({counter})."
        ),
        (Kind::Thread, true) => {
            format!(
                "스레드 {count}개: 시작하고 끝나기를 기다리는 데 하나당 {per} µs, 모두 같은 카운터를 \
                 바꿨습니다({counter})."
            )
        }
        (_, false) => format!(
            "{count} processes started with `{}`: {per} µs each to start and join, and the parent's counter is \
             still {counter}.",
            kind.word()
        ),
        (_, true) => {
            format!(
                "`{}`로 시작한 프로세스 {count}개: 시작하고 끝나기를 기다리는 데 하나당 {per} µs, 부모의 \
                 카운터는 여전히 {counter}입니다.",
                kind.word()
            )
        }
    };
    let why = match kind {
        Kind::Thread => Text {
            en: "Threads share their process's memory: each task's `counter += 1` changed the one global. Try \
                 `kind=fork` or `kind=spawn`.",
            ko: "스레드는 프로세스의 메모리를 공유합니다. 각 작업의 `counter += 1`이 하나뿐인 전역 변수를 \
                 바꿨습니다. `kind=fork`나 `kind=spawn`을 시도해 보세요.",
        },
        Kind::Fork => Text {
            en: "Each child started with `fork` got a copy of the parent's memory and changed its copy; the parent \
                 never sees it. `fork` copies the process, which is why it costs milliseconds.",
            ko: "`fork`로 시작한 자식은 부모 메모리의 복사본을 받아 그 복사본을 바꿨고, 부모는 그것을 보지 \
                 못합니다. `fork`는 프로세스를 복사하기 때문에 몇 밀리초가 듭니다.",
        },
        Kind::Forkserver => Text {
            en: "The first child's start launched the server, a fresh interpreter that imported the program once; \
                 every later child was forked from the server, so it started far sooner. Each counter was its own.",
            ko: "첫 자식의 시작이 서버를 띄웠고, 서버는 새 인터프리터로 프로그램을 한 번 불러왔습니다. 이후의 자식은 \
                 모두 서버에서 복제되어 훨씬 빨리 시작했습니다. 카운터는 저마다 자기 것이었습니다.",
        },
        Kind::Spawn => Text {
            en: "Each child started with `spawn` ran a fresh interpreter and imported the program again before \
                 running its task: tens of milliseconds each, and its counter was its own.",
            ko: "`spawn`으로 시작한 자식은 새 인터프리터를 띄우고 프로그램을 다시 불러온 뒤 작업을 실행했습니다. \
                 하나에 수십 밀리초가 들고, 카운터는 자기 것이었습니다.",
        },
    };
    let mut details = vec![why.get(lang).to_string()];
    let starts = start_ns(trace);
    if let (Kind::Forkserver, [first, later @ ..]) = (kind, &starts[..]) {
        figures.push(("first_start_us", (first / 1000) as i64));
        if !later.is_empty() {
            let later_us = later.iter().sum::<u64>() / later.len() as u64 / 1000;
            figures.push(("later_start_us", later_us as i64));
            let (first, later) = (group_digits((first / 1000) as i64), group_digits(later_us as i64));
            details.push(if ko {
                format!("첫 자식은 `start()`에서 첫 줄까지 {first} µs, 이후의 자식은 평균 {later} µs.")
            } else {
                format!("The first child took {first} µs from `start()` to its first line; the later ones {later} µs on average.")
            });
        }
    }
    if let Some(ns) = start {
        let us = group_digits((ns / 1000) as i64);
        details.push(if ko {
            format!("`start()`부터 첫 줄이 실행되기까지 평균 {us} µs.")
        } else {
            format!("From `start()` to its first line: {us} µs on average.")
        });
    }
    Findings { headline, details, figures }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    #[test]
    fn each_kind_builds_threads_or_processes() {
        for (kind, processes) in [("thread", 1), ("fork", 5), ("spawn", 5), ("forkserver", 5)] {
            let b = built(&[("kind", kind), ("count", "4")]);
            b.program.validate().unwrap();
            assert_eq!(b.program.processes.len(), processes, "{kind}");
        }
    }

    #[test]
    fn under_forkserver_the_first_start_launches_the_server_and_later_ones_are_cheap() {
        let (_, trace) = crate::lessons::parts::testing::run(&LESSON, &[("kind", "forkserver"), ("count", "3")]);
        let f = findings(&Knobs { count: 3, kind: Kind::Forkserver }, &trace, Lang::En);
        let figure = |name| f.figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap();
        assert!(figure("first_start_us") > 5 * figure("later_start_us"), "{:?}", f.figures);
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_shows_what_is_shared() {
        for (kind, counter) in [("thread", "3"), ("fork", "0"), ("spawn", "0"), ("forkserver", "0")] {
            let b = built(&[("kind", kind), ("count", "3")]);
            let Some(out) = crate::lessons::parts::testing::cpython(&b.program.source) else { return };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.ends_with(&format!("counter in the main process: {counter}\n")), "{kind}: {text}");
        }
    }
}
