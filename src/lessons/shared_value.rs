//! Lesson 10, `shared_value`: `processes` processes each add 1, `increments` times, to a
//! `multiprocessing.Value` (under `with v.get_lock():` or not), or to a plain global.
//!
//! A plain global is copied into each child, so the parent's stays 0. A `Value` lives in
//! memory every process shares and has a lock, but `v.value += 1` is a locked read and then
//! a separately locked write, so without `get_lock()` around both an update can be lost.

use crate::engine::program::{ObjectDef, ObjectId, ObjectKind, Op, OpKind, Program, Reg, TextPart, Wait};
use crate::engine::trace::{MarkKind, Outcome, Trace};
use crate::i18n::{group_digits, Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{
    add_child, import_multiprocessing, joins, main_process, main_thread, not_finished, set_start_method, starts,
};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "processes", kind: KnobKind::Int { min: 1, max: 12 }, default: "9" },
    KnobSpec { name: "increments", kind: KnobKind::Int { min: 1, max: 1_000_000 }, default: "50" },
    KnobSpec { name: "shared", kind: KnobKind::Choice(&["value", "global"]), default: "value" },
    KnobSpec { name: "get_lock", kind: KnobKind::Choice(&["on", "off"]), default: "on" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "shared_value",
    group: Group::Processes,
    title: Text { en: "Sharing a value between processes", ko: "프로세스 사이에 값 공유하기" },
    teaser: Text {
        en: "A global stays 0 in the parent; a `Value` is shared, and exact only under its lock.",
        ko: "전역 변수는 부모에서 0 그대로이고, `Value`는 공유되지만 락 아래에서만 정확합니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "start_method", "cores", "seed"],
    shows: crate::lessons::shows_with::<SharedValue>,
    breaks: Some("lost"),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "Processes do not share memory: each child has its own copy of every global, and what it changes \
             the parent never sees. `multiprocessing.Value` puts one number in memory all processes share, with \
             a lock. Reading or writing `v.value` takes that lock, but `v.value += 1` is a read and then a write, \
             each locked on its own: another process can write in between, and that update is lost. Holding \
             `v.get_lock()` around the whole `+=` makes it exact.",
        ko: "프로세스는 메모리를 공유하지 않습니다. 자식마다 모든 전역 변수의 복사본을 가지며, 자식이 바꾼 것을 \
             부모는 보지 못합니다. `multiprocessing.Value`는 모든 프로세스가 공유하는 메모리에 숫자 하나를 락과 함께 \
             둡니다. `v.value`를 읽거나 쓸 때마다 그 락을 잡지만, `v.value += 1`은 읽기와 쓰기가 각각 따로 잠기므로 \
             그 사이에 다른 프로세스가 쓸 수 있고, 그 업데이트는 사라집니다. `+=` 전체를 `v.get_lock()`으로 감싸면 \
             정확해집니다.",
    },
    seed_changes: Text {
        en: "With `get_lock=off`, how many updates are lost, which hangs on when the processes start and how their \
             reads and writes fall (most runs of 50 increments lose none, a few lose some); with the lock, or a \
             global, only the timings.",
        ko: "`get_lock=off`에서는 사라지는 업데이트의 수가 달라집니다. 프로세스가 언제 시작하고 읽기와 쓰기가 어떻게 \
             엇갈리느냐에 달렸습니다(50번 더하기면 대부분 하나도 잃지 않고, 가끔 몇 개를 잃습니다). 락을 쓰거나 \
             전역 변수면 시간만 달라집니다.",
    },
    knobs: &[
        KnobWords {
            name: "processes",
            label: Text { en: "Processes", ko: "프로세스 수" },
            help: Text {
                en: "How many child processes the program starts; each runs `add`, adding 1 in a loop.",
                ko: "프로그램이 시작하는 자식 프로세스의 수입니다. 각자 `add`를 실행하며 반복문에서 1씩 더합니다.",
            },
        },
        KnobWords {
            name: "increments",
            label: Text { en: "Additions per process", ko: "프로세스당 더하기 횟수" },
            help: Text {
                en: "How many times each process adds 1; the expected total is processes × this. Without the lock, \
                     more additions mean more chances to lose one.",
                ko: "프로세스마다 1을 더하는 횟수입니다. 기대하는 합계는 프로세스 수 × 이 값이며, 락이 없으면 \
                     많을수록 업데이트를 잃을 기회도 많아집니다.",
            },
        },
        KnobWords {
            name: "shared",
            label: Text { en: "What they add to", ko: "더하는 대상" },
            help: Text {
                en: "`value`: a `multiprocessing.Value` in memory all processes share; `global`: a plain global \
                     `counter`, which each child adds to in its own copy.",
                ko: "`value`면 모든 프로세스가 공유하는 메모리의 `multiprocessing.Value`에 더합니다. `global`이면 \
                     평범한 전역 변수 `counter`에 더하는데, 자식마다 자기 복사본에 더합니다.",
            },
        },
        KnobWords {
            name: "get_lock",
            label: Text { en: "Hold the `Value`'s lock", ko: "`Value`의 락 잡기" },
            help: Text {
                en: "`on`: each `v.value += 1` runs inside `with v.get_lock():`; `off`: it runs bare, and updates can \
                     be lost. Only used with `shared=value`.",
                ko: "`on`이면 `v.value += 1`을 `with v.get_lock():` 안에서 실행하고, `off`면 락 없이 실행해서 \
                     업데이트가 사라질 수 있습니다. `shared=value`일 때만 쓰입니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<SharedValue>(&INFO, &WORDS);

/// What the processes add to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shared {
    /// A `multiprocessing.Value`, in memory every process shares.
    Value,
    /// A plain global, copied into each child.
    Global,
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub processes: u16,
    pub increments: u64,
    pub shared: Shared,
    /// `with v.get_lock():` around each `v.value += 1` (a Value only).
    pub get_lock: bool,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            processes: values.whole("processes")? as u16,
            increments: values.whole("increments")? as u64,
            shared: values.word("shared", &[("value", Shared::Value), ("global", Shared::Global)])?,
            get_lock: values.word("get_lock", &[("on", true), ("off", false)])?,
        })
    }
}

struct SharedValue;

impl Teach for SharedValue {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }

    /// A plain global has no lock to take: `get_lock` changes nothing then.
    fn shows(knobs: &Knobs, name: &str) -> bool {
        name != "get_lock" || knobs.shared == Shared::Value
    }
}

// The objects, as the program makes them: the Value's lock and the Value, or the global.
const LOCK: ObjectId = ObjectId(0);
const VALUE: ObjectId = ObjectId(1);
const GLOBAL: ObjectId = ObjectId(0);
const R: Reg = Reg(0);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { processes: n, increments, shared, get_lock } = *knobs;
    let value = shared == Shared::Value;
    let locked = value && get_lock;
    let expected = n as i64 * increments as i64;

    let mut src = Source::new();
    let mut ops = Vec::new();
    if value {
        import_multiprocessing(&mut src, common, "Process, Value");
        src.blank();
        src.blank();
        src.line(0, "def add(v, n):");
        let for_line = src.line(1, "for _ in range(n):");
        let target = if locked {
            let with = src.line(2, "with v.get_lock():");
            ops.push(with.op(OpKind::Acquire { object: LOCK, wait: Wait::Forever, result: None }));
            Some(with)
        } else {
            None
        };
        let add = src.line(if locked { 3 } else { 2 }, "v.value += 1");
        ops.push(add.op(OpKind::Load { object: VALUE, reg: R }));
        ops.push(add.op(OpKind::Add { reg: R, value: 1 }));
        ops.push(add.op(OpKind::Store { object: VALUE, reg: R }));
        if let Some(with) = target {
            ops.push(with.op(OpKind::Release { object: LOCK }));
        }
        ops.push(for_line.op(OpKind::Loop { to: 0, times: increments }));
    } else {
        import_multiprocessing(&mut src, common, "Process");
        src.blank();
        src.line(0, "counter = 0");
        src.blank();
        src.blank();
        src.line(0, "def add(n):");
        src.line(1, "global counter");
        let for_line = src.line(1, "for _ in range(n):");
        let add = src.line(2, "counter += 1  # this process's own copy");
        ops.push(add.op(OpKind::Load { object: GLOBAL, reg: R }));
        ops.push(add.op(OpKind::Add { reg: R, value: 1 }));
        ops.push(add.op(OpKind::Store { object: GLOBAL, reg: R }));
        ops.push(for_line.op(OpKind::Loop { to: 0, times: increments }));
    }
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    set_start_method(&mut src, common);
    if value {
        src.line(1, "v = Value(\"i\", 0)");
        src.line(1, &format!("workers = [Process(target=add, args=(v, {increments})) for _ in range({n})]"));
    } else {
        src.line(1, &format!("workers = [Process(target=add, args=({increments},)) for _ in range({n})]"));
    }
    src.line(1, "for p in workers:");
    let start_line = src.line(2, "p.start()");
    src.line(1, "for p in workers:");
    let join_line = src.line(2, "p.join()");
    let print_line = if value {
        src.line(1, &format!("print(f\"v.value = {{v.value}} (expected {expected})\")"))
    } else {
        src.line(1, &format!("print(f\"counter = {{counter}} (the children added {expected})\")"))
    };

    let mut main: Vec<Op> = starts(n, start_line).collect();
    main.extend(joins(n, join_line));
    let (shown, label, tail) = if value {
        (VALUE, "v.value = ", format!(" (expected {expected})"))
    } else {
        (GLOBAL, "counter = ", format!(" (the children added {expected})"))
    };
    main.push(print_line.op(OpKind::Load { object: shown, reg: R }));
    main.push(
        print_line.op(OpKind::Print { text: vec![TextPart::Lit(label.into()), TextPart::Reg(R), TextPart::Lit(tail)] }),
    );
    let mut processes = vec![main_process()];
    let mut actors = vec![main_thread(main)];
    for i in 1..=n {
        add_child(&mut processes, &mut actors, format!("Process-{i}"), common.start_method, false, ops.clone());
    }
    let objects = if value {
        vec![
            // multiprocessing's Value lock is re-entrant.
            ObjectDef { name: "v.get_lock()".into(), kind: ObjectKind::RLock },
            ObjectDef { name: "v".into(), kind: ObjectKind::SharedValue { initial: 0, lock: LOCK } },
        ]
    } else {
        vec![ObjectDef { name: "counter".into(), kind: ObjectKind::Var { initial: 0 } }]
    };
    let program = Program { source: src.finish(), processes, actors, objects, switch_interval: None };
    Built::new(program, common)
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let value = knobs.shared == Shared::Value;
    let locked = knobs.get_lock;
    let expected = knobs.processes as i64 * knobs.increments as i64;
    let seen = trace.final_value(if value { VALUE } else { GLOBAL }).unwrap_or(0);
    let lost = if value { expected - seen } else { 0 };
    let figures = vec![("expected", expected), ("seen", seen), ("lost", lost)];
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let (e, s, l) = (group_digits(expected), group_digits(seen), group_digits(lost));
    let headline = match (value, lost > 0, ko) {
        (false, _, false) => format!("The parent's `counter` is {s}: the children added {e}, each to its own copy."),
        (false, _, true) => {
            format!("부모의 `counter`는 {s}입니다. 자식들은 {e}을(를) 더했지만 각자 자기 복사본에 더했습니다.")
        }
        (true, true, false) => format!("Lost {l} of {e} updates: `v.value` ended at {s}."),
        (true, true, true) => format!("{e}번의 업데이트 중 {l}번이 사라졌습니다. `v.value`는 {s}로 끝났습니다."),
        (true, false, false) => format!("No update lost: `v.value` is exactly {e}."),
        (true, false, true) => format!("사라진 업데이트가 없습니다. `v.value`는 정확히 {e}입니다."),
    };
    let why = match (value, locked, lost > 0) {
        (false, _, _) => Text {
            en: "A global lives in each process's own memory; starting a process copies it, and nothing copies it \
                 back. Try `shared=value`.",
            ko: "전역 변수는 각 프로세스의 메모리에 삽니다. 프로세스를 시작할 때 복사되고, 다시 돌려받는 일은 \
                 없습니다. `shared=value`를 시도해 보세요.",
        },
        (true, true, _) => Text {
            en: "`with v.get_lock():` holds the `Value`'s lock from the read to the write, so no other process can \
                 write in between.",
            ko: "`with v.get_lock():`이 읽기부터 쓰기까지 `Value`의 락을 쥐고 있어서 그 사이에 다른 프로세스가 쓸 수 \
                 없습니다.",
        },
        (true, false, true) => Text {
            en: "`v.value += 1` took the lock to read and again to write; another process wrote in between, and its \
                 update was overwritten.",
            ko: "`v.value += 1`은 읽을 때 한 번, 쓸 때 또 한 번 락을 잡았습니다. 그 사이에 다른 프로세스가 썼고, 그 \
                 업데이트는 덮어써졌습니다.",
        },
        // The processes ran at the same time, and still no write fell between another's read
        // and write: that is luck, not safety.
        (true, false, false) if overlapped(trace) => Text {
            en: "Nothing prevents a lost update here: the processes did run at the same time, but this time none \
                 of them wrote between another's read and write. Run again with another seed, or raise \
                 `increments`.",
            ko: "여기에는 업데이트 손실을 막는 것이 없습니다. 프로세스들이 실제로 동시에 실행되었지만, 이번에는 어느 \
                 프로세스도 다른 프로세스의 읽기와 쓰기 사이에 쓰지 않았을 뿐입니다. 다른 시드로 다시 실행하거나 \
                 `increments`를 늘려 보세요.",
        },
        (true, false, false) => {
            let n = group_digits(knobs.increments as i64);
            let detail = match lang {
                Lang::En => format!(
                    "Nothing prevents a lost update here; the processes simply did not overlap much (each starts \
                     about a millisecond after the one before, and {n} increments can be over by then). Raise \
                     `increments`."
                ),
                Lang::Ko => format!(
                    "여기에는 업데이트 손실을 막는 것이 없습니다. 프로세스들이 별로 겹치지 않았을 뿐입니다(각자 앞의 \
                     프로세스보다 1밀리초쯤 늦게 시작하는데, {n}번 더하기는 그 전에 끝날 수 있습니다). \
                     `increments`를 늘려 보세요."
                ),
            };
            return Findings { headline, details: vec![detail], figures };
        }
    };
    Findings { headline, details: vec![why.get(lang).to_string()], figures }
}

/// Whether two of the children were running at the same time (each from its first line to
/// its end).
pub fn overlapped(trace: &Trace) -> bool {
    let at = |actor: usize, kind: MarkKind| trace.marks.iter().find(|m| m.actor.0 as usize == actor && m.kind == kind);
    let lives: Vec<(u64, u64)> = (1..trace.actors.len())
        .filter_map(|a| Some((at(a, MarkKind::Started)?.at, at(a, MarkKind::Exited)?.at)))
        .collect();
    lives.iter().enumerate().any(|(i, (start, end))| lives[..i].iter().any(|(s, e)| s < end && start < e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    #[test]
    fn no_lost_update_is_explained_by_whether_the_processes_overlapped() {
        use crate::lessons::parts::testing::first_seed;
        let seen = |k: &KnobValues, t: &Trace| {
            let f = (LESSON.findings)(k, t, Lang::En);
            f.figures.iter().any(|(name, value)| name == "lost" && *value == 0)
        };
        // 50 increments: two processes often run at the same time and still lose nothing.
        let (seed, knobs, trace) = first_seed(&LESSON, &[("get_lock", "off")], 40, |k, t| seen(k, t) && overlapped(t))
            .expect("a run that overlapped and lost nothing");
        let said = (LESSON.findings)(&knobs, &trace, Lang::En).details.join(" ");
        assert!(said.contains("the processes did run at the same time"), "seed {seed}: {said}");
        assert!(!said.contains("did not overlap"), "seed {seed}: {said}");
        // 1 000 increments: a run in which each was done before the next began.
        let pairs = [("get_lock", "off"), ("increments", "1000")];
        let (seed, knobs, trace) = first_seed(&LESSON, &pairs, 40, |k, t| seen(k, t) && !overlapped(t))
            .expect("a run whose processes never overlapped");
        let said = (LESSON.findings)(&knobs, &trace, Lang::En).details.join(" ");
        assert!(said.contains("did not overlap"), "seed {seed}: {said}");
    }

    #[test]
    fn the_program_follows_the_knobs() {
        for (shared, lock, text) in [
            ("value", "on", "with v.get_lock():"),
            ("value", "off", "v.value += 1"),
            ("global", "on", "global counter"),
        ] {
            let b = built(&[("shared", shared), ("get_lock", lock)]);
            b.program.validate().unwrap();
            assert!(b.program.source.contains(text), "{shared} {lock}");
        }
        assert!(!built(&[("get_lock", "off")]).program.source.contains("get_lock"));
        // The form hides `get_lock` where it changes nothing.
        let shows = |shared: &str| {
            let knobs = crate::lessons::knobs_from_pairs(&LESSON, &[("shared".into(), shared.into())]).unwrap();
            (INFO.shows)(&knobs, "get_lock")
        };
        assert_eq!((shows("value"), shows("global")), (true, false));
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_a_global_stays_zero() {
        for (shared, expected) in
            [("value", "v.value = 450 (expected 450)"), ("global", "counter = 0 (the children added 450)")]
        {
            let b = built(&[("shared", shared)]);
            let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                Some(out) => out,
                None => return,
            };
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), expected);
        }
    }
}
