//! Lesson `asyncio_vs_threads`: the same I/O-bound job as threads and as asyncio tasks.
//!
//! `tasks` workers each sleep `sleep` seconds (the I/O), then count `rounds` times into one
//! `counter`, either with `counter += 1` or with `read = counter`, a switch point, and
//! `counter = read + 1`. As asyncio tasks they share one thread and switch only at an
//! `await`: with none inside, counting is safe; with `await asyncio.sleep(0)` between the
//! read and the write, every task reads before any writes, and each round of all of them
//! adds 1 (exactly `rounds`, on every run, as CPython does). A coroutine that calls a
//! blocking `time.sleep` freezes the whole loop; a thread that does blocks only itself.

use crate::engine::program::{ActorDef, ActorId, ActorRole, ObjectDef, ObjectId, ObjectKind, Op, OpKind, Program};
use crate::engine::program::{ProcessId, Reg, TextPart};
use crate::engine::trace::{MarkKind, Nanos, Outcome, Trace};
use crate::i18n::{group_digits, Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{main_process, main_thread, not_finished, thread};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "api", kind: KnobKind::Choice(&["asyncio", "threads"]), default: "asyncio" },
    KnobSpec { name: "tasks", kind: KnobKind::Int { min: 1, max: 20 }, default: "10" },
    KnobSpec { name: "rounds", kind: KnobKind::Int { min: 1, max: 200 }, default: "100" },
    KnobSpec { name: "between", kind: KnobKind::Choice(&["nothing", "await"]), default: "await" },
    KnobSpec { name: "blocking", kind: KnobKind::Choice(&["no", "yes"]), default: "no" },
    KnobSpec { name: "sleep", kind: KnobKind::Decimal { min: 0.0, max: 1.0 }, default: "0.1" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "asyncio_vs_threads",
    group: Group::Modern,
    title: Text { en: "`asyncio` or threads", ko: "`asyncio`와 스레드" },
    teaser: Text {
        en: "One thread, an event loop, switches only at `await`: what that makes safe, and what one blocking call \
             does to every task.",
        ko: "스레드 하나와 이벤트 루프, `await`에서만 일어나는 전환: 그 덕에 안전해지는 것과 막히는 호출 하나가 모든 \
             태스크에 하는 일.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "gil", "cores", "seed", "time_scale"],
    shows: crate::lessons::shows_with::<AsyncioVsThreads>,
    breaks: Some("lost"),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "`asyncio` runs many tasks on one thread. The event loop runs one task until it reaches an `await`, then \
             the next ready task: nothing else ever interrupts a task. So `counter += 1`, with no `await` inside, \
             is safe. Put `await asyncio.sleep(0)` between the read and the write and every task reads the same \
             value before any writes: updates are lost, the same way on every run. Waiting is cheap: tasks that \
             `await asyncio.sleep` wait together. But a blocking call such as `time.sleep` inside a coroutine \
             holds the one thread, and every other task waits for it. Threads are switched by the GIL and the \
             operating system instead, anywhere, and a blocking call stops only its own thread.",
        ko: "`asyncio`는 스레드 하나에서 태스크 여러 개를 돌립니다. 이벤트 루프는 태스크 하나를 `await`에 닿을 때까지 \
             돌리고, 그다음 준비된 태스크로 넘어갑니다. 그 밖에는 아무것도 태스크를 끊지 않습니다. 그래서 안에 \
             `await`가 없는 `counter += 1`은 안전합니다. 읽기와 쓰기 사이에 `await asyncio.sleep(0)`를 넣으면 \
             모든 태스크가 누구도 쓰기 전에 같은 값을 읽어, 업데이트가 매번 똑같이 사라집니다. 기다림은 값쌉니다. \
             `await asyncio.sleep`하는 태스크들은 함께 기다립니다. 하지만 코루틴 안의 `time.sleep` 같은 막히는 \
             호출은 하나뿐인 스레드를 붙잡아, 다른 모든 태스크가 그것을 기다립니다. 스레드는 GIL과 운영체제가 \
             아무 데서나 바꾸고, 막히는 호출은 제 스레드만 멈춥니다.",
    },
    seed_changes: Text {
        en: "With `asyncio`, only the timings: the order of the tasks and the count are fixed by the loop.",
        ko: "`asyncio`에서는 시각만 달라집니다. 태스크의 순서와 셈은 루프가 정합니다.",
    },
    knobs: &[
        KnobWords {
            name: "api",
            label: Text { en: "Run the workers as", ko: "일꾼을 돌리는 방법" },
            help: Text {
                en: "`asyncio`: coroutines as tasks of one event loop, on one thread. `threads`: one \
                     `threading.Thread` each.",
                ko: "`asyncio`: 스레드 하나의 이벤트 루프에서 도는 태스크인 코루틴. `threads`: 일꾼마다 \
                     `threading.Thread` 하나.",
            },
        },
        KnobWords {
            name: "tasks",
            label: Text { en: "Workers", ko: "일꾼 수" },
            help: Text {
                en: "How many tasks (or threads) run `work()`.",
                ko: "`work()`를 실행하는 태스크(또는 스레드)의 수입니다.",
            },
        },
        KnobWords {
            name: "rounds",
            label: Text { en: "Rounds per worker", ko: "일꾼마다 반복 횟수" },
            help: Text {
                en: "How many times each worker adds 1 to `counter`.",
                ko: "일꾼마다 `counter`에 1을 더하는 횟수입니다.",
            },
        },
        KnobWords {
            name: "between",
            label: Text { en: "Between read and write", ko: "읽기와 쓰기 사이" },
            help: Text {
                en: "`nothing`: `counter += 1`. `await`: `read = counter`, then `await asyncio.sleep(0)` (threads: \
                     `time.sleep(0)`), then `counter = read + 1`.",
                ko: "`nothing`: `counter += 1`. `await`: `read = counter`, 그다음 `await asyncio.sleep(0)`(스레드는 \
                     `time.sleep(0)`), 그다음 `counter = read + 1`.",
            },
        },
        KnobWords {
            name: "blocking",
            label: Text { en: "One blocking call", ko: "막히는 호출 하나" },
            help: Text {
                en: "`yes`: one more worker, `blocker()`, calls `time.sleep(0.5)`: a coroutine that blocks the loop, \
                     or a thread that blocks only itself.",
                ko: "`yes`: 일꾼 `blocker()`를 하나 더 두어 `time.sleep(0.5)`를 부릅니다. 루프를 막는 코루틴이거나, \
                     제 스레드만 막는 스레드입니다.",
            },
        },
        KnobWords {
            name: "sleep",
            label: Text { en: "I/O wait per worker (s)", ko: "일꾼마다 I/O 기다림(초)" },
            help: Text {
                en: "Each worker first waits this long, as for I/O: `await asyncio.sleep(s)` (threads: \
                     `time.sleep(s)`).",
                ko: "일꾼마다 먼저 I/O를 기다리듯 이만큼 기다립니다. `await asyncio.sleep(s)`(스레드는 \
                     `time.sleep(s)`).",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<AsyncioVsThreads>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knobs {
    pub asyncio: bool,
    pub tasks: u16,
    pub rounds: u64,
    /// `await` (or `time.sleep(0)`) between the read and the write.
    pub yields: bool,
    pub blocking: bool,
    /// Seconds.
    pub sleep: f64,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            asyncio: values.word("api", &[("asyncio", true), ("threads", false)])?,
            tasks: values.whole("tasks")? as u16,
            rounds: values.whole("rounds")? as u64,
            yields: values.word("between", &[("nothing", false), ("await", true)])?,
            blocking: values.yes("blocking")?,
            sleep: values.number("sleep")?,
        })
    }
}

struct AsyncioVsThreads;

impl Teach for AsyncioVsThreads {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, common, trace, lang)
    }
}

const COUNTER: ObjectId = ObjectId(0);
const READ: Reg = Reg(0);
/// What the blocking worker sleeps, in µs.
const BLOCKS: u64 = 500_000;

/// The actors that run `work()`: after the main thread and the blocker, if there is one.
fn workers(knobs: &Knobs) -> std::ops::RangeInclusive<u16> {
    let first = 1 + knobs.blocking as u16;
    first..=first + knobs.tasks - 1
}

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { asyncio, tasks, rounds, yields, blocking, sleep } = *knobs;
    let expected = tasks as u64 * rounds;
    let (def, aw) = if asyncio { ("async def", "await asyncio.sleep") } else { ("def", "time.sleep") };
    let micros = (sleep * 1e6).round() as u64;
    let sleep_op = |micros| if asyncio { OpKind::AwaitSleep { micros } } else { OpKind::Sleep { micros } };
    let mut src = Source::new();
    src.line(0, if asyncio { "import asyncio" } else { "import threading" });
    src.line(0, "import time");
    src.blank();
    src.line(0, "counter = 0");
    src.blank();
    src.blank();
    src.line(0, &format!("{def} work():"));
    src.line(1, "global counter");
    let io_line = src.line(1, &format!("{aw}({sleep})  # the I/O"));
    let for_line = src.line(1, &format!("for _ in range({rounds}):"));
    let mut work = vec![io_line.op(sleep_op(micros))];
    if yields {
        let read_line = src.line(2, "read = counter");
        let yield_line = src.line(2, &format!("{aw}(0)"));
        let write_line = src.line(2, "counter = read + 1");
        work.push(read_line.op(OpKind::Load { object: COUNTER, reg: READ }));
        work.push(yield_line.op(sleep_op(0)));
        work.push(write_line.op(OpKind::Add { reg: READ, value: 1 }));
        work.push(write_line.op(OpKind::Store { object: COUNTER, reg: READ }));
    } else {
        let add_line = src.line(2, "counter += 1");
        work.push(add_line.op(OpKind::Load { object: COUNTER, reg: READ }));
        work.push(add_line.op(OpKind::Add { reg: READ, value: 1 }));
        work.push(add_line.op(OpKind::Store { object: COUNTER, reg: READ }));
    }
    work.push(for_line.op(OpKind::Loop { to: 1, times: rounds }));
    let mut blocker = Vec::new();
    if blocking {
        src.blank();
        src.blank();
        src.line(0, &format!("{def} blocker():"));
        let why = if asyncio { "blocks the event loop: no other task runs" } else { "blocks this thread only" };
        let line = src.line(1, &format!("time.sleep({})  # {why}", BLOCKS as f64 / 1e6));
        blocker.push(line.op(OpKind::Sleep { micros: BLOCKS }));
    }
    src.blank();
    src.blank();
    let (list, indent) = if asyncio {
        src.line(0, "async def main():");
        ("tasks", 1)
    } else {
        src.line(0, "if __name__ == \"__main__\":");
        ("threads", 1)
    };
    let make = |target: &str| {
        if asyncio {
            format!("asyncio.create_task({target}())")
        } else {
            format!("threading.Thread(target={target})")
        }
    };
    let all: Vec<ActorId> = (1..=tasks + blocking as u16).map(ActorId).collect();
    let mut main: Vec<Op> = Vec::new();
    let mut creates = Vec::new();
    if blocking {
        creates.push((src.line(indent, &format!("{list} = [{}]", make("blocker"))), 1));
    }
    let op = if blocking { "+=" } else { "=" };
    let work_line = src.line(indent, &format!("{list} {op} [{} for _ in range({tasks})]", make("work")));
    creates.extend(workers(knobs).map(|a| (work_line, a)));
    if asyncio {
        main.extend(creates.iter().map(|&(line, a)| line.op(OpKind::CreateTask { actor: ActorId(a) })));
        let gather = src.line(1, "await asyncio.gather(*tasks)");
        main.extend(all.iter().map(|&actor| gather.op(OpKind::AwaitTask { actor })));
    } else {
        src.line(1, "for t in threads:");
        let start = src.line(2, "t.start()");
        src.line(1, "for t in threads:");
        let join = src.line(2, "t.join()");
        main.extend(all.iter().map(|&actor| start.op(OpKind::Start { actor })));
        let forever = crate::engine::program::Wait::Forever;
        main.extend(all.iter().map(|&actor| join.op(OpKind::Join { actor, wait: forever })));
    }
    let print = src.line(indent, &format!("print(f\"counter = {{counter}} (expected {expected})\")"));
    main.push(print.op(OpKind::Load { object: COUNTER, reg: READ }));
    main.push(print.op(OpKind::Print {
        text: vec![
            TextPart::Lit("counter = ".into()),
            TextPart::Reg(READ),
            TextPart::Lit(format!(" (expected {expected})")),
        ],
    }));
    if asyncio {
        src.blank();
        src.blank();
        src.line(0, "asyncio.run(main())");
    }
    let mut actors = vec![main_thread(main)];
    // asyncio.run's own task for main() is Task-1; the ones it creates follow.
    let name = |n: u16, target: &str| {
        if asyncio {
            format!("Task-{}", n + 1)
        } else {
            format!("Thread-{n} ({target})")
        }
    };
    let actor = |name: String, ops: Vec<Op>| {
        if asyncio {
            ActorDef { name, process: ProcessId(0), role: ActorRole::Task, daemon: false, ops }
        } else {
            thread(name, ops)
        }
    };
    if blocking {
        actors.push(actor(name(1, "blocker"), blocker));
    }
    actors.extend(workers(knobs).map(|n| actor(name(n, "work"), work.clone())));
    let objects = vec![ObjectDef { name: "counter".into(), kind: ObjectKind::Var { initial: 0 } }];
    let program =
        Program { source: src.finish(), processes: vec![main_process()], actors, objects, switch_interval: None };
    Built::new(program, common)
}

/// The counter's end, as the program printed it.
pub fn counted(trace: &Trace) -> Option<i64> {
    let text = trace.console_text();
    let line = text.lines().find_map(|l| l.strip_prefix("counter = "))?;
    line.split(' ').next()?.parse().ok()
}

/// When the `work()` workers began (the latest of them) and ended (the last), in ns.
pub fn began_and_ended(knobs: &Knobs, trace: &Trace) -> (Nanos, Nanos) {
    let workers = workers(knobs);
    let of = |kind: MarkKind| {
        trace.marks.iter().filter(|m| m.kind == kind && workers.contains(&m.actor.0)).map(|m| m.at).max()
    };
    (of(MarkKind::Started).unwrap_or(0), of(MarkKind::Exited).unwrap_or(0))
}

fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let expected = knobs.tasks as i64 * knobs.rounds as i64;
    let counter = counted(trace).unwrap_or(0);
    let lost = expected - counter;
    let (began, ended) = began_and_ended(knobs, trace);
    let ms = |ns: Nanos| ((ns + 500_000) / 1_000_000) as i64;
    let (elapsed_ms, late_ms) = (ms(ended), ms(began));
    let figures = vec![("counter", counter), ("lost", lost), ("elapsed_ms", elapsed_ms), ("late_ms", late_ms)];
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let api = if knobs.asyncio { "`asyncio`" } else { "`threading`" };
    let (c, e, l) = (group_digits(counter), group_digits(expected), group_digits(lost));
    let headline = match (lost > 0, ko) {
        (true, false) => format!("{api}: the workers counted {c} of {e}: {l} updates lost."),
        (true, true) => format!("{api}: 일꾼들이 {e}번 중 {c}번만 셌습니다. 업데이트 {l}번이 사라졌습니다."),
        (false, false) => format!("{api}: the workers counted all {e}: none lost."),
        (false, true) => format!("{api}: 일꾼들이 {e}번을 모두 셌습니다. 사라진 것이 없습니다."),
    };
    let old_gil = common.python.switch_model() == crate::engine::python::build::PythonModel::V3_9;
    let why = match (knobs.asyncio, knobs.yields) {
        (false, false) if !common.gil => Text {
            en: "No GIL: the threads ran on the cores at once, and `counter += 1` is a read and a write that \
                 another thread can come between, so updates can be lost even with nothing in between.",
            ko: "GIL이 없어 스레드들이 코어에서 동시에 돌았습니다. `counter += 1`은 다른 스레드가 끼어들 수 있는 \
                 읽기와 쓰기라서, 사이에 아무것도 없어도 업데이트를 잃을 수 있습니다.",
        },
        (false, false) if old_gil => Text {
            en: "Before 3.10 the GIL could change hands between any two bytecodes, inside `counter += 1` too: \
                 threads can lose updates even with nothing in between.",
            ko: "3.10 전에는 GIL이 아무 바이트코드 사이에서나, `counter += 1` 안에서도 넘어갈 수 있었습니다. \
                 사이에 아무것도 없어도 스레드가 업데이트를 잃을 수 있습니다.",
        },
        (true, false) => Text {
            en: "One thread ran every task, and the loop switches only at an `await`: `counter += 1` has none \
                 inside, so no task ran between another's read and write.",
            ko: "스레드 하나가 모든 태스크를 돌렸고, 루프는 `await`에서만 전환합니다. `counter += 1` 안에는 그것이 \
                 없으니 어떤 태스크도 다른 태스크의 읽기와 쓰기 사이에 돌지 않았습니다.",
        },
        (true, true) => Text {
            en: "Each task read `counter`, then gave the loop away at `await asyncio.sleep(0)`; the loop ran every \
                 other ready task first, and each read the same value before any wrote. Each round of all the \
                 tasks added 1. This is no accident of timing: CPython does exactly this on every run.",
            ko: "태스크마다 `counter`를 읽고 `await asyncio.sleep(0)`에서 루프를 내주었습니다. 루프는 준비된 다른 \
                 태스크들을 먼저 돌렸고, 누구도 쓰기 전에 모두 같은 값을 읽었습니다. 모든 태스크의 한 바퀴가 1만 \
                 더했습니다. 우연한 시각 탓이 아닙니다. CPython은 매번 정확히 이렇게 합니다.",
        },
        (false, false) => Text {
            en: "Threads are switched by the GIL, which since 3.10 changes hands only at calls and loop jumps, \
                 never inside `counter += 1`; without it (`gil=off`) they can lose updates.",
            ko: "스레드는 GIL이 바꾸는데, 3.10부터 GIL은 호출과 반복문 점프에서만 넘어가고 `counter += 1` \
                 한가운데서는 넘어가지 않습니다. GIL이 없으면(`gil=off`) 업데이트를 잃을 수 있습니다.",
        },
        (false, true) => Text {
            en: "`time.sleep(0)` between the read and the write let another thread run there; how many updates \
                 are lost depends on how the threads happened to be switched, and changes from run to run.",
            ko: "읽기와 쓰기 사이의 `time.sleep(0)`이 그 자리에서 다른 스레드를 돌게 했습니다. 업데이트가 몇 번 \
                 사라지는지는 스레드가 어떻게 바뀌었는지에 달려 있고, 실행마다 달라집니다.",
        },
    };
    let mut details = vec![why.get(lang).to_string()];
    let sleep = knobs.sleep;
    details.push(if ko {
        format!("일꾼들은 모두 {elapsed_ms} ms 만에 끝났습니다. 저마다 {sleep}초를 기다렸는데, 함께 기다렸습니다.")
    } else {
        format!("The workers were all done after {elapsed_ms} ms: each waited {sleep} s, and they waited together.")
    });
    if knobs.blocking {
        details.push(match (knobs.asyncio, ko) {
            (true, false) => format!(
                "`time.sleep(0.5)` in `blocker()` held the loop's one thread: the last task began {late_ms} ms in. \
                 In a coroutine, wait with `await asyncio.sleep(0.5)`, or move blocking work to a thread with \
                 `asyncio.to_thread`."
            ),
            (true, true) => format!(
                "`blocker()`의 `time.sleep(0.5)`가 루프의 하나뿐인 스레드를 붙잡아, 마지막 태스크는 {late_ms} ms에야 \
                 시작했습니다. 코루틴에서는 `await asyncio.sleep(0.5)`로 기다리거나, 막히는 일을 \
                 `asyncio.to_thread`로 스레드에 넘기세요."
            ),
            (false, false) => format!(
                "`time.sleep(0.5)` in `blocker()` blocked only its own thread: the last worker began {late_ms} ms \
                 in."
            ),
            (false, true) => {
                format!(
                    "`blocker()`의 `time.sleep(0.5)`는 제 스레드만 막아, 마지막 일꾼은 {late_ms} ms에 시작했습니다."
                )
            }
        });
    }
    Findings { headline, details, figures }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::parts::testing;

    fn figure(pairs: &[(&str, &str)], name: &str) -> i64 {
        let (knobs, trace) = testing::run(&LESSON, pairs);
        let f = (LESSON.findings)(&knobs, &trace, Lang::En);
        f.figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap()
    }

    #[test]
    fn an_await_between_the_read_and_the_write_counts_exactly_one_per_round_as_cpython_does() {
        for seed in ["1", "2", "3"] {
            let (_, trace) = testing::run(&LESSON, &[("seed", seed)]);
            assert_eq!(counted(&trace), Some(100), "seed {seed}");
        }
        assert_eq!(figure(&[("between", "nothing")], "lost"), 0);
        assert_eq!(figure(&[("between", "nothing"), ("tasks", "20"), ("rounds", "200")], "lost"), 0);
    }

    #[test]
    fn ten_tasks_sleeping_at_once_take_one_sleep_and_a_blocking_call_delays_them_all_by_its_length() {
        let elapsed = figure(&[("between", "nothing")], "elapsed_ms");
        assert!((100..=106).contains(&elapsed), "{elapsed}");
        let pairs = [("between", "nothing"), ("blocking", "yes")];
        let (late, elapsed) = (figure(&pairs, "late_ms"), figure(&pairs, "elapsed_ms"));
        assert!((500..=506).contains(&late) && (600..=608).contains(&elapsed), "{late} {elapsed}");
        // A thread that blocks stops only itself.
        let threads = [("api", "threads"), ("between", "nothing"), ("blocking", "yes")];
        assert!(figure(&threads, "late_ms") < 10 && figure(&threads, "elapsed_ms") < 120);
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_prints_what_the_model_prints() {
        for pairs in [
            &[][..],
            &[("between", "nothing"), ("blocking", "yes"), ("sleep", "0.05")][..],
            &[("api", "threads"), ("between", "nothing"), ("tasks", "3")][..],
        ] {
            let (_, built) = testing::built(&LESSON, pairs);
            let Some(out) = testing::cpython(&built.program.source) else { return };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let (_, trace) = testing::run(&LESSON, pairs);
            assert_eq!(String::from_utf8_lossy(&out.stdout), trace.console_text(), "{pairs:?}");
        }
    }
}
