//! Lesson 6, `gil`: the same work run serially, then in N threads or N processes.
//!
//! The work is CPU-bound (a countdown) or I/O-bound (a sleep), `size` milliseconds of it
//! per worker as CPython 3.11 runs it. The program first does all the work serially and
//! prints the time, then (unless `mode=serial`) does it again in `workers` threads or
//! processes and prints that time; the findings compare the two printed times.

use crate::engine::costs::WHILE_TEST_UNITS;
use crate::engine::program::{offset_jumps, Arith, Op, OpKind, Operand, Program, Reg, TextPart};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{group_digits, Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{
    add_child, import_multiprocessing, joins, main_process, main_thread, not_finished, set_start_method, starts, thread,
};
use crate::lessons::source::{Source, SourceLine};
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "work", kind: KnobKind::Choice(&["cpu", "io"]), default: "cpu" },
    KnobSpec { name: "workers", kind: KnobKind::Int { min: 1, max: 16 }, default: "2" },
    KnobSpec { name: "mode", kind: KnobKind::Choice(&["threads", "processes", "serial"]), default: "threads" },
    KnobSpec { name: "size", kind: KnobKind::Int { min: 1, max: 5000 }, default: "250" },
    KnobSpec { name: "switch_ms", kind: KnobKind::Int { min: 1, max: 100 }, default: "5" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "gil",
    group: Group::Gil,
    title: Text { en: "The GIL: CPU-bound vs I/O-bound work", ko: "GIL: CPU 작업과 I/O 작업" },
    teaser: Text {
        en: "Threads make waiting faster but not counting; processes make both faster.",
        ko: "스레드는 기다리는 일은 빠르게 하지만 계산은 아닙니다. 프로세스는 둘 다 빠르게 합니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "gil", "python", "start_method", "cores", "seed", "time_scale"],
    shows: crate::lessons::shows_with::<Gil>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "In CPython only the thread holding its process's GIL runs Python code. A CPU-bound thread keeps \
             it until the switch interval passes and another thread asks for it, so CPU-bound threads take \
             turns on one core and finish no sooner than doing the work serially. A thread that sleeps or waits \
             for I/O lets go of the GIL, so waits overlap. Each process has its own interpreter and GIL, so \
             processes run Python on several cores at once, after paying for their start.",
        ko: "CPython에서는 프로세스의 GIL을 쥔 스레드만 파이썬 코드를 실행합니다. CPU 작업을 하는 스레드는 전환 \
             간격이 지나 다른 스레드가 요청할 때까지 GIL을 쥐고 있으므로, CPU 작업 스레드들은 한 코어에서 번갈아 \
             실행되어 순차 실행보다 빨리 끝나지 않습니다. 잠들거나 I/O를 기다리는 스레드는 GIL을 내려놓으므로 \
             기다림은 겹칠 수 있습니다. 프로세스마다 인터프리터와 GIL이 따로 있어서, 시작 비용을 치른 뒤에는 여러 \
             코어에서 동시에 파이썬을 실행합니다.",
    },
    seed_changes: Text {
        en: "Little: the timings by a millisecond or so, and the exact moments the GIL changes hands; the speed-ups \
             stay the same.",
        ko: "별로 없습니다. 시간이 1밀리초 안팎, 그리고 GIL이 넘어가는 정확한 순간만 달라지고 속도 향상은 \
             그대로입니다.",
    },
    knobs: &[
        KnobWords {
            name: "work",
            label: Text { en: "Kind of work", ko: "작업 종류" },
            help: Text {
                en: "`cpu`: each worker counts `n` down to 0, needing the GIL all along; `io`: each sleeps, as if \
                     waiting for I/O, and lets go of the GIL meanwhile.",
                ko: "`cpu`는 작업자마다 GIL을 계속 쥔 채 `n`을 0까지 세어 내려갑니다. `io`는 I/O를 기다리듯 자면서 \
                     그동안 GIL을 내려놓습니다.",
            },
        },
        KnobWords {
            name: "workers",
            label: Text { en: "Workers", ko: "작업자 수" },
            help: Text {
                en: "How many times `work()` runs (`WORKERS`): first one after another, then in that many threads or \
                     processes at once.",
                ko: "`work()`를 실행하는 횟수(`WORKERS`)입니다. 먼저 하나씩 차례로 실행하고, 그다음 그만큼의 \
                     스레드나 프로세스로 동시에 실행합니다.",
            },
        },
        KnobWords {
            name: "mode",
            label: Text { en: "Second run", ko: "두 번째 실행" },
            help: Text {
                en: "How the same work runs again after the serial timing: `threads` in threads, `processes` in \
                     processes, `serial` not at all (the serial time only).",
                ko: "순차 실행 시간을 잰 뒤 같은 일을 다시 실행하는 방식입니다. `threads`는 스레드로, `processes`는 \
                     프로세스로 실행하고, `serial`은 다시 하지 않고 순차 시간만 잽니다.",
            },
        },
        KnobWords {
            name: "size",
            label: Text { en: "Work per worker (ms)", ko: "작업자당 작업량(ms)" },
            help: Text {
                en: "Milliseconds of work per worker, as CPython 3.11 runs it: a countdown from `N` sized to take \
                     that long, or a `time.sleep` of that length.",
                ko: "작업자 하나의 일을 CPython 3.11 기준 밀리초로 정합니다. 그만큼 걸리도록 맞춘 `N`부터의 \
                     카운트다운이거나, 그 길이의 `time.sleep`입니다.",
            },
        },
        KnobWords {
            name: "switch_ms",
            label: Text { en: "Switch interval (ms)", ko: "전환 간격(ms)" },
            help: Text {
                en: "The program's `sys.setswitchinterval`, in ms: how long a thread may keep the GIL after another \
                     thread has asked for it.",
                ko: "프로그램의 `sys.setswitchinterval` 값(밀리초)입니다. 다른 스레드가 GIL을 요청한 뒤에도 지금 \
                     스레드가 GIL을 더 쥐고 있을 수 있는 시간입니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<Gil>(&INFO, &WORDS);

/// What each worker does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// Counts down: needs the GIL all along.
    Cpu,
    /// Sleeps, as if waiting for I/O: lets go of the GIL.
    Io,
}

/// How the program runs the work the second time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Threads,
    Processes,
    /// Not again: serially only.
    Serial,
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub work: Work,
    pub workers: u16,
    pub mode: Mode,
    /// Milliseconds of work per worker, as CPython 3.11 runs it.
    pub size: u16,
    /// The switch interval, in ms.
    pub switch_ms: u8,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            work: values.word("work", &[("cpu", Work::Cpu), ("io", Work::Io)])?,
            workers: values.whole("workers")? as u16,
            mode: values.word(
                "mode",
                &[("threads", Mode::Threads), ("processes", Mode::Processes), ("serial", Mode::Serial)],
            )?,
            size: values.whole("size")? as u16,
            switch_ms: values.whole("switch_ms")? as u8,
        })
    }
}

struct Gil;

impl Teach for Gil {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, common, trace, lang)
    }
}

/// CPython 3.11 here runs `while n > 0: n -= 1` at about 35 ns an iteration.
const COUNTDOWN_NS: u64 = 35;

/// `start`, in the main thread.
const START: Reg = Reg(0);
/// `ms(start)`'s value; then `since`, the copy of `start` the call is given.
const ELAPSED: Reg = Reg(1);
const SINCE: Reg = Reg(2);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { work, workers, mode, .. } = *knobs;
    let cpu = work == Work::Cpu;
    let size_ms = u64::from(knobs.size);
    let switch_ms = u64::from(knobs.switch_ms);
    let iterations = size_ms * 1_000_000 / COUNTDOWN_NS;

    let mut src = Source::new();
    match mode {
        Mode::Threads => {
            src.line(0, "import threading");
        }
        Mode::Processes => {
            import_multiprocessing(&mut src, common, "Process");
        }
        Mode::Serial => {}
    }
    src.line(0, "import sys");
    src.line(0, "import time");
    src.blank();
    src.line(0, &format!("sys.setswitchinterval({})", switch_ms as f64 / 1000.0));
    src.line(0, &format!("WORKERS = {workers}"));
    if cpu {
        src.line(0, &format!("N = {iterations}  # about {size_ms} ms of counting in CPython 3.11"));
    }
    src.blank();
    src.blank();
    src.line(0, "def work():");
    // The work's operations with `n` in register `n`, its jumps as from an actor's start:
    // a countdown is a counted loop whose test is work (as the compiler makes it).
    let work_ops: Box<dyn Fn(Reg) -> Vec<Op>> = if cpu {
        let first = src.line(1, "n = N");
        let while_line = src.line(1, "while n > 0:");
        let body = src.line(2, "n -= 1");
        let test = OpKind::Compute { units: WHILE_TEST_UNITS };
        Box::new(move |n| {
            vec![
                first.op(OpKind::Set { reg: n, value: iterations as i64 }),
                while_line.op(test.clone()),
                body.op(OpKind::Add { reg: n, value: -1 }),
                while_line.op(OpKind::Loop { to: 1, times: iterations.max(1) }),
                while_line.op(test.clone()),
            ]
        })
    } else {
        let sleep = src.line(1, &format!("time.sleep({})  # waiting for I/O", size_ms as f64 / 1000.0));
        Box::new(move |_| vec![sleep.op(OpKind::Sleep { micros: size_ms * 1000 })])
    };
    src.blank();
    src.blank();
    src.line(0, "def ms(since):");
    let ms_line = src.line(1, "return round((time.perf_counter() - since) * 1000)");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    if mode == Mode::Processes {
        set_start_method(&mut src, common);
    }
    let serial_start = src.line(1, "start = time.perf_counter()");
    let serial_for = src.line(1, "for _ in range(WORKERS):");
    let serial_call = src.line(2, "work()");
    let serial_print = src.line(1, "print(f\"serial: {ms(start)} ms\")");

    // `ms(start)` called: `start` copied into `since`, then the clock read against it and
    // rounded to ms (`round(x)` as `(x + 500) // 1000` of µs).
    let elapsed = |line: SourceLine| {
        vec![
            line.op(OpKind::Set { reg: SINCE, value: 0 }),
            line.op(OpKind::Arith { reg: SINCE, op: Arith::Add, value: Operand::Reg(START) }),
            line.op(OpKind::Call),
            ms_line.op(OpKind::Clock { reg: ELAPSED }),
            ms_line.op(OpKind::Arith { reg: ELAPSED, op: Arith::Sub, value: Operand::Reg(SINCE) }),
            ms_line.op(OpKind::Add { reg: ELAPSED, value: 500 }),
            ms_line.op(OpKind::Arith { reg: ELAPSED, op: Arith::FloorDiv, value: Operand::Const(1000) }),
        ]
    };

    // In the main thread `n` comes after `start`.
    let mut main = vec![serial_start.op(OpKind::Clock { reg: START }), serial_call.op(OpKind::Call)];
    let body_start = main.len() - 1;
    main.extend(offset_jumps(&work_ops(Reg(1)), main.len()));
    main.push(serial_for.op(OpKind::Loop { to: body_start, times: workers as u64 }));
    main.extend(elapsed(serial_print));
    main.push(serial_print.op(OpKind::Print {
        text: vec![TextPart::Lit("serial: ".into()), TextPart::Reg(ELAPSED), TextPart::Lit(" ms".into())],
    }));

    let mut processes = vec![main_process()];
    let mut actors = Vec::new();
    if mode != Mode::Serial {
        src.blank();
        let start = src.line(1, "start = time.perf_counter()");
        let (kind, label) = if mode == Mode::Threads {
            src.line(1, "workers = [threading.Thread(target=work) for _ in range(WORKERS)]");
            ("threads", "threads")
        } else {
            src.line(1, "workers = [Process(target=work) for _ in range(WORKERS)]");
            ("processes", "processes")
        };
        src.line(1, "for w in workers:");
        let start_line = src.line(2, "w.start()");
        src.line(1, "for w in workers:");
        let join_line = src.line(2, "w.join()");
        let print_line = src.line(1, &format!("print(f\"{{WORKERS}} {label}: {{ms(start)}} ms\")"));
        main.push(start.op(OpKind::Clock { reg: START }));
        main.extend(starts(workers, start_line));
        main.extend(joins(workers, join_line));
        main.extend(elapsed(print_line));
        main.push(print_line.op(OpKind::Print {
            text: vec![
                TextPart::Lit(format!("{workers} {kind}: ")),
                TextPart::Reg(ELAPSED),
                TextPart::Lit(" ms".into()),
            ],
        }));
        for w in 1..=workers {
            if mode == Mode::Threads {
                actors.push(thread(format!("Thread-{w} (work)"), work_ops(Reg(0))));
            } else {
                let ops = work_ops(Reg(0));
                add_child(&mut processes, &mut actors, format!("Process-{w}"), common.start_method, false, ops);
            }
        }
    }
    actors.insert(0, main_thread(main));
    // The program's `sys.setswitchinterval` is the run's.
    let switch_interval = Some(switch_ms * 1_000_000);
    let program = Program { source: src.finish(), processes, actors, objects: Vec::new(), switch_interval };
    Built::new(program, common)
}

/// The two times the program printed: serial, and in workers (if it got there), in ms.
pub fn printed_times(trace: &Trace) -> (Option<i64>, Option<i64>) {
    let number = |line: &str| line.rsplit(": ").next()?.strip_suffix(" ms")?.parse::<i64>().ok();
    let text = trace.console_text();
    let serial = text.lines().find(|l| l.starts_with("serial: ")).and_then(number);
    let parallel = text.lines().find(|l| !l.starts_with("serial: ") && l.ends_with(" ms")).and_then(number);
    (serial, parallel)
}

fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let Knobs { work, mode, workers, .. } = *knobs;
    let cpu = work == Work::Cpu;
    let gil = common.gil;
    let (serial, parallel) = printed_times(trace);
    let Some(serial) = serial.filter(|_| trace.outcome == Outcome::Completed) else {
        return Findings { headline: not_finished(lang), details: vec![], figures: vec![] };
    };
    let mut figures = vec![("serial_ms", serial)];
    let Some(parallel) = parallel else {
        let headline = if ko {
            format!("순차 실행: {}ms. `mode=threads`나 `mode=processes`로 같은 일을 나눠 보세요.", group_digits(serial))
        } else {
            format!(
                "Serially: {} ms. Try `mode=threads` or `mode=processes` to share the same work out.",
                group_digits(serial)
            )
        };
        return Findings { headline, details: vec![], figures };
    };
    let speedup = serial as f64 / parallel.max(1) as f64;
    figures.push(("parallel_ms", parallel));
    figures.push(("speedup_x100", (speedup * 100.0).round() as i64));
    let (kind_en, kind_ko) =
        if mode == Mode::Threads { ("threads", "스레드") } else { ("processes", "프로세스") };
    let headline = if ko {
        format!(
            "{workers}개 {kind_ko}: {}ms, 순차 실행 {}ms의 {speedup:.2}배 속도.",
            group_digits(parallel),
            group_digits(serial)
        )
    } else {
        format!(
            "{workers} {kind_en}: {} ms against {} ms serially, a speed-up of {speedup:.2}x.",
            group_digits(parallel),
            group_digits(serial)
        )
    };
    let why = match (cpu, mode, gil) {
        (true, Mode::Threads, true) => Text {
            en: "Only the thread holding the GIL runs Python, so the threads take turns (the GIL track shows each \
                 hand-off) and the work takes as long as serially, or longer for the switching.",
            ko: "GIL을 쥔 스레드만 파이썬을 실행하므로 스레드들이 번갈아 실행되고(GIL 줄에 넘겨줄 때마다 표시됩니다), \
                 일은 순차 실행만큼, 또는 전환 비용 때문에 더 오래 걸립니다.",
        },
        (true, Mode::Threads, false) => Text {
            en: "Free-threaded Python has no GIL: the threads count on separate cores at once, as far as there \
                 are cores.",
            ko: "GIL 없는 빌드의 파이썬에서는 코어가 있는 만큼 스레드들이 여러 코어에서 동시에 계산합니다.",
        },
        (true, _, _) => Text {
            en: "Each process has its own interpreter and its own GIL, so they count on separate cores at once; \
                 starting each one costs milliseconds, and there are only so many cores.",
            ko: "프로세스마다 인터프리터와 GIL이 따로 있어서 여러 코어에서 동시에 계산합니다. 다만 하나를 시작하는 데 \
                 몇 밀리초가 들고, 코어 수에는 한계가 있습니다.",
        },
        (false, Mode::Threads, _) => Text {
            en: "A sleeping thread (like one waiting for I/O) lets go of the GIL, so all the waits overlap: the \
                 GIL is no obstacle to I/O-bound threads.",
            ko: "잠든 스레드는(I/O를 기다리는 스레드처럼) GIL을 내려놓으므로 모든 기다림이 겹칩니다. I/O 작업 \
                 스레드에게 GIL은 걸림돌이 아닙니다.",
        },
        (false, _, _) => Text {
            en: "The waits overlap in processes too, but each process costs a start that threads do not.",
            ko: "프로세스에서도 기다림은 겹치지만, 스레드에는 없는 프로세스 시작 비용이 듭니다.",
        },
    };
    let handoffs: u64 = trace.gil_handoffs.iter().sum();
    let mut details = vec![why.get(lang).to_string()];
    if gil && handoffs > 0 {
        details.push(if ko {
            format!("GIL이 {}번 넘어갔습니다.", group_digits(handoffs as i64))
        } else {
            format!("The GIL changed hands {} times.", group_digits(handoffs as i64))
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
    fn every_mode_and_work_builds_a_valid_program() {
        for work in ["cpu", "io"] {
            for mode in ["serial", "threads", "processes"] {
                let b = built(&[("work", work), ("mode", mode), ("workers", "3")]);
                b.program.validate().unwrap();
                let expected = if mode == "serial" { 1 } else { 4 };
                assert_eq!(b.program.actors.len(), expected, "{work} {mode}");
                let processes = if mode == "processes" { 4 } else { 1 };
                assert_eq!(b.program.processes.len(), processes, "{work} {mode}");
            }
        }
    }

    #[test]
    fn the_switch_interval_reaches_the_settings_and_the_source() {
        let b = built(&[("switch_ms", "20")]);
        assert_eq!(b.settings.switch_interval, 20_000_000);
        assert!(b.program.source.contains("sys.setswitchinterval(0.02)"));
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_prints_both_times() {
        for (work, mode) in [("cpu", "threads"), ("io", "processes")] {
            let b = built(&[("work", work), ("mode", mode), ("size", "20")]);
            let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                Some(out) => out,
                None => return,
            };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.starts_with("serial: ") && text.contains(&format!("2 {mode}: ")), "{text}");
        }
    }
}
