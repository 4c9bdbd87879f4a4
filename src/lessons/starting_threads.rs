//! Lesson 1, `starting_threads`: three threads print `Running <name>` a few times, thread
//! k sleeping k × `wait_s` before each line, then say they have finished.
//!
//! Two forms of the same program: the low-level `_thread.start_new_thread`, whose threads
//! die with the main thread (so if the main thread does not wait, nothing is printed), and a
//! `threading.Thread` subclass with `start()` and `join()`. The main thread prints
//! `threading.active_count()` once all are started, and the findings read the console.

use crate::engine::program::{ActorDef, Introspect, Op, OpKind, Program, Reg, TextPart};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{joins, main_process, main_thread, not_finished, starts, thread};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "threads", kind: KnobKind::Int { min: 1, max: 8 }, default: "3" },
    KnobSpec { name: "wait_s", kind: KnobKind::Decimal { min: 0.0, max: 5.0 }, default: "1" },
    KnobSpec { name: "lines", kind: KnobKind::Int { min: 1, max: 20 }, default: "4" },
    KnobSpec { name: "api", kind: KnobKind::Choice(&["threading", "thread"]), default: "threading" },
    KnobSpec { name: "join", kind: KnobKind::Choice(&["yes", "no"]), default: "yes" },
    KnobSpec { name: "daemon", kind: KnobKind::Choice(&["no", "yes"]), default: "no" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "starting_threads",
    group: Group::Threads,
    title: Text { en: "Starting threads", ko: "스레드 시작하기" },
    teaser: Text {
        en: "Start threads two ways, watch their lines interleave, and see what happens if nobody waits.",
        ko: "두 가지 방법으로 스레드를 시작하고, 줄이 섞여 나오는 모습과 아무도 기다리지 않을 때의 일을 보세요.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "time_scale", "cores", "seed"],
    shows: crate::lessons::shows_with::<StartingThreads>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "A thread runs beside the main thread once started. Thread k sleeps k × `wait_s` before each line, so \
             lines come out at their own pace and interleave; lines due at the same moment can come out in either \
             order, and the slowest thread sets the total time. `join()` waits for a thread to finish. The low-level \
             `_thread` module has no `join()`: its threads end when the main thread does, like daemon threads, so a \
             main thread that does not wait ends the program before they print a thing.",
        ko: "시작된 스레드는 메인 스레드와 나란히 실행됩니다. k번째 스레드는 줄마다 k × `wait_s`초를 자므로 줄들이 \
             각자의 속도로 나와 섞입니다. 같은 순간에 나올 줄은 어느 순서로든 나올 수 있고, 전체 시간은 가장 느린 \
             스레드가 정합니다. `join()`은 스레드가 끝나기를 기다립니다. 저수준 `_thread` 모듈에는 `join()`이 없고 그 \
             스레드들은 데몬 스레드처럼 메인 스레드와 함께 끝나므로, 기다리지 않는 메인 스레드는 스레드들이 아무것도 \
             출력하기 전에 프로그램을 끝냅니다.",
    },
    seed_changes: Text {
        en: "Which of two lines due at the same moment comes out first (`Thread-1`'s second line and `Thread-2`'s \
             first, say); the total time only by a millisecond or so.",
        ko: "같은 순간에 나올 두 줄 중 어느 것이 먼저 나오는지(예를 들어 `Thread-1`의 둘째 줄과 `Thread-2`의 첫째 \
             줄)가 달라지고, 전체 시간은 1밀리초 안팎만 달라집니다.",
    },
    knobs: &[
        KnobWords {
            name: "threads",
            label: Text { en: "Threads", ko: "스레드 수" },
            help: Text {
                en: "How many worker threads the program starts (`THREADS`). Thread k sleeps k × `wait_s` before \
                     each line, so each one is slower than the one before.",
                ko: "프로그램이 시작하는 스레드의 수(`THREADS`)입니다. k번째 스레드는 줄마다 k × `wait_s`초를 자므로 \
                     뒤의 스레드일수록 느립니다.",
            },
        },
        KnobWords {
            name: "wait_s",
            label: Text { en: "Wait step (s)", ko: "대기 단위(초)" },
            help: Text {
                en: "Seconds of sleep before each line, times the thread's number (`WAIT`): thread 1 sleeps \
                     `wait_s`, thread 2 twice as long, and so on.",
                ko: "줄마다 자는 시간의 단위로, 초 단위이며 스레드 번호를 곱합니다(`WAIT`). 1번 스레드는 `wait_s`초, \
                     2번은 그 두 배를 잡니다.",
            },
        },
        KnobWords {
            name: "lines",
            label: Text { en: "Lines per thread", ko: "스레드당 줄 수" },
            help: Text {
                en: "How many `Running <name>` lines each thread prints (`LINES`) before it says it has finished.",
                ko: "각 스레드가 끝났다고 알리기 전에 출력하는 `Running <name>` 줄의 수(`LINES`)입니다.",
            },
        },
        KnobWords {
            name: "api",
            label: Text { en: "Thread API", ko: "스레드 API" },
            help: Text {
                en: "`threading`: a `threading.Thread` subclass with `start()` and `join()`; `thread`: the low-level \
                     `_thread.start_new_thread`, whose threads always end with the main thread.",
                ko: "`threading`은 `start()`와 `join()`이 있는 `threading.Thread` 하위 클래스를 씁니다. `thread`는 \
                     저수준 `_thread.start_new_thread`를 쓰며, 그 스레드는 언제나 메인 스레드와 함께 끝납니다.",
            },
        },
        KnobWords {
            name: "join",
            label: Text { en: "Main thread waits", ko: "메인 스레드 대기" },
            help: Text {
                en: "`yes`: the main thread waits for the threads before its last line (with `thread` by sleeping \
                     long enough, as `_thread` has no `join()`); `no`: it goes straight on.",
                ko: "`yes`면 메인 스레드가 마지막 줄 전에 스레드들을 기다립니다(`thread`는 `_thread`에 `join()`이 \
                     없어 충분히 오래 잡니다). `no`면 기다리지 않고 바로 넘어갑니다.",
            },
        },
        KnobWords {
            name: "daemon",
            label: Text { en: "Daemon threads", ko: "데몬 스레드" },
            help: Text {
                en: "`yes` makes the `threading` workers daemons (`daemon=True`), which end when the main thread \
                     does. `_thread`'s threads behave so whatever this says.",
                ko: "`yes`면 `threading` 스레드를 데몬(`daemon=True`)으로 만들어 메인 스레드가 끝날 때 함께 끝나게 \
                     합니다. `_thread`의 스레드는 이 값과 상관없이 늘 그렇습니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<StartingThreads>(&INFO, &WORDS);

/// Which module starts the threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// A `threading.Thread` subclass, with `start()` and `join()`.
    Threading,
    /// The low-level `_thread.start_new_thread`: no join, and its threads die with the
    /// main thread.
    LowLevel,
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knobs {
    pub threads: u16,
    /// Thread k sleeps k × `wait_s` seconds before each line.
    pub wait_s: f64,
    pub lines: u8,
    pub api: Api,
    /// Whether the main thread waits for the threads.
    pub join: bool,
    pub daemon: bool,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            threads: values.whole("threads")? as u16,
            wait_s: values.number("wait_s")?,
            lines: values.whole("lines")? as u8,
            api: values.word("api", &[("threading", Api::Threading), ("thread", Api::LowLevel)])?,
            join: values.yes("join")?,
            daemon: values.yes("daemon")?,
        })
    }
}

struct StartingThreads;

impl Teach for StartingThreads {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }
}

const ACTIVE: Reg = Reg(0);

fn seconds(s: f64) -> String {
    format!("{}", (s * 1000.0).round() / 1000.0)
}

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { threads, wait_s, lines, api, join, daemon } = *knobs;
    let lines = u64::from(lines);
    let low_level = api == Api::LowLevel;
    // `_thread` threads always die with the main thread.
    let daemon = low_level || daemon;
    let wait_micros = |k: u16| (k as f64 * wait_s * 1e6).round() as u64;

    let mut src = Source::new();
    let (for_line, sleep_line, print_line, done_line);
    if low_level {
        src.line(0, "import _thread");
        src.line(0, "import time");
        src.blank();
        src.line(0, &format!("THREADS, WAIT, LINES = {threads}, {}, {lines}", seconds(wait_s)));
        src.blank();
        src.blank();
        src.line(0, "def worker(name, delay):");
        for_line = src.line(1, "for _ in range(LINES):");
        sleep_line = src.line(2, "time.sleep(delay)");
        print_line = src.line(2, "print(f\"Running {name}\")");
        done_line = src.line(1, "print(f\"{name} has finished execution\")");
    } else {
        src.line(0, "import threading");
        src.line(0, "import time");
        src.blank();
        src.line(0, &format!("THREADS, WAIT, LINES = {threads}, {}, {lines}", seconds(wait_s)));
        src.blank();
        src.blank();
        src.line(0, "class Worker(threading.Thread):");
        src.line(1, "def __init__(self, name, delay):");
        if daemon {
            src.line(2, "super().__init__(name=name, daemon=True)");
        } else {
            src.line(2, "super().__init__(name=name)");
        }
        src.line(2, "self.delay = delay");
        src.blank();
        src.line(1, "def run(self):");
        for_line = src.line(2, "for _ in range(LINES):");
        sleep_line = src.line(3, "time.sleep(self.delay)");
        print_line = src.line(3, "print(f\"Running {self.name}\")");
        done_line = src.line(2, "print(f\"{self.name} has finished execution\")");
    }
    src.blank();
    src.blank();
    let (start_line, active_line, join_line);
    if low_level {
        src.line(0, "for k in range(1, THREADS + 1):");
        start_line = src.line(1, "_thread.start_new_thread(worker, (f\"Thread-{k}\", k * WAIT))");
        // (`threading.active_count()` does not see `_thread`'s threads.)
        active_line = None;
        join_line = if join {
            Some(src.line(0, "time.sleep(THREADS * WAIT * LINES + 0.1)  # _thread has no join(): wait long enough"))
        } else {
            None
        };
    } else {
        src.line(0, "workers = [Worker(f\"Thread-{k}\", k * WAIT) for k in range(1, THREADS + 1)]");
        src.line(0, "for w in workers:");
        start_line = src.line(1, "w.start()");
        active_line = Some(src.line(0, "print(f\"active threads: {threading.active_count()}\")"));
        join_line = if join {
            src.line(0, "for w in workers:");
            Some(src.line(1, "w.join()"))
        } else {
            None
        };
    }
    let end_line = src.line(0, "print(\"main thread done\")");

    let mut main: Vec<Op> = starts(threads, start_line).collect();
    if let Some(line) = active_line {
        main.push(line.op(OpKind::Introspect { what: Introspect::ActiveCount, reg: ACTIVE }));
        main.push(
            line.op(OpKind::Print { text: vec![TextPart::Lit("active threads: ".into()), TextPart::Reg(ACTIVE)] }),
        );
    }
    if let Some(line) = join_line {
        if low_level {
            let micros = ((threads as f64 * wait_s * lines as f64 + 0.1) * 1e6).round() as u64;
            main.push(line.op(OpKind::Sleep { micros }));
        } else {
            main.extend(joins(threads, line));
        }
    }
    main.push(end_line.op(OpKind::Print { text: vec![TextPart::Lit("main thread done".into())] }));

    let mut actors = vec![main_thread(main)];
    for k in 1..=threads {
        // A Worker prints its own name; a `_thread` function the name it was given (the
        // thread itself has none until it asks threading, which calls it `Dummy-N`).
        let (actor, running, finished) = if low_level {
            let name = format!("Thread-{k}");
            let lit = |text: String| vec![TextPart::Lit(text)];
            (format!("Dummy-{k}"), lit(format!("Running {name}")), lit(format!("{name} has finished execution")))
        } else {
            (
                format!("Thread-{k}"),
                vec![TextPart::Lit("Running ".into()), TextPart::ActorName],
                vec![TextPart::ActorName, TextPart::Lit(" has finished execution".into())],
            )
        };
        let ops = vec![
            sleep_line.op(OpKind::Sleep { micros: wait_micros(k) }),
            print_line.op(OpKind::Print { text: running }),
            for_line.op(OpKind::Loop { to: 0, times: lines }),
            done_line.op(OpKind::Print { text: finished }),
        ];
        actors.push(ActorDef { daemon, ..thread(actor, ops) });
    }
    let program = Program {
        source: src.finish(),
        processes: vec![main_process()],
        actors,
        objects: Vec::new(),
        switch_interval: None,
    };
    Built::new(program, common)
}

/// What the threads printed: lines per thread (index k - 1), and the threads that said
/// they finished.
pub fn printed(knobs: &Knobs, trace: &Trace) -> (Vec<i64>, i64) {
    let threads = knobs.threads as usize;
    let mut running = vec![0; threads];
    let mut finished = 0;
    for write in &trace.console {
        let k = write.actor.0 as usize;
        if !(1..=threads).contains(&k) {
            continue;
        }
        if write.text.starts_with("Running ") {
            running[k - 1] += 1;
        } else if write.text.contains("has finished execution") {
            finished += 1;
        }
    }
    (running, finished)
}

/// Pairs of lines of different threads due at the same moment (k·wait for thread k).
fn ties(threads: i64, lines: i64) -> i64 {
    let mut times = Vec::new();
    for k in 1..=threads {
        times.extend((1..=lines).map(|i| k * i));
    }
    times.sort_unstable();
    times.windows(2).filter(|w| w[0] == w[1]).count() as i64
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let (threads, lines) = (i64::from(knobs.threads), i64::from(knobs.lines));
    let (running, finished) = printed(knobs, trace);
    let printed: i64 = running.iter().sum();
    let expected = threads * lines;
    let seconds = trace.wall as f64 / 1e9;
    let mut figures = vec![("lines", printed), ("expected", expected), ("finished", finished)];
    figures.push(("ms", (trace.wall / 1_000_000) as i64));
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let (low_level, join) = (knobs.api == Api::LowLevel, knobs.join);
    let headline = match (printed == expected && finished == threads, printed, ko) {
        (true, _, false) => {
            format!("All {threads} threads printed their {lines} lines and finished, in {seconds:.2} s.")
        }
        (true, _, true) => {
            format!("스레드 {threads}개가 모두 {lines}줄을 출력하고 끝났습니다. {seconds:.2}초 걸렸습니다.")
        }
        (false, 0, false) => "The threads printed nothing: the program ended before their first line.".to_string(),
        (false, 0, true) => "스레드들은 아무것도 출력하지 못했습니다. 첫 줄 전에 프로그램이 끝났습니다.".to_string(),
        (false, _, false) => format!("The threads printed {printed} of {expected} lines before the program ended."),
        (false, _, true) => format!("프로그램이 끝나기 전에 스레드들은 {expected}줄 중 {printed}줄을 출력했습니다."),
    };
    let why = match (printed == expected, low_level, join) {
        (true, _, true) => Text {
            en: "The main thread waited for the threads, so the total time is the slowest thread's: \
                 `threads × wait_s × lines`.",
            ko: "메인 스레드가 스레드들을 기다렸으므로 전체 시간은 가장 느린 스레드의 시간, \
                 `threads × wait_s × lines`입니다.",
        },
        (true, _, false) => Text {
            en: "Nobody called `join()`, yet the program still waited: Python waits for every non-daemon thread \
                 before it exits.",
            ko: "아무도 `join()`을 부르지 않았지만 프로그램은 기다렸습니다. 파이썬은 끝나기 전에 데몬이 아닌 스레드를 \
                 모두 기다립니다.",
        },
        (false, true, _) => Text {
            en: "`_thread`'s threads do not keep the program alive: when the main thread reached its end, they were \
                 ended with it. Set `join=yes` to make the main thread wait.",
            ko: "`_thread`의 스레드는 프로그램을 붙잡아 두지 않습니다. 메인 스레드가 끝에 이르자 스레드들도 함께 \
                 끝났습니다. `join=yes`로 메인 스레드가 기다리게 해 보세요.",
        },
        (false, false, _) => Text {
            en: "Daemon threads do not keep the program alive: they were ended when the main thread finished.",
            ko: "데몬 스레드는 프로그램을 붙잡아 두지 않습니다. 메인 스레드가 끝날 때 함께 끝났습니다.",
        },
    };
    let mut details = vec![why.get(lang).to_string()];
    let tied = ties(threads, lines);
    if printed == expected && tied > 0 {
        details.push(if ko {
            format!(
                "서로 다른 스레드의 줄 {tied}쌍이 같은 순간에 나올 차례였습니다. 그런 줄은 실행마다 순서가 바뀔 수 \
                 있습니다."
            )
        } else {
            format!(
                "{tied} pairs of lines of different threads were due at the same moment; those can come out in \
                 either order from run to run."
            )
        });
    }
    figures.push(("ties", tied));
    Findings { headline, details, figures }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    #[test]
    fn both_apis_build_and_the_low_level_threads_are_daemons() {
        for api in ["threading", "thread"] {
            for join in ["yes", "no"] {
                let b = built(&[("api", api), ("join", join)]);
                b.program.validate().unwrap();
                assert_eq!(b.program.actors[1].daemon, api == "thread");
            }
        }
        assert!(built(&[("api", "thread")]).program.source.contains("_thread.start_new_thread"));
    }

    #[test]
    fn ties_count_lines_due_at_the_same_moment() {
        // Thread 1 at 1, 2, 3, 4; thread 2 at 2, 4, 6, 8; thread 3 at 3, 6, 9, 12.
        assert_eq!(ties(3, 4), 4);
        assert_eq!(ties(1, 4), 0);
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_prints_what_the_lesson_says() {
        let run = |pairs: &[(&str, &str)]| {
            let out = crate::lessons::parts::testing::cpython(&built(pairs).program.source)?;
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).ok()
        };
        let Some(joined) = run(&[("wait_s", "0.01"), ("threads", "2"), ("lines", "2")]) else { return };
        assert_eq!(joined.matches("Running ").count(), 4, "{joined}");
        let nobody_waits = run(&[("wait_s", "0.01"), ("api", "thread"), ("join", "no")]).unwrap_or_default();
        assert_eq!(nobody_waits.matches("Running ").count(), 0, "{nobody_waits}");
    }
}
