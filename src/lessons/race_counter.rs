//! Lesson 2, `race_counter`: N threads each do `counter += 1` K times.
//!
//! One description generates both the Python the learner reads and the Program the engines
//! run: the `with lock:` line moves with `lock`, and the read-modify-write splits around a
//! call or `time.sleep(0)` with `between`. The findings come from the run's final counter.

use crate::engine::program::{ObjectDef, ObjectId, ObjectKind, Op, OpKind, Program, Reg, TextPart, Wait};
use crate::engine::python::build::PythonModel;
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{group_digits, Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{joins, main_process, main_thread, starts, thread};
use crate::lessons::source::{Source, SourceLine};
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "threads", kind: KnobKind::Int { min: 1, max: 16 }, default: "4" },
    KnobSpec { name: "increments", kind: KnobKind::Int { min: 1, max: 10_000_000 }, default: "1000000" },
    KnobSpec { name: "lock", kind: KnobKind::Choice(&["none", "each", "loop"]), default: "none" },
    KnobSpec { name: "between", kind: KnobKind::Choice(&["nothing", "call", "sleep0"]), default: "nothing" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "race_counter",
    group: Group::Threads,
    title: Text { en: "Race condition on a shared counter", ko: "공유 카운터의 경쟁 상태" },
    teaser: Text {
        en: "Threads add 1 to the same counter; watch updates get lost, and what a lock costs.",
        ko: "여러 스레드가 같은 카운터에 1을 더합니다. 사라지는 업데이트와 락의 비용을 보세요.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "gil", "python", "cores", "seed"],
    shows: crate::lessons::shows_with::<RaceCounter>,
    breaks: Some("lost"),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "`counter += 1` is three steps: read the counter, add one, write it back. If another thread writes \
             between this thread's read and write, that write is overwritten and an update is lost. Whether that can \
             happen depends on where the lock is, on what sits between the read and the write, and on the GIL.",
        ko: "`counter += 1`은 세 단계입니다. 카운터를 읽고, 1을 더하고, 다시 씁니다. 한 스레드가 읽고 쓰는 사이에 \
             다른 스레드가 값을 쓰면 그 값은 덮어써져 업데이트가 사라집니다. 이런 일이 일어날 수 있는지는 락의 위치, \
             읽기와 쓰기 사이에 무엇이 있는지, 그리고 GIL에 달려 있습니다.",
    },
    seed_changes: Text {
        en: "How many updates are lost wherever the read and the write can be split (`gil=off`, `python=3.9`, a call \
             or `sleep(0)` between them); with the GIL on and nothing between, only the timings and the number of GIL \
             hand-offs.",
        ko: "읽기와 쓰기가 나뉠 수 있는 경우(`gil=off`, `python=3.9`, 사이에 호출이나 `sleep(0)`)에는 사라지는 \
             업데이트의 수가 달라집니다. GIL이 켜져 있고 사이에 아무것도 없으면 시간과 GIL 전달 횟수만 달라집니다.",
    },
    knobs: &[
        KnobWords {
            name: "threads",
            label: Text { en: "Threads", ko: "스레드 수" },
            help: Text {
                en: "How many threads run `work()`; each adds 1 to the shared `counter` as many times as \
                     `increments` says.",
                ko: "`work()`를 실행하는 스레드의 수입니다. 각 스레드가 공유하는 `counter`에 `increments`번씩 1을 \
                     더합니다.",
            },
        },
        KnobWords {
            name: "increments",
            label: Text { en: "Increments per thread", ko: "스레드당 증가 횟수" },
            help: Text {
                en: "How many times each thread adds 1 to `counter` (its loop's `range`). The expected total is \
                     `threads × increments`.",
                ko: "각 스레드가 `counter`에 1을 더하는 횟수(반복문의 `range`)입니다. 기대하는 합계는 \
                     `threads × increments`입니다.",
            },
        },
        KnobWords {
            name: "lock",
            label: Text { en: "Lock placement", ko: "락 위치" },
            help: Text {
                en: "`none`: no lock; `each`: `with lock:` around each `counter += 1`; `loop`: around the whole \
                     loop, so the threads run one after another.",
                ko: "`none`은 락을 쓰지 않고, `each`는 `counter += 1`을 하나씩 `with lock:`으로 감쌉니다. `loop`는 \
                     반복문 전체를 감싸므로 스레드들이 차례로 실행됩니다.",
            },
        },
        KnobWords {
            name: "between",
            label: Text { en: "Between read and write", ko: "읽기와 쓰기 사이" },
            help: Text {
                en: "`nothing`: a plain `counter += 1`; `call`: the read and the write split around a `pause()` \
                     call, where the GIL may change hands; `sleep0`: around `time.sleep(0)`, which gives it up.",
                ko: "`nothing`은 그냥 `counter += 1`입니다. `call`은 읽기와 쓰기 사이에 GIL이 넘어갈 수 있는 \
                     `pause()` 호출을 넣고, `sleep0`은 GIL을 내려놓는 `time.sleep(0)`을 넣습니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<RaceCounter>(&INFO, &WORDS);

/// Where the `with lock:` goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockPlacement {
    None,
    /// Around each `counter += 1`.
    Each,
    /// Around the whole loop.
    Loop,
}

/// What sits between the read and the write of the counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Between {
    Nothing,
    /// A function call: a GIL check point.
    Call,
    /// `time.sleep(0)`: lets go of the GIL.
    Sleep0,
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub threads: u16,
    pub increments: u64,
    pub lock: LockPlacement,
    pub between: Between,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            threads: values.whole("threads")? as u16,
            increments: values.whole("increments")? as u64,
            lock: values.word(
                "lock",
                &[("none", LockPlacement::None), ("each", LockPlacement::Each), ("loop", LockPlacement::Loop)],
            )?,
            between: values.word(
                "between",
                &[("nothing", Between::Nothing), ("call", Between::Call), ("sleep0", Between::Sleep0)],
            )?,
        })
    }
}

struct RaceCounter;

impl Teach for RaceCounter {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, common, trace, lang)
    }
}

const COUNTER: ObjectId = ObjectId(0);
const LOCK: ObjectId = ObjectId(1);
const VALUE: Reg = Reg(0);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { threads, increments, lock, between } = *knobs;
    let expected = threads as i64 * increments as i64;

    let mut src = Source::new();
    src.line(0, "import threading");
    if between == Between::Sleep0 {
        src.line(0, "import time");
    }
    src.blank();
    src.line(0, "counter = 0");
    if lock != LockPlacement::None {
        src.line(0, "lock = threading.Lock()");
    }
    src.blank();
    if between == Between::Call {
        src.blank();
        src.line(0, "def pause():");
        src.line(1, "pass  # any function call will do");
    }
    src.blank();
    src.blank();
    src.line(0, "def work():");
    src.line(1, "global counter");

    // The worker's body, each line with the operations it runs.
    let mut ops = Vec::new();
    let mut depth = 1;
    // `with lock:` at this depth when `wanted`: acquire here, and the release goes on its line.
    let with_lock = |src: &mut Source, ops: &mut Vec<Op>, depth: &mut usize, wanted: bool| {
        wanted.then(|| {
            let with = src.line(*depth, "with lock:");
            ops.push(with.op(OpKind::Acquire { object: LOCK, wait: Wait::Forever, result: None }));
            *depth += 1;
            with
        })
    };
    let loop_lock = with_lock(&mut src, &mut ops, &mut depth, lock == LockPlacement::Loop);
    let for_line = src.line(depth, &format!("for _ in range({increments}):"));
    let body_start = ops.len();
    depth += 1;
    let each_lock = with_lock(&mut src, &mut ops, &mut depth, lock == LockPlacement::Each);
    let read_add_write = |line: SourceLine, ops: &mut Vec<Op>| {
        ops.push(line.op(OpKind::Add { reg: VALUE, value: 1 }));
        ops.push(line.op(OpKind::Store { object: COUNTER, reg: VALUE }));
    };
    if between == Between::Nothing {
        let line = src.line(depth, "counter += 1");
        ops.push(line.op(OpKind::Load { object: COUNTER, reg: VALUE }));
        read_add_write(line, &mut ops);
    } else {
        let read = src.line(depth, "value = counter");
        ops.push(read.op(OpKind::Load { object: COUNTER, reg: VALUE }));
        if between == Between::Call {
            ops.push(src.line(depth, "pause()").op(OpKind::Call));
        } else {
            ops.push(src.line(depth, "time.sleep(0)").op(OpKind::Sleep { micros: 0 }));
        }
        read_add_write(src.line(depth, "counter = value + 1"), &mut ops);
    }
    if let Some(with) = each_lock {
        ops.push(with.op(OpKind::Release { object: LOCK }));
    }
    ops.push(for_line.op(OpKind::Loop { to: body_start, times: increments }));
    if let Some(with) = loop_lock {
        ops.push(with.op(OpKind::Release { object: LOCK }));
    }

    src.blank();
    src.blank();
    src.line(0, &format!("threads = [threading.Thread(target=work) for _ in range({threads})]"));
    src.line(0, "for t in threads:");
    let start_line = src.line(1, "t.start()");
    src.line(0, "for t in threads:");
    let join_line = src.line(1, "t.join()");
    let print_line = src.line(0, &format!("print(f\"counter = {{counter}} (expected {expected})\")"));

    let mut main_ops: Vec<Op> = starts(threads, start_line).collect();
    main_ops.extend(joins(threads, join_line));
    main_ops.push(print_line.op(OpKind::Load { object: COUNTER, reg: VALUE }));
    main_ops.push(print_line.op(OpKind::Print {
        text: vec![
            TextPart::Lit("counter = ".into()),
            TextPart::Reg(VALUE),
            TextPart::Lit(format!(" (expected {expected})")),
        ],
    }));

    let mut actors = vec![main_thread(main_ops)];
    actors.extend((1..=threads).map(|t| thread(format!("Thread-{t} (work)"), ops.clone())));
    let mut objects = vec![ObjectDef { name: "counter".into(), kind: ObjectKind::Var { initial: 0 } }];
    if lock != LockPlacement::None {
        objects.push(ObjectDef { name: "lock".into(), kind: ObjectKind::Lock });
    }
    let program =
        Program { source: src.finish(), processes: vec![main_process()], actors, objects, switch_interval: None };
    Built::new(program, common)
}

/// What a run of this lesson came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    pub expected: i64,
    pub counter: i64,
    pub lost: i64,
}

pub fn tally(knobs: &Knobs, trace: &Trace) -> Tally {
    let expected = knobs.threads as i64 * knobs.increments as i64;
    let counter = trace.final_value(COUNTER).unwrap_or(0);
    Tally { expected, counter, lost: expected - counter }
}

fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let t = tally(knobs, trace);
    let (lost, expected, counter) = (group_digits(t.lost), group_digits(t.expected), group_digits(t.counter));
    let Knobs { threads, lock, between, .. } = *knobs;
    let (gil, old_model) = (common.gil, common.python.switch_model() == PythonModel::V3_9);
    let ko = lang == Lang::Ko;
    let finished = trace.outcome == Outcome::Completed;

    let headline = match (finished, t.lost > 0, ko) {
        (false, _, false) => format!("The run did not finish: the counter stood at {counter} of {expected}."),
        (false, _, true) => format!("실행이 끝나지 않았습니다. 카운터는 {expected} 중 {counter}였습니다."),
        (true, true, false) => format!("Lost {lost} of {expected} updates: the counter ended at {counter}."),
        (true, true, true) => {
            format!("{expected}번의 업데이트 중 {lost}번이 사라졌습니다. 카운터는 {counter}로 끝났습니다.")
        }
        (true, false, false) => format!("No update lost: the counter is exactly {expected}."),
        (true, false, true) => format!("사라진 업데이트가 없습니다. 카운터는 정확히 {expected}입니다."),
    };

    let why = if t.lost > 0 {
        match (between, gil, old_model) {
            (Between::Sleep0, _, _) => Text {
                en: "`time.sleep(0)` lets go of the GIL between the read and the write, so other threads run there; \
                     when this thread writes its old value + 1, their updates are overwritten.",
                ko: "`time.sleep(0)`은 읽기와 쓰기 사이에서 GIL을 내려놓기 때문에 다른 스레드가 그 사이에 실행됩니다. \
                     이 스레드가 예전 값 + 1을 쓰면 그 사이의 업데이트가 덮어써집니다.",
            },
            (_, false, _) => Text {
                en: "Without a GIL the threads really run at the same time on different cores: two can read the same \
                     value and both write value + 1.",
                ko: "GIL이 없으면 스레드들이 서로 다른 코어에서 정말 동시에 실행됩니다. 두 스레드가 같은 값을 읽고 둘 \
                     다 값 + 1을 쓸 수 있습니다.",
            },
            (Between::Call, true, _) => Text {
                en: "The call between the read and the write is a check point where the GIL can change hands; what \
                     other threads add meanwhile is overwritten when this thread writes its old value + 1.",
                ko: "읽기와 쓰기 사이의 함수 호출은 GIL이 넘어갈 수 있는 체크포인트입니다. 그동안 다른 스레드가 더한 \
                     값은 이 스레드가 예전 값 + 1을 쓸 때 덮어써집니다.",
            },
            (_, true, true) => Text {
                en: "Under the 3.9 model the GIL can change hands between any two bytecodes, so even the read and the \
                     write of `counter += 1` can be split.",
                ko: "3.9 모델에서는 아무 두 바이트코드 사이에서도 GIL이 넘어갈 수 있어서 `counter += 1`의 읽기와 \
                     쓰기조차 나뉠 수 있습니다.",
            },
            _ => Text {
                en: "Another thread wrote between this thread's read and write.",
                ko: "이 스레드가 읽고 쓰는 사이에 다른 스레드가 값을 썼습니다.",
            },
        }
    } else if threads == 1 {
        Text {
            en: "There is only one thread, so nothing can come between its read and its write.",
            ko: "스레드가 하나뿐이라 읽기와 쓰기 사이에 끼어들 것이 없습니다.",
        }
    } else if lock == LockPlacement::Each {
        Text {
            en: "The lock lets one thread at a time through the read-modify-write, so no write is overwritten; the \
                 price is a lock acquire and release for every increment.",
            ko: "락이 읽기-수정-쓰기를 한 번에 한 스레드만 지나가게 하므로 덮어써지는 값이 없습니다. 대신 증가할 \
                 때마다 락을 얻고 놓는 비용이 듭니다.",
        }
    } else if lock == LockPlacement::Loop {
        Text {
            en: "The lock is held for the whole loop, so the threads run one after another: exact, cheap in locking, \
                 and with no parallelism at all.",
            ko: "락을 반복문 전체 동안 쥐고 있어서 스레드들이 차례로 실행됩니다. 정확하고 락 비용도 적지만 병렬성은 \
                 전혀 없습니다.",
        }
    } else if gil && between == Between::Nothing && !old_model {
        Text {
            en: "Since Python 3.10 a thread only lets go of the GIL at calls and loop back-edges, and `counter += 1` \
                 contains neither, so it runs whole. Switch the GIL off, or put a call between the read and the \
                 write, to see the race.",
            ko: "파이썬 3.10부터 스레드는 함수 호출과 반복문의 되돌아가는 지점에서만 GIL을 내려놓는데, \
                 `counter += 1`에는 둘 다 없어서 통째로 실행됩니다. GIL을 끄거나 읽기와 쓰기 사이에 호출을 넣으면 \
                 경쟁이 보입니다.",
        }
    } else {
        Text {
            en: "Nothing here prevents a lost update: this run was lucky. Run it again or raise the increments.",
            ko: "여기에는 업데이트 손실을 막는 장치가 없습니다. 이번 실행은 운이 좋았을 뿐입니다. 다시 실행하거나 \
                 횟수를 늘려 보세요.",
        }
    };

    let wall_ms = trace.wall as f64 / 1e6;
    let handoffs = trace.gil_handoffs.first().copied().unwrap_or(0);
    let grouped = group_digits(handoffs as i64);
    // Live runs are timed on this machine; simulated ones in Python's own (modelled) time.
    let simulated = trace.engine == crate::engine::trace::EngineKind::Simulated;
    let took = match (simulated, ko) {
        (false, false) => format!("The run took {wall_ms:.1} ms"),
        (true, false) => format!("The program took {wall_ms:.1} ms of Python time (simulated)"),
        (false, true) => format!("실행에 {wall_ms:.1} ms가 걸렸고"),
        (true, true) => format!("프로그램은 파이썬 시간으로 {wall_ms:.1} ms가 걸렸고(시뮬레이션)"),
    };
    let timing = match (gil, ko) {
        (true, false) => format!("{took}, with {grouped} GIL hand-offs."),
        (true, true) => format!("{took} GIL이 {grouped}번 넘어갔습니다."),
        (false, false) => format!("{took}, with no GIL."),
        (false, true) => format!("{took} GIL은 없었습니다."),
    };

    Findings {
        headline,
        details: vec![why.get(lang).to_string(), timing],
        figures: vec![
            ("expected", t.expected),
            ("counter", t.counter),
            ("lost", t.lost),
            ("gil_handoffs", handoffs as i64),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::lessons::source::line_text;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    /// Every operation points at the Python line it comes from.
    fn assert_lines_match(program: &Program) {
        for actor in &program.actors {
            for op in &actor.ops {
                let text = line_text(&program.source, op.line).trim();
                let fits = match &op.kind {
                    OpKind::Load { .. } => {
                        text == "counter += 1" || text == "value = counter" || text.starts_with("print(")
                    }
                    OpKind::Add { .. } | OpKind::Store { .. } => {
                        text == "counter += 1" || text == "counter = value + 1"
                    }
                    OpKind::Call => text == "pause()",
                    OpKind::Sleep { .. } => text == "time.sleep(0)",
                    OpKind::Acquire { .. } | OpKind::Release { .. } => text == "with lock:",
                    OpKind::Loop { .. } => text.starts_with("for _ in range("),
                    OpKind::Start { .. } => text == "t.start()",
                    OpKind::Join { .. } => text == "t.join()",
                    OpKind::Print { .. } => text.starts_with("print("),
                    other => panic!("unexpected op {other:?}"),
                };
                assert!(fits, "{:?} points at line {}: {text:?}\n{}", op.kind, op.line, program.source);
            }
        }
    }

    #[test]
    fn every_operation_points_at_its_python_line_in_every_variant() {
        for lock in ["none", "each", "loop"] {
            for between in ["nothing", "call", "sleep0"] {
                let b = built(&[("lock", lock), ("between", between), ("threads", "3")]);
                b.program.validate().unwrap();
                assert_lines_match(&b.program);
                assert_eq!(b.program.actors.len(), 4);
            }
        }
    }

    #[test]
    fn the_with_lock_line_moves_with_the_lock_knob() {
        let indent_of =
            |src: &str, needle: &str| src.lines().find(|l| l.trim() == needle).map(|l| l.len() - l.trim_start().len());
        let none = built(&[("lock", "none")]).program.source;
        assert!(!none.contains("lock"));
        let each = built(&[("lock", "each")]).program.source;
        assert_eq!(indent_of(&each, "with lock:"), Some(8), "{each}");
        let around = built(&[("lock", "loop")]).program.source;
        assert_eq!(indent_of(&around, "with lock:"), Some(4), "{around}");
        assert!(around.find("with lock:") < around.find("for _ in range("));
    }

    #[test]
    fn the_call_or_sleep_appears_with_between() {
        let call = built(&[("between", "call")]).program.source;
        assert!(call.contains("def pause():") && call.contains("        pause()"));
        let sleep = built(&[("between", "sleep0")]).program.source;
        assert!(sleep.contains("import time") && sleep.contains("time.sleep(0)"));
        assert!(!built(&[]).program.source.contains("pause"));
    }

    #[test]
    fn the_read_and_write_of_a_bare_increment_have_no_check_point_between_them() {
        let b = built(&[]);
        let ops = &b.program.actors[1].ops;
        let load = ops.iter().position(|o| matches!(o.kind, OpKind::Load { .. })).unwrap();
        let store = ops.iter().position(|o| matches!(o.kind, OpKind::Store { .. })).unwrap();
        assert!((load..=store).all(|i| !ops[i].kind.is_check_point(i)));
        let b = built(&[("between", "call")]);
        let ops = &b.program.actors[1].ops;
        assert!(ops.iter().enumerate().any(|(i, o)| o.kind.is_check_point(i) && matches!(o.kind, OpKind::Call)));
    }

    #[test]
    fn the_python_version_and_gil_knobs_reach_the_settings() {
        let b = built(&[("python", "3.9")]);
        assert!(b.settings.gil);
        assert_eq!(b.settings.python.switch_model(), PythonModel::V3_9);
        // `gil=off` is the free-threaded build: of 3.14 where it names 3.14, else 3.13t.
        for (python, gil, build) in [("3.9", "off", "3.13t"), ("3.14", "off", "3.14t"), ("3.14t", "on", "3.14t")] {
            let b = built(&[("gil", gil), ("python", python)]);
            assert!(!b.settings.gil, "{python} gil={gil}");
            assert_eq!(b.settings.python.label(), build);
        }
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_prints_what_the_program_prints() {
        // The real interpreter is the judge of the text we show: it must at least run.
        for (lock, between) in [("none", "nothing"), ("each", "call"), ("loop", "sleep0")] {
            let b = built(&[("lock", lock), ("between", between), ("threads", "2"), ("increments", "1000")]);
            let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                Some(out) => out,
                None => return,
            };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.starts_with("counter = ") && text.trim_end().ends_with("(expected 2000)"), "{text}");
            if lock != "none" {
                assert_eq!(text.trim_end(), "counter = 2000 (expected 2000)");
            }
        }
    }
}
