//! Lesson 12, `queue`: producer processes put numbered items on a `multiprocessing.Queue`,
//! consumer processes get them.
//!
//! `get()` waits while the queue is empty; with `maxsize` set, `put()` waits while it is
//! full. The consumers are slower than the producers, so a bounded queue fills and holds
//! the producers back. Items leave in the order they arrived. Each producer prints
//! `q.full()` after its put; the main process prints `q.empty()` at the end.

use crate::engine::program::{
    Arith, ObjectDef, ObjectId, ObjectKind, Op, OpKind, Operand, Program, Reg, TextPart, Wait,
};
use crate::engine::trace::{Outcome, SpanKind, Trace, WaitOn};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{
    add_child, import_multiprocessing, joins, main_process, main_thread, not_finished, set_start_method, starts,
};
use crate::lessons::source::{Source, SourceLine};
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "producers", kind: KnobKind::Int { min: 1, max: 6 }, default: "2" },
    KnobSpec { name: "consumers", kind: KnobKind::Int { min: 1, max: 6 }, default: "1" },
    KnobSpec { name: "maxsize", kind: KnobKind::Int { min: 0, max: 100 }, default: "2" },
    KnobSpec { name: "items", kind: KnobKind::Int { min: 1, max: 50 }, default: "4" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "queue",
    group: Group::Processes,
    title: Text { en: "Queues between processes", ko: "프로세스 사이의 큐" },
    teaser: Text {
        en: "Producers and consumers on a `Queue`: `get()` waits when it is empty, `put()` when it is full.",
        ko: "`Queue` 위의 생산자와 소비자: 비어 있으면 `get()`이, 가득 차면 `put()`이 기다립니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "start_method", "cores", "seed", "time_scale"],
    shows: crate::lessons::shows_with::<Queue>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "`multiprocessing.Queue` carries items between processes, first in, first out. `get()` waits until \
             there is an item; with a `maxsize`, `put()` waits until there is room, which holds fast producers back \
             to the pace of slow consumers. `q.empty()` and `q.full()` tell you how it is at that moment, which may \
             already have changed when you act on it.",
        ko: "`multiprocessing.Queue`는 프로세스 사이에 항목을 먼저 들어온 순서대로 실어 나릅니다. `get()`은 항목이 \
             생길 때까지 기다리고, `maxsize`가 있으면 `put()`은 자리가 날 때까지 기다려서 빠른 생산자를 느린 소비자의 \
             속도에 맞춥니다. `q.empty()`와 `q.full()`은 그 순간의 상태를 알려 줄 뿐이고, 그 답에 따라 움직일 때는 \
             이미 바뀌어 있을 수 있습니다.",
    },
    seed_changes: Text {
        en: "Which consumer gets which item, how the producers' and consumers' lines interleave, and how long the \
             producers wait for room; the queue still hands each producer's items out in the order it put them.",
        ko: "어느 소비자가 어느 항목을 받는지, 생산자와 소비자의 줄이 어떻게 섞이는지, 생산자가 자리를 얼마나 \
             기다리는지가 달라집니다. 큐는 여전히 생산자마다 넣은 순서대로 항목을 내줍니다.",
    },
    knobs: &[
        KnobWords {
            name: "producers",
            label: Text { en: "Producers", ko: "생산자 수" },
            help: Text {
                en: "How many producer processes put items on the queue; producer `p` puts the numbers `p * 100 + i`.",
                ko: "큐에 항목을 넣는 생산자 프로세스의 수입니다. 생산자 `p`는 `p * 100 + i` 꼴의 수를 넣습니다.",
            },
        },
        KnobWords {
            name: "consumers",
            label: Text { en: "Consumers", ko: "소비자 수" },
            help: Text {
                en: "How many consumer processes take items with `q.get()`. They share the items out evenly and sleep \
                     10 ms after each one.",
                ko: "`q.get()`으로 항목을 꺼내는 소비자 프로세스의 수입니다. 항목을 고르게 나눠 맡고, 하나를 받을 \
                     때마다 10 ms씩 잠듭니다.",
            },
        },
        KnobWords {
            name: "maxsize",
            label: Text { en: "Queue limit", ko: "큐 최대 크기" },
            help: Text {
                en: "`Queue(maxsize=...)`: once the queue holds this many items, `put()` waits for room. `0` means no \
                     limit.",
                ko: "`Queue(maxsize=...)`에 들어가는 값입니다. 큐에 항목이 이만큼 차면 `put()`이 자리가 날 때까지 \
                     기다립니다. `0`이면 한도가 없습니다.",
            },
        },
        KnobWords {
            name: "items",
            label: Text { en: "Items per producer", ko: "생산자당 항목 수" },
            help: Text {
                en: "How many items each producer puts; all the producers' items together are split among the \
                     consumers.",
                ko: "생산자마다 넣는 항목의 수입니다. 모든 생산자의 항목을 합쳐 소비자들이 나눠 받습니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<Queue>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub producers: u16,
    pub consumers: u16,
    /// 0: unbounded.
    pub maxsize: u32,
    /// Items each producer puts.
    pub items: u64,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            producers: values.whole("producers")? as u16,
            consumers: values.whole("consumers")? as u16,
            maxsize: values.whole("maxsize")? as u32,
            items: values.whole("items")? as u64,
        })
    }
}

struct Queue;

impl Teach for Queue {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }
}

const Q: ObjectId = ObjectId(0);
/// A producer's `i`, a consumer's `item`.
const I: Reg = Reg(0);
const ITEM: Reg = Reg(0);
/// A producer's `p * 100 + i`, computed for the put and again for the print.
const PUT: Reg = Reg(1);
/// `q.full()` in a producer's print.
const FULL: Reg = Reg(2);
/// `q.empty()` in the main process's print.
const EMPTY: Reg = Reg(0);
/// Item numbers: producer p's i-th item is `p * 100 + i`.
const PER_PRODUCER: i64 = 100;

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { producers, consumers, maxsize, items } = *knobs;
    let total = producers as u64 * items;

    let mut src = Source::new();
    import_multiprocessing(&mut src, common, "Process, Queue");
    src.line(0, "import time");
    src.blank();
    src.blank();
    src.line(0, "def producer(q, p, items):");
    let put_for = src.line(1, "for i in range(items):");
    let put = src.line(2, &format!("q.put(p * {PER_PRODUCER} + i)  # waits while the queue is full"));
    let say_put =
        src.line(2, &format!("print(f\"producer {{p}} put {{p * {PER_PRODUCER} + i}} (full: {{q.full()}})\")"));
    src.blank();
    src.blank();
    src.line(0, "def consumer(q, c, count):");
    let get_for = src.line(1, "for _ in range(count):");
    let get = src.line(2, "item = q.get()  # waits while the queue is empty");
    let say_got = src.line(2, "print(f\"consumer {c} got {item}\")");
    let work = src.line(2, "time.sleep(0.01)  # consuming is slower than producing");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    set_start_method(&mut src, common);
    src.line(1, &format!("q = Queue(maxsize={maxsize})  # 0: unbounded"));
    src.line(
        1,
        &format!("counts = [{total} // {consumers} + (c < {total} % {consumers}) for c in range({consumers})]"),
    );
    src.line(
        1,
        &format!("workers = [Process(target=producer, args=(q, p, {items})) for p in range({producers})] + \\"),
    );
    src.line(2, &format!("[Process(target=consumer, args=(q, c, counts[c])) for c in range({consumers})]"));
    src.line(1, "for w in workers:");
    let start_line = src.line(2, "w.start()");
    src.line(1, "for w in workers:");
    let join_line = src.line(2, "w.join()");
    let empty_line = src.line(1, "print(f\"empty at the end: {q.empty()}\")");

    let mut processes = vec![main_process()];
    let mut actors = vec![main_thread(Vec::new())];
    let mut child = |name: String, ops: Vec<Op>| {
        add_child(&mut processes, &mut actors, name, common.start_method, false, ops);
    };
    for p in 0..producers {
        let first = p as i64 * PER_PRODUCER;
        // `p * 100 + i`, as Python computes it: for the put, and again for the print.
        let item = |line: SourceLine| {
            [
                line.op(OpKind::Set { reg: PUT, value: first }),
                line.op(OpKind::Arith { reg: PUT, op: Arith::Add, value: Operand::Reg(I) }),
            ]
        };
        let mut ops = vec![put_for.op(OpKind::Set { reg: I, value: 0 })];
        ops.extend(item(put));
        ops.push(put.op(OpKind::Put { object: Q, value: Operand::Reg(PUT), wait: Wait::Forever }));
        ops.extend(item(say_put));
        ops.push(say_put.op(OpKind::QueueFull { object: Q, reg: FULL }));
        ops.push(say_put.op(OpKind::Print {
            text: vec![
                TextPart::Lit(format!("producer {p} put ")),
                TextPart::Reg(PUT),
                TextPart::Lit(" (full: ".into()),
                TextPart::Bool(FULL),
                TextPart::Lit(")".into()),
            ],
        }));
        ops.push(put_for.op(OpKind::Add { reg: I, value: 1 }));
        ops.push(put_for.op(OpKind::Loop { to: 1, times: items }));
        child(format!("Process-{}", p + 1), ops);
    }
    for c in 0..consumers {
        let count = total / consumers as u64 + u64::from((c as u64) < total % consumers as u64);
        if count == 0 {
            // Nothing for this one: it ends at once, as `range(0)` would.
            child(format!("Process-{}", producers + c + 1), Vec::new());
            continue;
        }
        let ops = vec![
            get.op(OpKind::Get { object: Q, reg: ITEM, wait: Wait::Forever }),
            say_got.op(OpKind::Print { text: vec![TextPart::Lit(format!("consumer {c} got ")), TextPart::Reg(ITEM)] }),
            work.op(OpKind::Sleep { micros: 10_000 }),
            get_for.op(OpKind::Loop { to: 0, times: count }),
        ];
        child(format!("Process-{}", producers + c + 1), ops);
    }
    let workers = producers + consumers;
    let mut main: Vec<Op> = starts(workers, start_line).collect();
    main.extend(joins(workers, join_line));
    main.push(empty_line.op(OpKind::QueueEmpty { object: Q, reg: EMPTY }));
    main.push(
        empty_line.op(OpKind::Print { text: vec![TextPart::Lit("empty at the end: ".into()), TextPart::Bool(EMPTY)] }),
    );
    actors[0].ops = main;
    let objects = vec![ObjectDef { name: "q".into(), kind: ObjectKind::Queue { maxsize } }];
    let program = Program { source: src.finish(), processes, actors, objects, switch_interval: None };
    Built::new(program, common)
}

/// What went through the queue: items in the order they were got, and how long the
/// producers spent waiting for room (ns, all of them together).
pub fn flow(knobs: &Knobs, trace: &Trace) -> (Vec<i64>, u64) {
    let got: Vec<i64> = trace.console_text().lines().filter_map(|l| l.split(" got ").nth(1)?.parse().ok()).collect();
    let producer_waits = trace
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Wait(WaitOn::Object(Q)))
        .filter(|s| (1..=knobs.producers).contains(&s.actor.0))
        .map(|s| s.end - s.start)
        .sum();
    (got, producer_waits)
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let Knobs { producers, maxsize, items, .. } = *knobs;
    let total = producers as u64 * items;
    let (got, waited) = flow(knobs, trace);
    // Each producer's items must leave in the order it put them.
    let fifo = (0..producers as i64).all(|p| {
        let mine: Vec<i64> = got.iter().copied().filter(|i| i / PER_PRODUCER == p).collect();
        mine.windows(2).all(|w| w[0] < w[1])
    });
    let waited_ms = waited as f64 / 1e6;
    let figures = vec![("got", got.len() as i64), ("fifo", fifo as i64), ("producer_wait_us", (waited / 1000) as i64)];
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let headline = match (fifo, ko) {
        (true, false) => format!("All {total} items went through, each producer's in the order it put them."),
        (true, true) => format!("항목 {total}개가 모두 전달되었고, 생산자마다 넣은 순서대로 나왔습니다."),
        (false, false) => {
            format!("All {total} items went through, but this time some consumers' lines are out of order.")
        }
        (false, true) => format!("항목 {total}개가 모두 전달되었지만, 이번에는 순서가 바뀐 소비자 줄이 있습니다."),
    };
    let mut details = Vec::new();
    if !fifo {
        // The queue handed the items out in order; two consumers printed in the other order.
        details.push(
            Text {
                en: "The queue still handed each producer's items out in the order it put them: a consumer that got \
                     an item can print its line after another consumer that got a later one.",
                ko: "큐는 여전히 생산자마다 넣은 순서대로 항목을 내주었습니다. 항목을 먼저 받은 소비자가 더 나중 \
                     항목을 받은 다른 소비자보다 늦게 출력할 수 있을 뿐입니다.",
            }
            .get(lang)
            .to_string(),
        );
    }
    let why = if maxsize > 0 && waited > 0 {
        if ko {
            format!(
                "큐에는 최대 {maxsize}개만 들어가므로 생산자들이 자리가 나기를 모두 {waited_ms:.1} ms \
                 기다렸습니다. 느린 소비자가 속도를 정합니다."
            )
        } else {
            format!(
                "The queue holds at most {maxsize}, so the producers waited {waited_ms:.1} ms in all for room: \
                 the slow consumers set the pace."
            )
        }
    } else {
        Text {
            en: "With no bound (or room to spare) the producers never waited: they finished long before the \
                 consumers, and the items waited in the queue instead. Set `maxsize` to hold them back.",
            ko: "한도가 없거나 자리가 넉넉해서 생산자들은 한 번도 기다리지 않았습니다. 소비자보다 훨씬 먼저 끝났고, \
                 대신 항목들이 큐에서 기다렸습니다. `maxsize`를 정하면 생산자를 붙잡아 둘 수 있습니다.",
        }
        .get(lang)
        .to_string()
    };
    details.push(why);
    Findings { headline, details, figures }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    #[test]
    fn consumers_printing_out_of_order_do_not_make_the_queue_look_in_order() {
        // Six consumers on one producer's items: now and then one that got an item prints
        // after another that got the next. The headline must not claim the lines are in order.
        let pairs = [("producers", "1"), ("consumers", "6"), ("items", "20")];
        let out_of_order = |k: &KnobValues, t: &Trace| {
            let (got, _) = flow(&Knobs::from_knobs(k).unwrap(), t);
            got.windows(2).any(|w| w[0] > w[1])
        };
        let found = crate::lessons::parts::testing::first_seed(&LESSON, &pairs, 60, out_of_order);
        let (seed, knobs, trace) = found.expect("a run whose consumers printed out of order");
        let findings = (LESSON.findings)(&knobs, &trace, Lang::En);
        assert!(findings.headline.contains("some consumers' lines are out of order"), "seed {seed}: {findings:?}");
        assert!(findings.details[0].contains("still handed each producer's items out in the order"), "seed {seed}");
        assert!((LESSON.findings)(&knobs, &trace, Lang::Ko).headline.contains("순서가 바뀐"), "seed {seed}");
    }

    #[test]
    fn every_consumer_gets_its_share_and_the_generated_python_runs_in_cpython() {
        let b = built(&[("producers", "3"), ("consumers", "2"), ("items", "3")]);
        b.program.validate().unwrap();
        let gets: u64 = b.program.actors[4..]
            .iter()
            .map(|a| {
                a.ops
                    .iter()
                    .find_map(|o| if let OpKind::Loop { times, .. } = o.kind { Some(times) } else { None })
                    .unwrap_or(0)
            })
            .sum();
        assert_eq!(gets, 9);
        let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
            Some(out) => out,
            None => return,
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.matches(" got ").count(), 9, "{text}");
        assert!(text.ends_with("empty at the end: True\n"), "{text}");
    }
}
