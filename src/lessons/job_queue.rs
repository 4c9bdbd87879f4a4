//! Lesson 13, `job_queue`: `pool.apply_async(job, (x,), callback=results.put)` for each
//! job, then draining `results` with `while not results.empty()`.
//!
//! The callbacks run in the parent's result-handler thread as jobs finish. Draining right
//! after submitting finds the queue still empty and collects nothing (or little); draining
//! after `pool.close()` and `pool.join()` finds every result there.

use crate::engine::pool::{add_pool, PoolLines, PoolMethod, PoolPlan, ITEM, RESULT};
use crate::engine::program::{
    Arith, Cond, ObjectDef, ObjectId, ObjectKind, OpKind, Operand, Program, Reg, TextPart, Wait,
};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{import_multiprocessing, main_process, main_thread, not_finished, set_start_method};
use crate::lessons::source::{Source, SourceLine};
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "pool_size", kind: KnobKind::Int { min: 1, max: 12 }, default: "4" },
    KnobSpec { name: "jobs", kind: KnobKind::Int { min: 1, max: 40 }, default: "10" },
    KnobSpec { name: "drain", kind: KnobKind::Choice(&["before", "after"]), default: "before" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "job_queue",
    group: Group::Processes,
    title: Text { en: "A job pool with a result queue", ko: "결과 큐가 있는 작업 풀" },
    teaser: Text {
        en: "`apply_async` with a callback into a queue: drain it too early and the results are not there yet.",
        ko: "콜백으로 큐에 넣는 `apply_async`: 너무 일찍 비우면 결과가 아직 없습니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "start_method", "time_scale", "cores", "seed"],
    shows: crate::lessons::shows_with::<JobQueue>,
    breaks: Some("missed"),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "`apply_async` returns at once; the job runs in a worker, and when it is done the pool's result-handler \
             thread in the parent calls the callback with the result, here putting it on a queue. A loop that \
             drains the queue right after submitting usually finds it empty: no job has finished yet. Calling \
             `pool.close()` and `pool.join()` first waits for every job, and then the queue holds all the results.",
        ko: "`apply_async`는 바로 돌아옵니다. 작업은 워커에서 실행되고, 끝나면 부모 프로세스에 있는 풀의 결과 처리 \
             스레드가 결과를 가지고 콜백을 부릅니다. 여기서는 결과를 큐에 넣습니다. 제출하자마자 큐를 비우는 반복문은 \
             대개 빈 큐를 만납니다. 아직 끝난 작업이 없으니까요. 먼저 `pool.close()`와 `pool.join()`을 부르면 모든 \
             작업을 기다리게 되고, 그러면 큐에 결과가 모두 들어 있습니다.",
    },
    seed_changes: Text {
        en: "With `drain=after`, the order the results arrive in (jobs that end at nearly the same moment swap \
             places); with `drain=before` nothing does: the drain always comes too early.",
        ko: "`drain=after`에서는 결과가 도착하는 순서가 달라집니다(거의 같은 순간에 끝난 작업끼리 자리를 바꿉니다). \
             `drain=before`에서는 달라지는 것이 없습니다. 언제나 너무 일찍 비우니까요.",
    },
    knobs: &[
        KnobWords {
            name: "pool_size",
            label: Text { en: "Pool size", ko: "풀 크기" },
            help: Text {
                en: "How many worker processes `Pool(...)` starts. Each job sleeps 0.1 s, so a bigger pool gets \
                     through the jobs sooner.",
                ko: "`Pool(...)`이 시작하는 워커 프로세스의 수입니다. 작업마다 0.1초 잠들므로 풀이 크면 작업이 더 \
                     빨리 끝납니다.",
            },
        },
        KnobWords {
            name: "jobs",
            label: Text { en: "Jobs", ko: "작업 수" },
            help: Text {
                en: "How many jobs are submitted with `apply_async`; each job's result reaches the `results` queue \
                     through the callback.",
                ko: "`apply_async`로 제출하는 작업의 수입니다. 작업마다 결과가 콜백을 거쳐 `results` 큐에 들어갑니다.",
            },
        },
        KnobWords {
            name: "drain",
            label: Text { en: "When to drain", ko: "비우는 시점" },
            help: Text {
                en: "When the `while not results.empty()` loop runs: `before`: right after the jobs are submitted; \
                     `after`: after `pool.close()` and `pool.join()`.",
                ko: "`while not results.empty()` 반복문을 도는 때입니다. `before`면 작업을 제출하자마자, `after`면 \
                     `pool.close()`와 `pool.join()` 다음입니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<JobQueue>(&INFO, &WORDS);

/// When the main process drains `results`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drain {
    /// Right after submitting the jobs.
    Before,
    /// After `pool.close()` and `pool.join()`.
    After,
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub pool_size: u16,
    pub jobs: u32,
    pub drain: Drain,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            pool_size: values.whole("pool_size")? as u16,
            jobs: values.whole("jobs")? as u32,
            drain: values.word("drain", &[("before", Drain::Before), ("after", Drain::After)])?,
        })
    }
}

struct JobQueue;

impl Teach for JobQueue {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }
}

const JOB_MICROS: u64 = 100_000;
/// The main thread's scratch: `results.empty()`, each result, `collected[-1]`, the count.
const SCRATCH: Reg = Reg(0);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { pool_size: size, jobs, .. } = *knobs;
    let before = knobs.drain == Drain::Before;

    let mut src = Source::new();
    import_multiprocessing(&mut src, common, "Pool");
    src.line(0, "import queue");
    src.line(0, "import time");
    src.blank();
    src.blank();
    let def = src.line(0, "def job(x):");
    let sleep = src.line(1, &format!("time.sleep({})", JOB_MICROS as f64 / 1e6));
    let ret = src.line(1, "return x * x");
    src.blank();
    src.blank();
    // The drain, written where `drain` puts it; returns its lines (test, get, print).
    let drain = |src: &mut Source| {
        let test = src.line(1, "while not results.empty():");
        let get = src.line(2, "collected.append(results.get())");
        let say = src.line(2, "print(f\"result {collected[-1]}\")");
        (test, get, say)
    };
    src.line(0, "if __name__ == \"__main__\":");
    set_start_method(&mut src, common);
    src.line(1, "results = queue.Queue()");
    src.line(1, "collected = []");
    let pool_line = src.line(1, &format!("pool = Pool({size})"));
    src.line(1, &format!("for x in range({jobs}):"));
    let call = src.line(2, "pool.apply_async(job, (x,), callback=results.put)");
    let early = before.then(|| drain(&mut src));
    let close = src.line(1, "pool.close()");
    let join = src.line(1, "pool.join()");
    let late = (!before).then(|| drain(&mut src));
    let report = src.line(1, &format!("print(f\"collected {{len(collected)}} of {jobs} results\")"));

    let mut program = Program {
        source: String::new(),
        processes: vec![main_process()],
        actors: vec![main_thread(Vec::new())],
        objects: vec![
            ObjectDef { name: "results".into(), kind: ObjectKind::Queue { maxsize: 0 } },
            ObjectDef { name: "collected".into(), kind: ObjectKind::List { initial: Vec::new() } },
        ],
        switch_interval: None,
    };
    let (results, collected) = (ObjectId(0), ObjectId(1));
    let plan = PoolPlan {
        processes: size,
        tasks: jobs,
        chunksize: None,
        method: PoolMethod::ApplyAsync,
        start_method: common.start_method,
    };
    let task = vec![
        sleep.op(OpKind::Sleep { micros: JOB_MICROS }),
        // `x * x`: x into the result, then times x.
        ret.op(OpKind::Set { reg: RESULT, value: 0 }),
        ret.op(OpKind::Arith { reg: RESULT, op: Arith::Add, value: Operand::Reg(ITEM) }),
        ret.op(OpKind::Arith { reg: RESULT, op: Arith::Mul, value: Operand::Reg(ITEM) }),
    ];
    // The result handler has the result in its register 0.
    let callback = vec![call.op(OpKind::Put { object: results, value: Operand::Reg(Reg(0)), wait: Wait::Forever })];
    let lines = PoolLines { pool: pool_line.number(), call: call.number(), function: def.number() };
    let parts = add_pool(&mut program, &plan, &task, &callback, lines);
    let mut main = parts.start;
    main.extend(parts.submit);
    let drain_ops = |base: usize, (test, get, say): (SourceLine, SourceLine, SourceLine)| {
        vec![
            test.op(OpKind::QueueEmpty { object: results, reg: SCRATCH }),
            test.op(OpKind::JumpIf { cond: Cond::Ne(SCRATCH, 0), to: base + 7 }),
            get.op(OpKind::Get { object: results, reg: SCRATCH, wait: Wait::Forever }),
            get.op(OpKind::ListAppend { object: collected, value: Operand::Reg(SCRATCH) }),
            say.op(OpKind::ListGet { object: collected, index: Operand::Const(-1), reg: SCRATCH }),
            say.op(OpKind::Print { text: vec![TextPart::Lit("result ".into()), TextPart::Reg(SCRATCH)] }),
            test.op(OpKind::Jump { to: base }),
        ]
    };
    if let Some(lines) = early {
        let base = main.len();
        main.extend(drain_ops(base, lines));
    }
    // `close()` hands each worker its sentinel; `join()` waits for the workers (and the
    // result handler). The pool made both on its own line.
    main.extend(parts.shutdown.into_iter().map(|o| match o.kind {
        OpKind::Join { .. } => join.op(o.kind),
        _ => close.op(o.kind),
    }));
    if let Some(lines) = late {
        let base = main.len();
        main.extend(drain_ops(base, lines));
    }
    main.push(report.op(OpKind::ListLen { object: collected, reg: SCRATCH }));
    main.push(report.op(OpKind::Print {
        text: vec![
            TextPart::Lit("collected ".into()),
            TextPart::Reg(SCRATCH),
            TextPart::Lit(format!(" of {jobs} results")),
        ],
    }));
    program.actors[0].ops = main;
    program.source = src.finish();
    Built::new(program, common)
}

/// How many results the drain collected, as the program printed it.
pub fn collected(trace: &Trace) -> Option<i64> {
    trace.console_text().lines().find_map(|l| l.strip_prefix("collected ")?.split(' ').next()?.parse().ok())
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let jobs = knobs.jobs as i64;
    let before = knobs.drain == Drain::Before;
    let Some(got) = collected(trace).filter(|_| trace.outcome == Outcome::Completed) else {
        return Findings { headline: not_finished(lang), details: vec![], figures: vec![] };
    };
    let figures = vec![("collected", got), ("jobs", jobs), ("missed", jobs - got)];
    let headline = match (got == jobs, ko) {
        (true, false) => format!("All {jobs} results collected."),
        (true, true) => format!("결과 {jobs}개를 모두 모았습니다."),
        (false, false) => format!("Collected {got} of {jobs} results: {} were missed.", jobs - got),
        (false, true) => format!("결과 {jobs}개 중 {got}개만 모았습니다. {}개를 놓쳤습니다.", jobs - got),
    };
    let why = if before {
        Text {
            en: "The drain ran right after the jobs were submitted: the queue was empty because no job had finished \
                 yet, so the loop ended at once. The results arrived later, when nobody was looking. Try \
                 `drain=after`.",
            ko: "작업을 제출하자마자 큐를 비웠습니다. 아직 끝난 작업이 없어서 큐가 비어 있었고, 반복문은 바로 \
                 끝났습니다. 결과는 아무도 보지 않을 때 나중에 도착했습니다. `drain=after`를 시도해 보세요.",
        }
    } else {
        Text {
            en: "`pool.close()` and `pool.join()` waited for every job, and each callback had put its result on the \
                 queue by then: the drain found them all.",
            ko: "`pool.close()`와 `pool.join()`이 모든 작업을 기다렸고, 그때는 콜백마다 결과를 큐에 넣은 뒤였습니다. \
                 큐를 비우며 모두 찾았습니다.",
        }
    };
    Findings { headline, details: vec![why.get(lang).to_string()], figures }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_misses_results_only_when_drained_early() {
        for drain in ["before", "after"] {
            let b = built(&[("drain", drain)]);
            b.program.validate().unwrap();
            let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                Some(out) => out,
                None => return,
            };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            let expected = if drain == "after" { "collected 10 of 10 results" } else { "collected 0 of 10 results" };
            assert!(text.contains(expected), "{drain}: {text}");
        }
    }
}
