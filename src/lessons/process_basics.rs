//! Lesson 8, `process_basics`: `multiprocessing.Process` with `start()` and `join()`.
//!
//! One process counts to three; then `processes` processes each call a helper that prints a
//! line, and print their own line with the result and their pid. Each child's two lines
//! keep their order; the children's lines may interleave, and their order is not fixed. A
//! daemon child that is not joined dies with the main process.

use crate::engine::program::{ActorId, Op, OpKind, Program, Reg, TextPart, Wait};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{
    add_child, import_multiprocessing, lines_by_actor, main_process, main_thread, not_finished, set_start_method,
};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "processes", kind: KnobKind::Int { min: 1, max: 12 }, default: "5" },
    KnobSpec { name: "join", kind: KnobKind::Choice(&["yes", "no"]), default: "yes" },
    KnobSpec { name: "daemon", kind: KnobKind::Choice(&["no", "yes"]), default: "no" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "process_basics",
    group: Group::Processes,
    title: Text { en: "Starting processes", ko: "프로세스 시작하기" },
    teaser: Text {
        en: "`Process`, `start()` and `join()`: each child keeps its own lines in order, but not the children's order.",
        ko: "`Process`, `start()`, `join()`: 자식마다 자기 줄의 순서는 지키지만 자식들 사이의 순서는 정해져 있지 \
             않습니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "output", "python", "start_method", "cores", "seed", "time_scale"],
    shows: crate::lessons::shows_with::<ProcessBasics>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "`multiprocessing.Process` runs a function in a new Python process, with its own interpreter and \
             memory. `start()` launches it and returns; `join()` waits for it to end. Inside one process the lines \
             come out in program order, but separate processes run side by side, so their lines can come out in \
             any order. A daemon process is ended when the main process ends; a normal one is waited for.",
        ko: "`multiprocessing.Process`는 함수를 자기 인터프리터와 메모리를 가진 새 파이썬 프로세스에서 실행합니다. \
             `start()`는 프로세스를 띄우고 바로 돌아오며, `join()`은 그것이 끝나기를 기다립니다. 한 프로세스 안에서는 \
             줄이 프로그램 순서대로 나오지만, 프로세스들은 나란히 실행되므로 그들의 줄은 어떤 순서로든 나올 수 \
             있습니다. 데몬 프로세스는 메인 프로세스가 끝날 때 함께 끝나고, 보통 프로세스는 기다려 줍니다.",
    },
    seed_changes: Text {
        en: "Which child finishes first, so the order of the children's result lines: usually the order they were \
             started, but not always (more processes, or `output=pipe`, make it likelier).",
        ko: "어느 자식이 먼저 끝나는지, 그래서 자식들의 결과 줄 순서가 달라집니다. 대개는 시작한 순서지만 늘 \
             그렇지는 않습니다(프로세스를 늘리거나 `output=pipe`로 하면 더 자주 바뀝니다).",
    },
    knobs: &[
        KnobWords {
            name: "processes",
            label: Text { en: "Worker processes", ko: "작업 프로세스 수" },
            help: Text {
                en: "How many worker processes start after the counter. Each squares its own `x` and prints two \
                     lines, the second with its pid.",
                ko: "카운터 다음에 시작하는 작업 프로세스의 수입니다. 각자 자기 `x`를 제곱하고 두 줄을 출력하며, 둘째 \
                     줄에는 자기 pid가 나옵니다.",
            },
        },
        KnobWords {
            name: "join",
            label: Text { en: "Join the workers", ko: "작업 프로세스 기다리기" },
            help: Text {
                en: "`yes`: the main process calls `p.join()` on every worker before it prints `main process done`; \
                     `no`: it prints that at once.",
                ko: "`yes`면 메인 프로세스가 모든 작업 프로세스에 `p.join()`을 호출한 뒤 `main process done`을 \
                     출력합니다. `no`면 기다리지 않고 바로 출력합니다.",
            },
        },
        KnobWords {
            name: "daemon",
            label: Text { en: "Daemon workers", ko: "데몬 작업 프로세스" },
            help: Text {
                en: "`yes`: the workers are made with `daemon=True` and are ended when the main process ends; `no`: \
                     the main process waits for them before it exits.",
                ko: "`yes`면 작업 프로세스를 `daemon=True`로 만들어 메인 프로세스가 끝날 때 함께 끝납니다. `no`면 \
                     메인 프로세스가 종료하기 전에 그들을 기다립니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<ProcessBasics>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    /// The workers, each a child process.
    pub processes: u16,
    /// Whether the main process joins the workers.
    pub join: bool,
    /// Whether the workers are daemons.
    pub daemon: bool,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            processes: values.whole("processes")? as u16,
            join: values.yes("join")?,
            daemon: values.yes("daemon")?,
        })
    }
}

struct ProcessBasics;

impl Teach for ProcessBasics {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }
}

/// The counter's `i`.
const I: Reg = Reg(0);
/// A worker's `result`.
const RESULT: Reg = Reg(0);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { processes: n, join, daemon } = *knobs;

    let mut src = Source::new();
    import_multiprocessing(&mut src, common, "Process");
    src.line(0, "import os");
    src.blank();
    src.blank();
    src.line(0, "def count(n):");
    let count_for = src.line(1, "for i in range(n):");
    let count_print = src.line(2, "print(i)");
    src.blank();
    src.blank();
    src.line(0, "def square(x):");
    let helper_print = src.line(1, "print(f\"computing {x} squared\")");
    let helper_return = src.line(1, "return x * x");
    src.blank();
    src.blank();
    src.line(0, "def worker(x):");
    let call = src.line(1, "result = square(x)");
    let worker_print = src.line(1, "print(f\"{x} squared is {result}, in process {os.getpid()}\")");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    set_start_method(&mut src, common);
    src.line(1, "counter = Process(target=count, args=(3,), name=\"counter\")");
    let counter_start = src.line(1, "counter.start()");
    let counter_join = src.line(1, "counter.join()");
    let daemon_arg = if daemon { ", daemon=True" } else { "" };
    src.line(1, &format!("workers = [Process(target=worker, args=(x,){daemon_arg}) for x in range({n})]"));
    src.line(1, "for p in workers:");
    let start_line = src.line(2, "p.start()");
    let join_line = if join {
        src.line(1, "for p in workers:");
        Some(src.line(2, "p.join()"))
    } else {
        None
    };
    let done_line = src.line(1, "print(\"main process done\")");

    let mut processes = vec![main_process()];
    let mut actors = vec![main_thread(Vec::new())];
    let mut child = |name: String, daemon: bool, ops: Vec<Op>| {
        add_child(&mut processes, &mut actors, name, common.start_method, daemon, ops)
    };
    let counter = child(
        "counter".into(),
        false,
        vec![
            count_for.op(OpKind::Set { reg: I, value: 0 }),
            count_print.op(OpKind::Print { text: vec![TextPart::Reg(I)] }),
            count_for.op(OpKind::Add { reg: I, value: 1 }),
            count_for.op(OpKind::Loop { to: 1, times: 3 }),
        ],
    );
    let workers: Vec<ActorId> = (0..n)
        .map(|x| {
            // `x` is known in each child: the helper's lines are text, its return a number.
            let ops = vec![
                call.op(OpKind::Call),
                helper_print.op(OpKind::Print { text: vec![TextPart::Lit(format!("computing {x} squared"))] }),
                helper_return.op(OpKind::Set { reg: RESULT, value: x as i64 * x as i64 }),
                worker_print.op(OpKind::Print {
                    text: vec![
                        TextPart::Lit(format!("{x} squared is ")),
                        TextPart::Reg(RESULT),
                        TextPart::Lit(", in process ".into()),
                        TextPart::Pid,
                    ],
                }),
            ];
            child(format!("Process-{}", x + 2), daemon, ops)
        })
        .collect();
    let mut main = vec![
        counter_start.op(OpKind::Start { actor: counter }),
        counter_join.op(OpKind::Join { actor: counter, wait: Wait::Forever }),
    ];
    main.extend(workers.iter().map(|&actor| start_line.op(OpKind::Start { actor })));
    if let Some(line) = join_line {
        main.extend(workers.iter().map(|&actor| line.op(OpKind::Join { actor, wait: Wait::Forever })));
    }
    main.push(done_line.op(OpKind::Print { text: vec![TextPart::Lit("main process done".into())] }));
    actors[0].ops = main;
    let program = Program { source: src.finish(), processes, actors, objects: Vec::new(), switch_interval: None };
    Built::new(program, common)
}

/// What the children printed: for each child that printed its result, `x` in the order
/// the results came out; and how many children printed their two lines out of order.
pub fn results(knobs: &Knobs, trace: &Trace) -> (Vec<i64>, i64) {
    let n = knobs.processes;
    // Line by line as each child wrote it: unbuffered, a print's text and its newline are
    // two writes, and another child's can come between.
    let lines: Vec<String> = lines_by_actor(trace).into_iter().map(|(_, line)| line).collect();
    let order: Vec<i64> =
        lines.iter().filter_map(|l| l.split(" squared is ").nth(1).and(l.split(' ').next()?.parse().ok())).collect();
    let at = |wanted: &dyn Fn(&str) -> bool| lines.iter().position(|l| wanted(l));
    let out_of_order = (0..n)
        .filter(|x| {
            let computing = at(&|l: &str| l == format!("computing {x} squared"));
            let result = at(&|l: &str| l.starts_with(&format!("{x} squared is ")));
            matches!((computing, result), (Some(c), Some(r)) if r < c)
        })
        .count() as i64;
    (order, out_of_order)
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let n = i64::from(knobs.processes);
    let (order, out_of_order) = results(knobs, trace);
    let printed = order.len() as i64;
    let in_order = order.windows(2).all(|w| w[0] < w[1]);
    let figures = vec![("results", printed), ("out_of_order", out_of_order), ("in_start_order", in_order as i64)];
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let list = order.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
    let headline = match (printed == n, ko) {
        (true, false) => format!("All {n} children printed their result, in the order {list}."),
        (true, true) => format!("자식 {n}개가 모두 결과를 출력했습니다. 순서는 {list}입니다."),
        (false, false) => format!("Only {printed} of {n} children printed their result before the program ended."),
        (false, true) => format!("프로그램이 끝나기 전에 자식 {n}개 중 {printed}개만 결과를 출력했습니다."),
    };
    let why = if printed < n {
        Text {
            en: "The children were daemons and nobody joined them: when the main process reached its end, they were \
                 ended with it.",
            ko: "자식들은 데몬이었고 아무도 기다려 주지 않았습니다. 메인 프로세스가 끝에 이르자 함께 끝났습니다.",
        }
    } else if knobs.daemon && !knobs.join {
        Text {
            en: "The children were daemons and nobody joined them, so each would have been ended with the main \
                 process; this time they all finished before it did. A daemon that is not joined has no promise of \
                 finishing: run it again, and some results may be lost.",
            ko: "자식들은 데몬이었고 아무도 기다려 주지 않았으니 메인 프로세스가 끝날 때 함께 끝났을 것입니다. \
                 이번에는 모두 그 전에 끝났을 뿐입니다. 아무도 기다려 주지 않는 데몬은 끝까지 실행된다는 보장이 \
                 없으니, 다시 실행하면 결과 일부가 사라질 수 있습니다.",
        }
    } else if in_order {
        Text {
            en: "Each child's two lines came out in order, and this time the children finished in the order they \
                 were started: each starts a millisecond or so after the one before. Nothing guarantees it; run \
                 it again, or start more.",
            ko: "자식마다 두 줄은 순서대로 나왔고, 이번에는 시작한 순서대로 끝났습니다. 각자 앞의 자식보다 1밀리초쯤 \
                 늦게 시작하기 때문입니다. 보장되는 것은 아니니 다시 실행하거나 더 많이 시작해 보세요.",
        }
    } else {
        Text {
            en: "Each child's two lines came out in order, but the children did not finish in the order they were \
                 started: separate processes run side by side, and nothing orders them.",
            ko: "자식마다 두 줄은 순서대로 나왔지만 자식들은 시작한 순서대로 끝나지 않았습니다. 프로세스들은 나란히 \
                 실행되고, 그 사이의 순서를 정해 주는 것은 없습니다.",
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
    fn unbuffered_results_are_counted_when_another_child_writes_between_text_and_newline() {
        // `-u`: a print's text and its newline are two writes, and another child's can come
        // between, so the console shows two results on one line. The run was read as if
        // children had been lost, and the findings blamed daemons that were not there.
        let merged = |_: &KnobValues, t: &Trace| t.console_text().lines().any(|l| l.matches(" squared").count() > 1);
        let found = crate::lessons::parts::testing::first_seed(&LESSON, &[("output", "unbuffered")], 40, merged);
        let (seed, knobs, trace) = found.expect("an unbuffered run with two children's lines on one line");
        let findings = (LESSON.findings)(&knobs, &trace, Lang::En);
        assert!(findings.headline.starts_with("All 5 children printed their result"), "seed {seed}: {findings:?}");
        assert!(!findings.details.join(" ").contains("daemons"), "seed {seed}: {findings:?}");
        let (order, out_of_order) = results(&Knobs::from_knobs(&knobs).unwrap(), &trace);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!((sorted, out_of_order), (vec![0, 1, 2, 3, 4], 0), "seed {seed}: {order:?}");
    }

    #[test]
    fn the_program_has_a_process_per_child_and_daemons_when_asked() {
        let b = built(&[("processes", "3"), ("daemon", "yes")]);
        b.program.validate().unwrap();
        assert_eq!(b.program.processes.len(), 5, "main, the counter and three workers");
        assert!(b.program.processes[2..].iter().all(|p| p.daemon));
        assert!(b.program.source.contains("daemon=True"));
    }

    #[test]
    fn unjoined_daemons_that_all_finish_are_not_called_safe() {
        // A run where every child printed (as CPython's daemons sometimes do before the
        // main process ends), judged with the daemon knobs.
        let b = built(&[("join", "no")]);
        let trace = crate::engine::sim::run(b.program.clone(), b.sim_settings()).unwrap();
        let daemons = Knobs { processes: 5, join: false, daemon: true };
        let said = findings(&daemons, &trace, Lang::En);
        assert_eq!(said.figures[0], ("results", 5));
        assert!(said.details[0].contains("no promise of finishing"), "{:?}", said.details);
        let joined = Knobs { daemon: false, ..daemons };
        assert!(!findings(&joined, &trace, Lang::En).details[0].contains("no promise"));
    }

    #[test]
    fn the_generated_python_runs_in_cpython() {
        let b = built(&[]);
        let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
            Some(out) => out,
            None => return,
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.matches(" squared is ").count(), 5, "{text}");
        assert!(text.starts_with("0\n1\n2\n"), "{text}");
    }
}
