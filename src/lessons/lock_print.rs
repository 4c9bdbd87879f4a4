//! Lesson 3, `lock_print`: two threads each print a pair of lines, `iterations` times.
//!
//! With `lock=on` each pair is printed under a Lock, so the two lines of a pair always
//! come out together; with `lock=off` the acquire and release are commented out, and a
//! pair can be split by the other thread's lines wherever the GIL changes hands (a console
//! write releases it). How the output reaches the console follows the common `output`
//! knob. The findings count the pairs that came out split, from the console.

use crate::engine::program::{ActorId, ObjectDef, ObjectId, ObjectKind, OpKind, Program, TextPart, Wait};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{group_digits, Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues, Output};
use crate::lessons::parts::{main_process, main_thread, not_finished, thread};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "lock", kind: KnobKind::Choice(&["on", "off"]), default: "on" },
    KnobSpec { name: "iterations", kind: KnobKind::Int { min: 1, max: 100_000 }, default: "5" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "lock_print",
    group: Group::Threads,
    title: Text { en: "A lock keeps lines together", ko: "락은 줄을 함께 묶어 둡니다" },
    teaser: Text {
        en: "Two threads print pairs of lines; without a lock, a pair can be split by the other thread.",
        ko: "두 스레드가 두 줄씩 출력합니다. 락이 없으면 다른 스레드가 한 쌍 사이에 끼어들 수 있습니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "output", "gil", "cores", "seed"],
    shows: crate::lessons::shows_with::<LockPrint>,
    breaks: Some("split"),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "Each thread prints a pair of lines: `\"lock acquired\"` and which function it is. Holding the lock \
             from before the first line to after the second makes the pair one unit that the other thread cannot \
             break into. Without the lock, the other thread can print between the two lines whenever the GIL \
             changes hands, which a write to the console allows. With few iterations the first thread is often \
             done before the second has started, so try more.",
        ko: "각 스레드는 `\"lock acquired\"`와 자기 함수 이름, 두 줄을 한 쌍으로 출력합니다. 첫 줄 전부터 둘째 줄 \
             뒤까지 락을 쥐면 그 쌍은 다른 스레드가 끼어들 수 없는 한 단위가 됩니다. 락이 없으면 GIL이 넘어갈 때마다 \
             (콘솔에 쓰는 순간이 그런 때입니다) 다른 스레드가 두 줄 사이에 출력할 수 있습니다. 반복이 적으면 둘째 \
             스레드가 시작하기도 전에 첫째 스레드가 끝나는 일이 많으니 반복을 늘려 보세요.",
    },
    seed_changes: Text {
        en: "When the threads take turns, and with `lock=off` whether a pair gets split at all: a split is rare, so \
             a run with none proves nothing; raise `iterations`.",
        ko: "스레드들이 언제 번갈아 출력하는지, 그리고 `lock=off`에서 쌍이 갈라지기나 하는지가 달라집니다. 갈라짐은 \
             드물어서 한 번도 없는 실행은 아무것도 증명하지 못하니 `iterations`를 늘려 보세요.",
    },
    knobs: &[
        KnobWords {
            name: "lock",
            label: Text { en: "Lock around each pair", ko: "쌍마다 락" },
            help: Text {
                en: "`on`: each thread takes the lock before its two prints and releases it after; `off`: \
                     `lock.acquire()` and `lock.release()` are commented out (the line still says `lock acquired`).",
                ko: "`on`이면 각 스레드가 두 줄을 출력하기 전에 락을 얻고 출력한 뒤 놓습니다. `off`면 \
                     `lock.acquire()`와 `lock.release()`가 주석 처리됩니다(줄에는 여전히 `lock acquired`라고 \
                     나옵니다).",
            },
        },
        KnobWords {
            name: "iterations",
            label: Text { en: "Pairs per thread", ko: "스레드당 쌍 수" },
            help: Text {
                en: "How many times each thread prints its pair of lines. With few, one thread is often done before \
                     the other starts; raise it to give a split a chance.",
                ko: "각 스레드가 두 줄 한 쌍을 출력하는 횟수입니다. 적으면 다른 스레드가 시작하기 전에 한 스레드가 \
                     끝나기 쉬우니, 늘려야 쌍이 갈라질 기회가 생깁니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<LockPrint>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    /// Whether each pair is printed under the lock (`lock=on`).
    pub lock: bool,
    pub iterations: u32,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            lock: values.word("lock", &[("on", true), ("off", false)])?,
            iterations: values.whole("iterations")? as u32,
        })
    }
}

struct LockPrint;

impl Teach for LockPrint {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, common, trace, lang)
    }
}

const LOCK: ObjectId = ObjectId(0);
const NAMES: [&str; 2] = ["first", "second"];

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { lock: locked, iterations } = *knobs;
    // Commented out, not removed, so the two programs line up.
    let maybe = |code: &str| if locked { code.to_string() } else { format!("# {code}  (lock=off)") };

    let mut src = Source::new();
    src.line(0, "import threading");
    src.blank();
    src.line(0, "lock = threading.Lock()");
    let mut bodies = Vec::new();
    for name in NAMES {
        src.blank();
        src.blank();
        src.line(0, &format!("def {name}():"));
        let for_line = src.line(1, &format!("for _ in range({iterations}):"));
        let acquire = src.line(2, &maybe("lock.acquire()"));
        let print_acquired = src.line(2, "print(\"lock acquired\")");
        let print_name = src.line(2, &format!("print(\"Executing the {name} function\")"));
        let release = src.line(2, &maybe("lock.release()"));
        let mut ops = Vec::new();
        if locked {
            ops.push(acquire.op(OpKind::Acquire { object: LOCK, wait: Wait::Forever, result: None }));
        }
        ops.push(print_acquired.op(OpKind::Print { text: vec![TextPart::Lit("lock acquired".into())] }));
        ops.push(print_name.op(OpKind::Print { text: vec![TextPart::Lit(format!("Executing the {name} function"))] }));
        if locked {
            ops.push(release.op(OpKind::Release { object: LOCK }));
        }
        ops.push(for_line.op(OpKind::Loop { to: 0, times: u64::from(iterations) }));
        bodies.push(ops);
    }
    src.blank();
    src.blank();
    src.line(0, "t1 = threading.Thread(target=first)");
    src.line(0, "t2 = threading.Thread(target=second)");
    let start_1 = src.line(0, "t1.start()");
    let start_2 = src.line(0, "t2.start()");
    let join_1 = src.line(0, "t1.join()");
    let join_2 = src.line(0, "t2.join()");

    let main = vec![
        start_1.op(OpKind::Start { actor: ActorId(1) }),
        start_2.op(OpKind::Start { actor: ActorId(2) }),
        join_1.op(OpKind::Join { actor: ActorId(1), wait: Wait::Forever }),
        join_2.op(OpKind::Join { actor: ActorId(2), wait: Wait::Forever }),
    ];
    let mut actors = vec![main_thread(main)];
    for (i, ops) in bodies.into_iter().enumerate() {
        actors.push(thread(format!("Thread-{} ({})", i + 1, NAMES[i]), ops));
    }
    let program = Program {
        source: src.finish(),
        processes: vec![main_process()],
        actors,
        objects: vec![ObjectDef { name: "lock".into(), kind: ObjectKind::Lock }],
        switch_interval: None,
    };
    Built::new(program, common)
}

/// How the pairs came out: `(together, split)`. A pair is a "lock acquired" line; it is
/// together when the next line is its own thread's "Executing" line.
pub fn pairs(trace: &Trace) -> (i64, i64) {
    let text = trace.console_text();
    let lines: Vec<&str> = text.lines().collect();
    let mut together = 0;
    let mut split = 0;
    for (i, line) in lines.iter().enumerate() {
        if *line == "lock acquired" {
            if lines.get(i + 1).is_some_and(|next| next.starts_with("Executing the ")) {
                together += 1;
            } else {
                split += 1;
            }
        } else if line.contains("lock acquired") {
            // Two writes of different threads ran together on one line (`-u`).
            split += 1;
        }
    }
    (together, split)
}

fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let locked = knobs.lock;
    let (together, split) = pairs(trace);
    let total = 2 * i64::from(knobs.iterations);
    let taken = turns(trace);
    let figures = vec![("pairs", total), ("together", together), ("split", split), ("turns", taken)];
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let (n, s) = (group_digits(total), group_digits(split));
    let headline = match (split > 0, ko) {
        (true, false) => format!("{s} of {n} pairs were split by the other thread's lines."),
        (true, true) => format!("{n}쌍 중 {s}쌍이 다른 스레드의 줄 때문에 갈라졌습니다."),
        (false, false) => format!("All {n} pairs came out together."),
        (false, true) => format!("{n}쌍이 모두 붙어서 나왔습니다."),
    };
    let why = match (locked, split > 0) {
        (true, _) => Text {
            en: "Each thread holds the lock from before its first line to after its second, so the other thread \
                 waits at `lock.acquire()` and can only print between pairs.",
            ko: "각 스레드가 첫 줄 전부터 둘째 줄 뒤까지 락을 쥐고 있어서 다른 스레드는 `lock.acquire()`에서 기다리고 \
                 쌍과 쌍 사이에서만 출력할 수 있습니다.",
        },
        (false, true) if !common.gil => Text {
            en: "Without the lock nothing holds a pair together: with no GIL the two threads print at the same time \
                 on their own cores, and the other thread printed in between.",
            ko: "락이 없으면 쌍을 묶어 두는 것이 없습니다. GIL이 없으니 두 스레드가 각자의 코어에서 동시에 출력하고, \
                 다른 스레드가 그 사이에 출력했습니다.",
        },
        (false, true) if common.output == Output::Pipe => Text {
            en: "Without the lock nothing holds a pair together: the GIL changed hands between a pair's two prints \
                 (a waiting thread asks for it after the switch interval), and the other thread printed in between.",
            ko: "락이 없으면 쌍을 묶어 두는 것이 없습니다. 한 쌍의 두 출력 사이에서 GIL이 넘어갔고(기다리는 스레드는 \
                 전환 간격이 지나면 GIL을 요청합니다), 다른 스레드가 그 사이에 출력했습니다.",
        },
        (false, true) => Text {
            en: "Without the lock nothing holds a pair together: a console write lets go of the GIL, and the other \
                 thread printed in between.",
            ko: "락이 없으면 쌍을 묶어 두는 것이 없습니다. 콘솔에 쓰는 순간 GIL이 풀리고, 다른 스레드가 그 사이에 \
                 출력했습니다.",
        },
        (false, false) if taken <= 1 => Text {
            en: "Nothing held the pairs together this time either: one thread printed all its lines before the other \
                 printed any (with few iterations the first is often done before the second starts). Raise \
                 `iterations`.",
            ko: "이번에도 쌍을 묶어 둔 것은 없습니다. 한 스레드가 자기 줄을 모두 출력한 뒤에야 다른 스레드가 출력했을 \
                 뿐입니다(반복이 적으면 첫째 스레드가 둘째가 시작하기 전에 끝나곤 합니다). `iterations`를 늘려 \
                 보세요.",
        },
        // The threads did take turns, only never inside a pair: the rare split did not come.
        (false, false) => {
            let turns = group_digits(taken);
            let text = match lang {
                Lang::En => format!(
                    "Nothing held the pairs together this time either: the threads took turns {turns} times, but \
                     each time between two pairs. The other thread gets in only if it prints in the short moment \
                     between a pair's two lines, and this time it never did: run again with another seed, or raise \
                     `iterations`."
                ),
                Lang::Ko => format!(
                    "이번에도 쌍을 묶어 둔 것은 없습니다. 두 스레드가 {turns}번 번갈아 출력했지만 매번 쌍과 쌍 \
                     사이였습니다. 다른 스레드는 한 쌍의 두 줄 사이 짧은 순간에 출력해야만 끼어들 수 있는데, \
                     이번에는 그런 일이 없었습니다. 다른 시드로 다시 실행하거나 `iterations`를 늘려 보세요."
                ),
            };
            return Findings { headline, details: vec![text], figures };
        }
    };
    Findings { headline, details: vec![why.get(lang).to_string()], figures }
}

/// How many times the output passed from one thread's pairs to the other's, read from the
/// "Executing the ... function" lines (a buffered write can hold both threads' lines).
pub fn turns(trace: &Trace) -> i64 {
    let text = trace.console_text();
    let whose: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("Executing the ")).collect();
    whose.windows(2).filter(|w| w[0] != w[1]).count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    #[test]
    fn the_lock_lines_are_there_or_commented_out() {
        let on = built(&[]).program;
        assert!(on.source.contains("        lock.acquire()\n"));
        on.validate().unwrap();
        let off = built(&[("lock", "off")]).program;
        assert!(off.source.contains("# lock.acquire()  (lock=off)"));
        assert!(off.actors[1].ops.iter().all(|o| !matches!(o.kind, OpKind::Acquire { .. })));
        assert_eq!(on.source.lines().count(), off.source.lines().count());
    }

    fn details(knobs: &KnobValues, trace: &Trace) -> String {
        (LESSON.findings)(knobs, trace, Lang::En).details.join(" ")
    }

    #[test]
    fn unsplit_pairs_are_explained_by_what_the_threads_did_this_time() {
        use crate::lessons::parts::testing::first_seed;
        // Few iterations: the first thread is done before the second prints a line.
        let (_, knobs, trace) = first_seed(&LESSON, &[("lock", "off")], 20, |_, t| pairs(t).1 == 0 && turns(t) <= 1)
            .expect("a run of 5 iterations in which one thread printed all before the other");
        assert!(details(&knobs, &trace).contains("one thread printed all its lines before the other"));
        // More: the threads take turns, and a split is rare. A run that took turns without a
        // split must not say they did not print at the same moment.
        let rare =
            first_seed(&LESSON, &[("lock", "off"), ("iterations", "40")], 40, |_, t| pairs(t).1 == 0 && turns(t) > 1);
        let (seed, knobs, trace) = rare.expect("a run of 40 iterations that took turns but split no pair");
        let said = details(&knobs, &trace);
        assert!(said.contains(&format!("took turns {} times", turns(&trace))), "seed {seed}: {said}");
        assert!(!said.contains("before the other printed any"), "seed {seed}: {said}");
        let ko = (LESSON.findings)(&knobs, &trace, Lang::Ko).details.join(" ");
        assert!(ko.contains(&format!("{}번 번갈아", turns(&trace))), "seed {seed}: {ko}");
    }

    #[test]
    fn turns_count_the_changes_of_thread_between_pairs() {
        use crate::engine::program::ActorId;
        use crate::engine::trace::ConsoleWrite;
        let (_, mut trace) = crate::lessons::parts::testing::run(&LESSON, &[]);
        trace.console.clear();
        for (actor, text) in [(1, "first"), (1, "first"), (2, "second"), (1, "first")] {
            for line in ["lock acquired\n".to_string(), format!("Executing the {text} function\n")] {
                trace.console.push(ConsoleWrite { actor: ActorId(actor), at: 0, text: line });
            }
        }
        assert_eq!(turns(&trace), 2);
        assert_eq!(pairs(&trace), (4, 0));
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_prints_every_pair() {
        for lock in ["on", "off"] {
            let b = built(&[("lock", lock)]);
            let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                Some(out) => out,
                None => return,
            };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            assert_eq!(text.matches("lock acquired").count(), 10, "{text}");
        }
    }
}
