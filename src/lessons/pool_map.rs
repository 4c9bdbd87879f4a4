//! Lesson 9, `pool_map`: `Pool(pool_size).map(f, range(tasks))`, where `f` prints the
//! worker's pid, sleeps `task_s` and returns `x * x`.
//!
//! `map` splits the items into chunks (CPython's default chunksize is
//! `ceil(tasks / (4 * pool_size))`) and each worker runs a whole chunk at a time, so the
//! total time is that of the busiest worker. The findings compare the measured time with
//! that prediction; the page plots both against the pool size over the learner's runs.

use crate::engine::pool::{add_pool, PoolLines, PoolMethod, PoolPlan, ITEM, RESULT};
use crate::engine::program::{
    Arith, ObjectDef, ObjectKind, Op, OpKind, Operand, Program, Reg, StartMethod, TextPart, Wait,
};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{import_multiprocessing, main_process, main_thread, not_finished, set_start_method};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "tasks", kind: KnobKind::Int { min: 1, max: 40 }, default: "10" },
    KnobSpec { name: "task_s", kind: KnobKind::Decimal { min: 0.001, max: 5.0 }, default: "1" },
    KnobSpec { name: "pool_size", kind: KnobKind::Int { min: 1, max: 12 }, default: "3" },
    // `0` stands for CPython's default.
    KnobSpec { name: "chunksize", kind: KnobKind::Int { min: 0, max: 40 }, default: "0" },
    KnobSpec { name: "method", kind: KnobKind::Choice(&["map", "imap_unordered", "apply_async"]), default: "map" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "pool_map",
    group: Group::Processes,
    title: Text { en: "`Pool.map` and the pool size", ko: "`Pool.map`과 풀 크기" },
    teaser: Text {
        en: "Ten one-second tasks on a pool of three: chunks, workers, and why it takes four seconds.",
        ko: "1초짜리 작업 열 개를 세 개짜리 풀에서: 청크, 워커, 그리고 4초가 걸리는 이유.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "start_method", "time_scale", "cores", "seed"],
    shows: crate::lessons::shows_with::<PoolMap>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "A `Pool` starts worker processes once and hands them tasks. `map` splits the items into chunks and a \
             worker takes a whole chunk at a time, so the run lasts as long as the busiest worker: with ten \
             one-second tasks on three workers, one of them does four. `imap_unordered` hands out one item at a \
             time and yields results as they come; `apply_async` submits tasks one by one. The plot collects \
             your runs: total time against pool size, measured and predicted.",
        ko: "`Pool`은 워커 프로세스를 한 번 시작해 두고 작업을 나눠 줍니다. `map`은 항목을 청크로 나누고 워커는 청크 \
             하나를 통째로 가져가므로, 실행 시간은 가장 바쁜 워커의 시간입니다. 1초짜리 작업 열 개를 워커 셋에 주면 \
             그중 하나가 네 개를 합니다. `imap_unordered`는 항목을 하나씩 나눠 주고 결과가 나오는 대로 돌려주며, \
             `apply_async`는 작업을 하나씩 제출합니다. 그래프에는 여러분의 실행이 모입니다: 풀 크기에 따른 전체 시간, \
             측정값과 예측값.",
    },
    seed_changes: Text {
        en: "Which worker runs which task, so the order of the `f(x)` lines and their pids, and the pool's own \
             overhead by a few milliseconds; the total time hardly moves.",
        ko: "어느 워커가 어느 작업을 실행하는지, 그래서 `f(x)` 줄의 순서와 pid, 그리고 풀 자체의 부담이 몇 밀리초 \
             달라집니다. 전체 시간은 거의 그대로입니다.",
    },
    knobs: &[
        KnobWords {
            name: "tasks",
            label: Text { en: "Tasks", ko: "작업 수" },
            help: Text {
                en: "How many tasks the pool runs: one call of `f(x)` for each `x` from 0 upward.",
                ko: "풀이 실행할 작업의 수입니다. 0부터 차례로 `x`마다 `f(x)`를 한 번씩 호출합니다.",
            },
        },
        KnobWords {
            name: "task_s",
            label: Text { en: "Task time (s)", ko: "작업 시간(초)" },
            help: Text {
                en: "How long one task takes, in seconds: the `time.sleep` inside `f(x)`.",
                ko: "작업 하나에 걸리는 시간(초)으로, `f(x)` 안의 `time.sleep`에 들어갑니다.",
            },
        },
        KnobWords {
            name: "pool_size",
            label: Text { en: "Pool size", ko: "풀 크기" },
            help: Text {
                en: "How many worker processes `Pool(...)` starts: how many tasks can run at the same time.",
                ko: "`Pool(...)`이 시작하는 워커 프로세스의 수입니다. 곧 동시에 실행될 수 있는 작업의 수입니다.",
            },
        },
        KnobWords {
            name: "chunksize",
            label: Text { en: "Chunk size", ko: "청크 크기" },
            help: Text {
                en: "Items a worker takes at a time (`chunksize=`). `0` keeps CPython's default: for `map`, tasks ÷ \
                     (4 × pool size) rounded up; for `imap_unordered`, 1. `apply_async` has none.",
                ko: "워커가 한 번에 가져가는 항목 수(`chunksize=`)입니다. `0`이면 CPython 기본값으로, `map`은 작업 수 \
                     ÷ (4 × 풀 크기)를 올림한 값, `imap_unordered`는 1입니다. `apply_async`에는 없습니다.",
            },
        },
        KnobWords {
            name: "method",
            label: Text { en: "Pool method", ko: "풀 메서드" },
            help: Text {
                en: "`map`: chunks, with all results at the end; `imap_unordered`: results as tasks finish; \
                     `apply_async`: one call per task, results read with `h.get()`.",
                ko: "`map`은 청크로 나눠 결과를 끝에 한꺼번에 돌려주고, `imap_unordered`는 작업이 끝나는 대로 \
                     돌려줍니다. `apply_async`는 작업마다 한 번 호출하고 결과를 `h.get()`으로 읽습니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<PoolMap>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knobs {
    pub tasks: u32,
    /// Seconds each task sleeps.
    pub task_s: f64,
    pub pool_size: u16,
    /// `0` stands for CPython's default.
    pub chunksize: u32,
    pub method: PoolMethod,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            tasks: values.whole("tasks")? as u32,
            task_s: values.number("task_s")?,
            pool_size: values.whole("pool_size")? as u16,
            chunksize: values.whole("chunksize")? as u32,
            method: values.word(
                "method",
                &[
                    ("map", PoolMethod::Map),
                    ("imap_unordered", PoolMethod::ImapUnordered),
                    ("apply_async", PoolMethod::ApplyAsync),
                ],
            )?,
        })
    }
}

struct PoolMap;

impl Teach for PoolMap {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }

    /// `apply_async` hands out one task per call: it has no chunksize.
    fn shows(knobs: &Knobs, name: &str) -> bool {
        name != "chunksize" || knobs.method != PoolMethod::ApplyAsync
    }
}

/// The main thread's `start`, then a scratch for each result and for the time taken.
const T0: Reg = Reg(0);
const SCRATCH: Reg = Reg(1);
const ELAPSED: Reg = SCRATCH;

/// The plan the knobs make.
pub fn plan(knobs: &Knobs) -> PoolPlan {
    PoolPlan {
        processes: knobs.pool_size,
        tasks: knobs.tasks,
        // `apply_async` takes no chunksize: each call is one task.
        chunksize: (knobs.chunksize > 0 && knobs.method != PoolMethod::ApplyAsync).then_some(knobs.chunksize),
        method: knobs.method,
        start_method: StartMethod::Fork,
    }
}

/// The predicted total, in task times: chunks handed out in order, each to the worker that
/// is free first; the run lasts as long as the busiest worker.
pub fn predicted_rounds(plan: &PoolPlan) -> u32 {
    let mut busy = vec![0u32; plan.processes.max(1) as usize];
    for (_, count) in plan.chunks() {
        let free = busy.iter_mut().min().expect("at least one worker");
        *free += count;
    }
    busy.into_iter().max().unwrap_or(0)
}

fn build(knobs: &Knobs, common: &Common) -> Built {
    let plan = PoolPlan { start_method: common.start_method, ..plan(knobs) };
    let task_s = knobs.task_s;
    let task_micros = (task_s * 1e6).round() as u64;
    let (tasks, size) = (plan.tasks, plan.processes);
    let chunk_arg = match plan.chunksize {
        Some(c) => format!(", chunksize={c}"),
        None => String::new(),
    };

    let mut src = Source::new();
    import_multiprocessing(&mut src, common, "Pool");
    src.line(0, "import os");
    src.line(0, "import time");
    src.blank();
    src.blank();
    let def = src.line(0, "def f(x):");
    let say = src.line(1, "print(f\"f({x}) in process {os.getpid()}\")");
    let sleep = src.line(1, &format!("time.sleep({task_s})"));
    let ret = src.line(1, "return x * x");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    set_start_method(&mut src, common);
    let start = src.line(1, "start = time.perf_counter()");
    let pool_line = src.line(1, &format!("with Pool({size}) as pool:"));
    let call = match plan.method {
        PoolMethod::Map => src.line(2, &format!("results = pool.map(f, range({tasks}){chunk_arg})")),
        PoolMethod::ImapUnordered => {
            src.line(2, &format!("results = list(pool.imap_unordered(f, range({tasks}){chunk_arg}))"))
        }
        PoolMethod::ApplyAsync => {
            src.line(2, &format!("handles = [pool.apply_async(f, (x,)) for x in range({tasks})]"))
        }
    };
    // `apply_async`'s results are read on a line of their own.
    let gets = match plan.method {
        PoolMethod::ApplyAsync => src.line(2, "results = [h.get() for h in handles]"),
        _ => call,
    };
    let done = src.line(1, "print(f\"{len(results)} results in {round((time.perf_counter() - start) * 1000)} ms\")");

    let mut program = Program {
        source: String::new(),
        processes: vec![main_process()],
        actors: vec![main_thread(Vec::new())],
        objects: Vec::new(),
        switch_interval: None,
    };
    // apply_async's results reach the main thread through the handles; here, a queue the
    // result handler fills and `h.get()` drains.
    let handles = (plan.method == PoolMethod::ApplyAsync).then(|| {
        program.objects.push(ObjectDef { name: "handles".into(), kind: ObjectKind::Queue { maxsize: 0 } });
        crate::engine::program::ObjectId(program.objects.len() as u16 - 1)
    });
    let task = vec![
        say.op(OpKind::Print {
            text: vec![
                TextPart::Lit("f(".into()),
                TextPart::Reg(ITEM),
                TextPart::Lit(") in process ".into()),
                TextPart::Pid,
            ],
        }),
        sleep.op(OpKind::Sleep { micros: task_micros }),
        // `x * x`: x into the result, then times x.
        ret.op(OpKind::Set { reg: RESULT, value: 0 }),
        ret.op(OpKind::Arith { reg: RESULT, op: Arith::Add, value: Operand::Reg(ITEM) }),
        ret.op(OpKind::Arith { reg: RESULT, op: Arith::Mul, value: Operand::Reg(ITEM) }),
    ];
    let callback: Vec<Op> = handles
        .map(|q| vec![call.op(OpKind::Put { object: q, value: Operand::Reg(Reg(0)), wait: Wait::Forever })])
        .unwrap_or_default();
    // The pool makes its own operations, from the lines' numbers.
    let lines = PoolLines { pool: pool_line.number(), call: call.number(), function: def.number() };
    let parts = add_pool(&mut program, &plan, &task, &callback, lines);
    let mut main = vec![start.op(OpKind::Clock { reg: T0 })];
    main.extend(parts.start);
    main.extend(parts.submit);
    main.extend(parts.results.into_iter().map(|o| match o.kind {
        OpKind::Get { object, wait, .. } => call.op(OpKind::Get { object, reg: SCRATCH, wait }),
        other => call.op(other),
    }));
    if let Some(q) = handles {
        main.extend((0..tasks).map(|_| gets.op(OpKind::Get { object: q, reg: SCRATCH, wait: Wait::Forever })));
    }
    main.extend(parts.shutdown);
    main.push(done.op(OpKind::Clock { reg: ELAPSED }));
    main.push(done.op(OpKind::Arith { reg: ELAPSED, op: Arith::Sub, value: Operand::Reg(T0) }));
    // `round(... * 1000)`: to the nearest millisecond.
    main.push(done.op(OpKind::Add { reg: ELAPSED, value: 500 }));
    main.push(done.op(OpKind::Arith { reg: ELAPSED, op: Arith::FloorDiv, value: Operand::Const(1000) }));
    main.push(done.op(OpKind::Print {
        text: vec![TextPart::Lit(format!("{tasks} results in ")), TextPart::Reg(ELAPSED), TextPart::Lit(" ms".into())],
    }));
    program.actors[0].ops = main;
    program.source = src.finish();
    Built::new(program, common)
}

/// The total time the program printed, in ms.
pub fn measured_ms(trace: &Trace) -> Option<i64> {
    trace.console_text().lines().find_map(|l| l.split(" results in ").nth(1)?.strip_suffix(" ms")?.parse().ok())
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let plan = plan(knobs);
    let task_s = knobs.task_s;
    let rounds = predicted_rounds(&plan);
    let predicted_ms = (rounds as f64 * task_s * 1000.0).round() as i64;
    let chunks = plan.chunks();
    let mut figures =
        vec![("predicted_ms", predicted_ms), ("chunks", chunks.len() as i64), ("chunksize", plan.chunksize() as i64)];
    let Some(measured) = measured_ms(trace).filter(|_| trace.outcome == Outcome::Completed) else {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    };
    figures.push(("measured_ms", measured));
    let (size, tasks) = (plan.processes, plan.tasks);
    let s = measured as f64 / 1000.0;
    let p = predicted_ms as f64 / 1000.0;
    let headline = if ko {
        format!(
            "작업 {tasks}개가 워커 {size}개에서 {s:.2}초 걸렸습니다. 예측은 {p:.2}초(가장 바쁜 워커가 작업 \
             {rounds}개)."
        )
    } else {
        format!(
            "{tasks} tasks on {size} workers took {s:.2} s; predicted {p:.2} s (the busiest worker runs {rounds} \
             tasks)."
        )
    };
    let chunk_list = chunks.iter().map(|(_, n)| n.to_string()).collect::<Vec<_>>().join(", ");
    let how = if ko {
        format!(
            "청크 크기 {}: 청크 {}개({chunk_list}). 워커는 청크 하나를 통째로 실행한 뒤 다음 청크를 가져갑니다.",
            plan.chunksize(),
            chunks.len()
        )
    } else {
        format!(
            "Chunksize {}: {} chunks ({chunk_list}). A worker runs a whole chunk before it takes the next.",
            plan.chunksize(),
            chunks.len()
        )
    };
    let why = Text {
        en: "The extra time over the prediction is the pool's own: starting the worker processes and passing \
             tasks and results through its queues.",
        ko: "예측을 넘는 시간은 풀 자체의 몫입니다. 워커 프로세스를 시작하고 작업과 결과를 큐로 주고받는 시간이지요.",
    };
    Findings { headline, details: vec![how, why.get(lang).to_string()], figures }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::build_from_pairs;

    fn built(pairs: &[(&str, &str)]) -> (KnobValues, Built) {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        build_from_pairs(&LESSON, &pairs).unwrap()
    }

    #[test]
    fn the_prediction_follows_the_chunking() {
        let rounds = |pairs: &[(&str, &str)]| predicted_rounds(&plan(&Knobs::from_knobs(&built(pairs).0).unwrap()));
        // Ten items, chunks of 1 on three workers: 4, 3, 3.
        assert_eq!(rounds(&[]), 4);
        // Chunks of 5: two workers get one each, the third none.
        assert_eq!(rounds(&[("chunksize", "5")]), 5);
        assert_eq!(rounds(&[("chunksize", "5"), ("method", "apply_async")]), 4, "apply_async has no chunksize");
        assert_eq!(rounds(&[("pool_size", "10")]), 1);
        assert_eq!(rounds(&[("pool_size", "1")]), 10);
    }

    #[test]
    fn apply_async_ignores_the_chunksize_and_finishes() {
        let (values, b) = built(&[("method", "apply_async"), ("chunksize", "5")]);
        assert!(!b.program.source.contains("chunksize"), "{}", b.program.source);
        assert!(!(INFO.shows)(&values, "chunksize"));
        let (program, settings) = b.into_sim();
        let trace = crate::engine::sim::run(program, settings).unwrap();
        assert_eq!(trace.outcome, crate::engine::trace::Outcome::Completed);
    }

    #[test]
    fn every_method_builds_and_the_generated_python_runs_in_cpython() {
        for method in ["map", "imap_unordered", "apply_async"] {
            let (_, b) = built(&[("method", method), ("task_s", "0.01"), ("tasks", "4")]);
            b.program.validate().unwrap();
            let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                Some(out) => out,
                None => return,
            };
            assert!(out.status.success(), "{method}: {}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            assert_eq!(text.matches(") in process ").count(), 4, "{method}: {text}");
            assert!(text.contains("4 results in "), "{method}: {text}");
        }
    }
}
