//! Lesson `futures`: `concurrent.futures`, a `ThreadPoolExecutor` or a `ProcessPoolExecutor`
//! running `tasks` calls of `task(x)`, which sleeps (I/O-bound) or counts down (CPU-bound)
//! for `SIZES[x]` seconds and returns `x * x`, or raises `ValueError` for the failing input.
//!
//! The main thread submits every task and prints the results as `as_completed` yields
//! them, as `executor.map` yields them, or by `fut.result()` on each future in submission
//! order; leaving the `with` block shuts the executor down and waits. A task's exception
//! is kept in its future and raised again where the main thread asks for the result: the
//! program ends there with a traceback, once the `with` block has waited for the rest.
//! The executor itself, built from queues, threads and processes, is in `executor`.

use crate::engine::program::{ActorId, Arith, Cond, OpKind, Operand, Program, Reg, TextPart, Wait};
use crate::engine::trace::{MarkKind, Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{main_process, main_thread, set_start_method};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, Lesson, LessonInfo, Teach};

mod executor;
mod plan;
mod words;

use executor::{task_ops, Executor, ExecutorLines, TaskLines, OUTCOME_BASE};
pub use plan::{default_workers, Kind, Method, Plan, Work, LOOPS_PER_S};
pub use words::WORDS;

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "executor", kind: KnobKind::Choice(&["thread", "process"]), default: "thread" },
    // `0`: `max_workers` not given, CPython's default.
    KnobSpec { name: "workers", kind: KnobKind::Int { min: 0, max: 16 }, default: "0" },
    KnobSpec { name: "tasks", kind: KnobKind::Int { min: 1, max: 24 }, default: "6" },
    KnobSpec { name: "work", kind: KnobKind::Choice(&["io", "cpu"]), default: "io" },
    KnobSpec { name: "size", kind: KnobKind::Decimal { min: 0.001, max: 1.0 }, default: "0.1" },
    KnobSpec { name: "method", kind: KnobKind::Choice(&["as_completed", "map", "result"]), default: "as_completed" },
    KnobSpec { name: "chunksize", kind: KnobKind::Int { min: 1, max: 8 }, default: "1" },
    // `-1`: no task raises.
    KnobSpec { name: "fail", kind: KnobKind::Int { min: -1, max: 23 }, default: "-1" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "futures",
    group: Group::Modern,
    title: Text { en: "`concurrent.futures`: executors and futures", ko: "`concurrent.futures`: 실행기와 퓨처" },
    teaser: Text {
        en: "`submit`, `map` and `as_completed` on threads or processes: results in completion order, and a task's \
             exception raised again by `fut.result()`.",
        ko: "스레드나 프로세스에서 `submit`, `map`, `as_completed`: 완료 순서로 나오는 결과, 그리고 `fut.result()`가 \
             다시 일으키는 작업의 예외.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "start_method", "cores", "seed", "time_scale"],
    shows: crate::lessons::shows_with::<Futures>,
    breaks: None,
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<Futures>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knobs {
    pub executor: Kind,
    /// `max_workers`; `0` when it is not given.
    pub workers: u32,
    pub tasks: u32,
    pub work: Work,
    /// The size unit, in seconds.
    pub size: f64,
    pub method: Method,
    /// `map`'s `chunksize`, for a process executor.
    pub chunksize: u32,
    /// The input whose task raises, if any.
    pub fail: Option<u32>,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        let fail = values.whole("fail")?;
        Ok(Knobs {
            executor: values.word("executor", &[("thread", Kind::Thread), ("process", Kind::Process)])?,
            workers: values.whole("workers")? as u32,
            tasks: values.whole("tasks")? as u32,
            work: values.word("work", &[("io", Work::Io), ("cpu", Work::Cpu)])?,
            size: values.number("size")?,
            method: values.word(
                "method",
                &[("as_completed", Method::AsCompleted), ("map", Method::Map), ("result", Method::Result)],
            )?,
            chunksize: values.whole("chunksize")? as u32,
            fail: u32::try_from(fail).ok(),
        })
    }
}

struct Futures;

impl Teach for Futures {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        words::findings(knobs, common, trace, lang)
    }

    /// `chunksize` is `map`'s, and only a process executor uses it.
    fn shows(knobs: &Knobs, name: &str) -> bool {
        name != "chunksize" || (knobs.executor == Kind::Process && knobs.method == Method::Map)
    }
}

/// What the knobs make: `max_workers` resolved, the task sizes and the chunks.
pub fn plan(knobs: &Knobs, common: &Common) -> Plan {
    let chunked = knobs.executor == Kind::Process && knobs.method == Method::Map;
    Plan {
        kind: knobs.executor,
        workers: if knobs.workers == 0 { default_workers(knobs.executor, common.cores) } else { knobs.workers },
        tasks: knobs.tasks.max(1),
        method: knobs.method,
        chunksize: if chunked { knobs.chunksize.max(1) } else { 1 },
        work: knobs.work,
        size_us: ((knobs.size * 1e6).round() as u64).max(1),
        fail: knobs.fail,
        start_method: common.start_method,
    }
}

/// Seconds as Python writes the literal (`0.3`, `0.001`).
fn seconds(micros: u64) -> String {
    format!("{}", micros as f64 / 1e6)
}

// The main thread's registers: `start`, the executor's two (`executor::MAIN_STARTED` and
// `MAIN_SCRATCH`), an outcome, its input and result, and the time taken.
const T0: Reg = Reg(0);
const OUTCOME: Reg = Reg(3);
const X: Reg = Reg(4);
const RESULT: Reg = Reg(5);
const ELAPSED: Reg = Reg(6);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let plan = plan(knobs, common);
    let process = plan.kind == Kind::Process;
    let cpu = plan.work == Work::Cpu;
    let tasks = plan.tasks;
    let class = if process { "ProcessPoolExecutor" } else { "ThreadPoolExecutor" };

    let mut src = Source::new();
    let imports = if plan.method == Method::AsCompleted { format!("{class}, as_completed") } else { class.into() };
    src.line(0, &format!("from concurrent.futures import {imports}"));
    if process && common.start_method_set {
        src.line(0, "from multiprocessing import set_start_method");
    }
    src.line(0, "import time");
    src.blank();
    let sizes: Vec<String> = (0..tasks).map(|x| seconds(plan.task_us(x))).collect();
    src.line(0, &format!("SIZES = [{}]  # seconds each task takes", sizes.join(", ")));
    if cpu {
        src.line(0, "LOOPS_PER_S = 28_571_428  # passes of `while n > 0: n -= 1` a second in CPython 3.11");
    }
    src.blank();
    src.blank();
    let def = src.line(0, "def task(x):");
    let (size, countdown) = if cpu {
        let size = src.line(1, "n = int(SIZES[x] * LOOPS_PER_S)");
        (size, Some((src.line(1, "while n > 0:"), src.line(2, "n -= 1"))))
    } else {
        (src.line(1, "time.sleep(SIZES[x])  # waiting for I/O"), None)
    };
    let fail_lines = plan.fail.map(|fail| {
        let check = src.line(1, &format!("if x == {fail}:"));
        (check, src.line(2, "raise ValueError(f\"bad input {x}\")"))
    });
    let ret = src.line(1, "return x * x");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    if process {
        set_start_method(&mut src, common);
    }
    let start = src.line(1, "start = time.perf_counter()");
    let args = if knobs.workers == 0 {
        let (formula, what) =
            if process { ("os.cpu_count()", "processes") } else { ("min(32, os.cpu_count() + 4)", "threads") };
        let cores = common.cores;
        src.line(1, &format!("# no max_workers: {formula} {what}, {} with {cores} cores", plan.workers));
        String::new()
    } else {
        format!("max_workers={}", plan.workers)
    };
    let with = src.line(1, &format!("with {class}({args}) as executor:"));
    let (submit, wait, print, raise_at) = match plan.method {
        Method::AsCompleted => {
            let submit = src.line(2, &format!("futures = {{executor.submit(task, x): x for x in range({tasks})}}"));
            let wait = src.line(2, "for fut in as_completed(futures):");
            let print = src.line(3, "print(f\"task {futures[fut]}: {fut.result()}\")");
            (submit, wait, print, print)
        }
        Method::Result => {
            let submit = src.line(2, &format!("futures = [executor.submit(task, x) for x in range({tasks})]"));
            src.line(2, "for x, fut in enumerate(futures):");
            let print = src.line(3, "print(f\"task {x}: {fut.result()}\")");
            (submit, print, print, print)
        }
        Method::Map => {
            let chunk = if plan.chunked() { format!(", chunksize={}", plan.chunksize) } else { String::new() };
            let call = format!("for x, result in enumerate(executor.map(task, range({tasks}){chunk})):");
            let submit = src.line(2, &call);
            let print = src.line(3, "print(f\"task {x}: {result}\")");
            (submit, submit, print, submit)
        }
    };
    let done = src.line(1, &format!("print(f\"{tasks} tasks in {{round((time.perf_counter() - start) * 1000)}} ms\")"));

    let mut program = Program {
        source: String::new(),
        processes: vec![main_process()],
        actors: vec![main_thread(Vec::new())],
        objects: Vec::new(),
        switch_interval: None,
    };
    let task_lines = TaskLines { def, size, countdown, fail: fail_lines, ret };
    let task = task_ops(&plan, &task_lines);
    let lines = ExecutorLines { with, submit, function: def };
    let executor = Executor::add(&mut program, &plan, &task, lines);

    let mut main = vec![start.op(OpKind::Clock { reg: T0 })];
    main.extend(executor.submit_ops(main.len()));
    // Where a result that raised goes: the jumps, filled in once the place is known.
    let can_raise = plan.raises();
    let mut raises = Vec::new();
    let mut check = |main: &mut Vec<_>| {
        if can_raise {
            raises.push(main.len());
            main.push(raise_at.op(OpKind::JumpIf { cond: Cond::Lt(OUTCOME, 0), to: 0 }));
        }
    };
    // `outcome % OUTCOME_BASE` (or its `// OUTCOME_BASE`) into `reg`.
    let part = |reg: Reg, op: Arith| {
        vec![
            print.op(OpKind::Set { reg, value: 0 }),
            print.op(OpKind::Arith { reg, op: Arith::Add, value: Operand::Reg(OUTCOME) }),
            print.op(OpKind::Arith { reg, op, value: Operand::Const(OUTCOME_BASE) }),
        ]
    };
    match executor.done {
        Some(done) => {
            for _ in 0..tasks {
                main.push(wait.op(OpKind::Get { object: done, reg: OUTCOME, wait: Wait::Forever }));
                check(&mut main);
                main.extend(part(X, Arith::FloorDiv));
                main.extend(part(RESULT, Arith::Mod));
                main.push(print.op(OpKind::Print {
                    text: vec![
                        TextPart::Lit("task ".into()),
                        TextPart::Reg(X),
                        TextPart::Lit(": ".into()),
                        TextPart::Reg(RESULT),
                    ],
                }));
            }
        }
        None => {
            for (&future, (first, count)) in executor.futures.iter().zip(plan.items()) {
                main.push(wait.op(OpKind::Get { object: future, reg: OUTCOME, wait: Wait::Forever }));
                check(&mut main);
                if plan.chunked() {
                    // A chunk's results come as a list, printed one by one.
                    for x in first..first + count {
                        let text = format!("task {x}: {}", u64::from(x) * u64::from(x));
                        main.push(print.op(OpKind::Print { text: vec![TextPart::Lit(text)] }));
                    }
                } else {
                    main.extend(part(RESULT, Arith::Mod));
                    main.push(print.op(OpKind::Print {
                        text: vec![TextPart::Lit(format!("task {first}: ")), TextPart::Reg(RESULT)],
                    }));
                }
            }
        }
    }
    main.extend(executor.shutdown_ops(main.len()));
    main.push(done.op(OpKind::Clock { reg: ELAPSED }));
    main.push(done.op(OpKind::Arith { reg: ELAPSED, op: Arith::Sub, value: Operand::Reg(T0) }));
    // `round(... * 1000)`: to the nearest millisecond.
    main.push(done.op(OpKind::Add { reg: ELAPSED, value: 500 }));
    main.push(done.op(OpKind::Arith { reg: ELAPSED, op: Arith::FloorDiv, value: Operand::Const(1000) }));
    main.push(done.op(OpKind::Print {
        text: vec![TextPart::Lit(format!("{tasks} tasks in ")), TextPart::Reg(ELAPSED), TextPart::Lit(" ms".into())],
    }));
    if let (true, Some(fail), Some((_, raise_line))) = (can_raise, plan.fail, fail_lines) {
        // The exception leaves the `with` block, whose `shutdown(wait=True)` waits for the
        // other tasks; then the traceback.
        let end = main.len();
        main.push(done.op(OpKind::Jump { to: 0 }));
        for &at in &raises {
            main[at].kind = OpKind::JumpIf { cond: Cond::Lt(OUTCOME, 0), to: main.len() };
        }
        main.extend(executor.cancel_ops());
        main.extend(executor.shutdown_ops(main.len()));
        main.push(raise_at.op(OpKind::Raise {
            exception: "ValueError",
            message: format!("bad input {fail}"),
            origin: Some(raise_line.number()),
        }));
        main[end].kind = OpKind::Jump { to: main.len() };
    }
    program.actors[0].ops = main;
    program.source = src.finish();
    Built::new(program, common)
}

/// The inputs whose results the program printed, in the order it printed them.
pub fn printed_order(trace: &Trace) -> Vec<u32> {
    trace.console_text().lines().filter_map(|l| l.strip_prefix("task ")?.split(':').next()?.parse().ok()).collect()
}

/// The time the program printed, in ms; or when it ended with the task's exception, when
/// it raised.
pub fn elapsed_ms(trace: &Trace) -> Option<i64> {
    let printed =
        trace.console_text().lines().find_map(|l| l.split(" tasks in ").nth(1)?.strip_suffix(" ms")?.parse().ok());
    printed.or_else(|| {
        let raised = trace.errors.iter().position(|e| e.actor == ActorId(0))?;
        let mark = trace.marks.iter().find(|m| m.kind == MarkKind::Raised(raised as u32))?;
        Some((mark.at as i64 + 500_000) / 1_000_000)
    })
}

/// Whether the main thread raised the task's `ValueError`.
pub fn raised(trace: &Trace) -> bool {
    trace.errors.iter().any(|e| e.actor == ActorId(0) && e.exception == "ValueError")
}

/// How many worker threads or processes ran.
pub fn workers_started(trace: &Trace) -> usize {
    let worker = |name: &str| name.starts_with("ThreadPoolExecutor-") || name.contains("Process-");
    let started = |a: usize| trace.marks.iter().any(|m| m.kind == MarkKind::Started && usize::from(m.actor.0) == a);
    trace.actors.iter().enumerate().filter(|&(a, info)| worker(&info.name) && started(a)).count()
}

/// Whether a run ended as the program does: completed, with or without its traceback.
fn finished(trace: &Trace) -> bool {
    trace.outcome == Outcome::Completed
}

#[cfg(test)]
mod tests;
