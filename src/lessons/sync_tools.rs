//! Lesson 5, `sync_tools`: one lesson, five tools, picked with `primitive`.
//!
//! - `rlock`: each thread takes the lock in `outer` and again in `inner`. An RLock lets
//!   its owner in again; a plain Lock (`lock=lock`) makes its owner wait for itself.
//! - `semaphore`: `threads` workers, at most `permits` inside at once.
//! - `condition`: a producer and a slower consumer share a bounded buffer of `capacity`.
//! - `event`: `threads` waiters all go when the main thread sets the event.
//! - `barrier`: `parties` runners arrive one by one and leave together.
//!
//! `mistake=yes` adds each tool's classic error: releasing a lock nobody holds, releasing a
//! BoundedSemaphore once too often, waiting on a Condition without its lock, an Event that
//! is never set, and a Barrier aborted before everyone arrives. What a run comes to is read
//! in `findings`.

use crate::engine::program::{
    ActorDef, Cond, ObjectDef, ObjectId, ObjectKind, Op, OpKind, Program, Reg, TextPart, Wait,
};
use crate::engine::trace::Trace;
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{joins, main_process, main_thread, starts, thread};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

mod findings;

const KNOBS: &[KnobSpec] = &[
    KnobSpec {
        name: "primitive",
        kind: KnobKind::Choice(&["rlock", "semaphore", "condition", "event", "barrier"]),
        default: "rlock",
    },
    KnobSpec { name: "threads", kind: KnobKind::Int { min: 1, max: 8 }, default: "3" },
    KnobSpec { name: "permits", kind: KnobKind::Int { min: 1, max: 8 }, default: "2" },
    KnobSpec { name: "capacity", kind: KnobKind::Int { min: 1, max: 8 }, default: "2" },
    KnobSpec { name: "parties", kind: KnobKind::Int { min: 1, max: 8 }, default: "3" },
    KnobSpec { name: "lock", kind: KnobKind::Choice(&["rlock", "lock"]), default: "rlock" },
    KnobSpec { name: "mistake", kind: KnobKind::Choice(&["no", "yes"]), default: "no" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "sync_tools",
    group: Group::Synchronisation,
    title: Text { en: "Other synchronisation tools", ko: "그 밖의 동기화 도구" },
    teaser: Text {
        en: "`RLock`, `Semaphore`, `Condition`, `Event` and `Barrier`: what each guarantees, and the mistake each \
             forbids.",
        ko: "`RLock`, `Semaphore`, `Condition`, `Event`, `Barrier`: 각각이 보장하는 것과 각각이 막는 실수.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "gil", "cores", "seed", "time_scale"],
    shows: crate::lessons::shows_with::<SyncTools>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "Beyond `Lock`, the `threading` module has an `RLock` its owner may take again, a `Semaphore` that \
             lets at most N threads in, a `Condition` to wait until something is true (here: room in a bounded \
             buffer, or an item in it), an `Event` that wakes every waiter at once, and a `Barrier` that holds \
             threads until all of them have arrived. Pick one with `primitive`; `mistake=yes` shows the error \
             Python raises when each is misused.",
        ko: "`threading` 모듈에는 `Lock` 말고도 소유자가 다시 얻을 수 있는 `RLock`, 최대 N개 스레드만 들여보내는 \
             `Semaphore`, 무언가가 참이 될 때까지(여기서는 제한된 버퍼에 자리가 나거나 항목이 생길 때까지) 기다리는 \
             `Condition`, 모든 대기자를 한꺼번에 깨우는 `Event`, 모두 도착할 때까지 스레드를 붙잡아 두는 `Barrier`가 \
             있습니다. `primitive`로 하나를 고르고, `mistake=yes`로 잘못 썼을 때 파이썬이 내는 오류를 보세요.",
    },
    seed_changes: Text {
        en: "The order in which waiting threads get going (who gets into the semaphore first, who goes first after \
             `set()`, who leaves the barrier first) and the timings by microseconds; what each tool guarantees never \
             changes.",
        ko: "기다리던 스레드들이 움직이는 순서(세마포어에 누가 먼저 들어가는지, `set()` 뒤에 누가 먼저 가는지, \
             배리어를 누가 먼저 떠나는지)와 마이크로초 단위의 시간이 달라집니다. 각 도구가 보장하는 것은 변하지 \
             않습니다.",
    },
    knobs: &[
        KnobWords {
            name: "primitive",
            label: Text { en: "Tool", ko: "동기화 도구" },
            help: Text {
                en: "`rlock`: a lock its holder takes twice; `semaphore`: at most N threads inside; `condition`: a \
                     producer and a consumer share a buffer; `event`: waiters go on a signal; `barrier`: all leave \
                     together.",
                ko: "`rlock`은 쥔 스레드가 두 번 얻는 락, `semaphore`는 최대 N개만 들어가는 구역, `condition`은 \
                     생산자와 소비자의 공유 버퍼, `event`는 신호가 오면 한꺼번에 출발하기, `barrier`는 모두 함께 \
                     떠나기입니다.",
            },
        },
        KnobWords {
            name: "threads",
            label: Text { en: "Threads", ko: "스레드 수" },
            help: Text {
                en: "How many threads run: with `rlock` each takes the lock in `outer` and again in `inner`; with \
                     `semaphore` they queue for permits; with `event` they wait for `ready.set()`.",
                ko: "실행할 스레드의 수입니다. `rlock`에서는 각 스레드가 `outer`와 `inner`에서 락을 두 번 얻고, \
                     `semaphore`에서는 자리를 기다리며, `event`에서는 `ready.set()`을 기다립니다.",
            },
        },
        KnobWords {
            name: "permits",
            label: Text { en: "Permits", ko: "허용 수" },
            help: Text {
                en: "The semaphore's count: how many threads may be inside `with sem:` at once; the others wait at \
                     the door.",
                ko: "세마포어의 값입니다. 동시에 `with sem:` 안에 있을 수 있는 스레드의 수이며, 나머지는 입구에서 \
                     기다립니다.",
            },
        },
        KnobWords {
            name: "capacity",
            label: Text { en: "Buffer capacity", ko: "버퍼 용량" },
            help: Text {
                en: "How many items the buffer holds (`CAPACITY`): the producer waits on `cond` while it is full, \
                     the slower consumer while it is empty. `2 × capacity + 2` items pass in all.",
                ko: "버퍼에 들어가는 항목의 수(`CAPACITY`)입니다. 가득 차면 생산자가, 비어 있으면 느린 소비자가 \
                     `cond`에서 기다립니다. 모두 `2 × capacity + 2`개가 오갑니다.",
            },
        },
        KnobWords {
            name: "parties",
            label: Text { en: "Barrier parties", ko: "배리어 참가자 수" },
            help: Text {
                en: "How many `runner` threads the `Barrier` waits for. They arrive 50 ms apart, and none leaves \
                     before the last one has arrived.",
                ko: "`Barrier`가 기다리는 `runner` 스레드의 수입니다. 50 ms 간격으로 하나씩 도착하고, 마지막이 \
                     도착하기 전에는 아무도 떠나지 않습니다.",
            },
        },
        KnobWords {
            name: "lock",
            label: Text { en: "Lock type", ko: "락 종류" },
            help: Text {
                en: "The lock `outer` and `inner` both take: `rlock` a `threading.RLock`, which lets its owner in \
                     again; `lock` a plain `threading.Lock`, whose owner then waits for itself for ever.",
                ko: "`outer`와 `inner`가 모두 얻는 락입니다. `rlock`은 소유자를 다시 들여보내는 `threading.RLock`, \
                     `lock`은 소유자가 자기 자신을 영원히 기다리게 되는 평범한 `threading.Lock`입니다.",
            },
        },
        KnobWords {
            name: "mistake",
            label: Text { en: "Classic mistake", ko: "흔한 실수" },
            help: Text {
                en: "`yes` adds the tool's classic misuse: one release too many (lock or `BoundedSemaphore`), \
                     `cond.wait()` without the lock, a forgotten `ready.set()`, or `barrier.abort()` before all \
                     arrive.",
                ko: "`yes`면 도구마다 흔한 실수를 넣습니다. 락이나 `BoundedSemaphore`를 한 번 더 놓기, 락 없이 \
                     `cond.wait()` 부르기, `ready.set()` 잊기, 모두 오기 전의 `barrier.abort()`입니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<SyncTools>(&INFO, &WORDS);

/// The tool the lesson shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Primitive {
    RLock,
    Semaphore,
    Condition,
    Event,
    Barrier,
}

/// The lock `rlock` takes twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    /// `threading.RLock`: its owner may take it again.
    RLock,
    /// `threading.Lock`: not re-entrant, so its owner waits for itself.
    Plain,
}

/// The lesson's knobs; each primitive reads only its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub primitive: Primitive,
    pub threads: u16,
    pub permits: u8,
    pub capacity: u8,
    pub parties: u16,
    pub lock: LockKind,
    /// Whether to add the tool's classic error.
    pub mistake: bool,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            primitive: values.word(
                "primitive",
                &[
                    ("rlock", Primitive::RLock),
                    ("semaphore", Primitive::Semaphore),
                    ("condition", Primitive::Condition),
                    ("event", Primitive::Event),
                    ("barrier", Primitive::Barrier),
                ],
            )?,
            threads: values.whole("threads")? as u16,
            permits: values.whole("permits")? as u8,
            capacity: values.whole("capacity")? as u8,
            parties: values.whole("parties")? as u16,
            lock: values.word("lock", &[("rlock", LockKind::RLock), ("lock", LockKind::Plain)])?,
            mistake: values.yes("mistake")?,
        })
    }
}

struct SyncTools;

impl Teach for SyncTools {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings::findings(knobs, trace, lang)
    }

    /// Each primitive's own knobs; `mistake` is everyone's.
    fn shows(knobs: &Knobs, knob: &str) -> bool {
        match (knobs.primitive, knob) {
            (_, "primitive" | "mistake") => true,
            (Primitive::RLock, k) => k == "threads" || k == "lock",
            (Primitive::Semaphore, k) => k == "threads" || k == "permits",
            (Primitive::Condition, k) => k == "capacity",
            (Primitive::Event, k) => k == "threads",
            (Primitive::Barrier, k) => k == "parties",
        }
    }
}

const R0: Reg = Reg(0);

fn print(text: &str) -> OpKind {
    OpKind::Print { text: vec![TextPart::ActorName, TextPart::Lit(text.into())] }
}

/// A line of the main thread's own, written where it belongs once the thread-starting
/// lines are: its text and its operations.
type MainLine = (String, Vec<OpKind>);

/// The parts every variant shares: the Program being built and its source.
struct Parts {
    src: Source,
    objects: Vec<ObjectDef>,
    workers: Vec<ActorDef>,
    /// The main thread's lines between the starts and the joins.
    between: Vec<MainLine>,
    /// The main thread's lines after the joins.
    after: Vec<MainLine>,
}

impl Parts {
    fn object(&mut self, name: &str, kind: ObjectKind) -> ObjectId {
        self.objects.push(ObjectDef { name: name.into(), kind });
        ObjectId(self.objects.len() as u16 - 1)
    }

    fn worker(&mut self, name: String, ops: Vec<Op>) {
        self.workers.push(thread(name, ops));
    }
}

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { primitive, threads, permits, capacity, parties, lock, mistake } = *knobs;
    let mut parts =
        Parts { src: Source::new(), objects: Vec::new(), workers: Vec::new(), between: Vec::new(), after: Vec::new() };
    parts.src.line(0, "import threading");
    parts.src.line(0, "import time");
    parts.src.blank();
    let target = match primitive {
        Primitive::RLock => rlock(&mut parts, threads, lock == LockKind::Plain, mistake),
        Primitive::Semaphore => semaphore(&mut parts, threads, permits, mistake),
        Primitive::Condition => condition(&mut parts, capacity, mistake),
        Primitive::Event => event(&mut parts, threads, mistake),
        Primitive::Barrier => barrier(&mut parts, parties, mistake),
    };
    let Parts { mut src, objects, workers, after, between } = parts;
    let n = workers.len() as u16;
    src.blank();
    src.blank();
    src.line(0, &format!("threads = [threading.Thread(target={target}, name=f\"T{{i}}\") for i in range({n})]"));
    src.line(0, "for t in threads:");
    let start_line = src.line(1, "t.start()");
    let mut main: Vec<Op> = starts(n, start_line).collect();
    let own_lines = |src: &mut Source, main: &mut Vec<Op>, lines: Vec<MainLine>| {
        for (text, kinds) in lines {
            let line = src.line(0, &text);
            main.extend(kinds.into_iter().map(|kind| line.op(kind)));
        }
    };
    own_lines(&mut src, &mut main, between);
    src.line(0, "for t in threads:");
    let join_line = src.line(1, "t.join()");
    main.extend(joins(n, join_line));
    own_lines(&mut src, &mut main, after);
    let mut actors = vec![main_thread(main)];
    actors.extend(workers);
    let program =
        Program { source: src.finish(), processes: vec![main_process()], actors, objects, switch_interval: None };
    Built::new(program, common)
}

/// `outer` takes the lock and calls `inner`, which takes it again.
fn rlock(parts: &mut Parts, threads: u16, plain: bool, mistake: bool) -> &'static str {
    let lock = if plain {
        parts.src.line(0, "lock = threading.Lock()  # not re-entrant");
        parts.object("lock", ObjectKind::Lock)
    } else {
        parts.src.line(0, "lock = threading.RLock()  # its owner may take it again");
        parts.object("lock", ObjectKind::RLock)
    };
    parts.src.blank();
    parts.src.blank();
    parts.src.line(0, "def inner():");
    let inner_with = parts.src.line(1, "with lock:  # taken again by the thread that holds it");
    let inner_print = parts.src.line(2, "print(f\"{threading.current_thread().name}: inner has it too\")");
    parts.src.blank();
    parts.src.blank();
    parts.src.line(0, "def outer():");
    let outer_with = parts.src.line(1, "with lock:");
    let outer_print = parts.src.line(2, "print(f\"{threading.current_thread().name}: outer has the lock\")");
    let call = parts.src.line(2, "inner()");
    let ops = vec![
        outer_with.op(OpKind::Acquire { object: lock, wait: Wait::Forever, result: None }),
        outer_print.op(print(": outer has the lock")),
        call.op(OpKind::Call),
        inner_with.op(OpKind::Acquire { object: lock, wait: Wait::Forever, result: None }),
        inner_print.op(print(": inner has it too")),
        inner_with.op(OpKind::Release { object: lock }),
        outer_with.op(OpKind::Release { object: lock }),
    ];
    for i in 0..threads {
        parts.worker(format!("T{i}"), ops.clone());
    }
    if mistake {
        parts.after.push((
            "lock.release()  # nobody holds it now: RuntimeError".into(),
            vec![OpKind::Release { object: lock }],
        ));
    }
    "outer"
}

fn semaphore(parts: &mut Parts, threads: u16, permits: u8, mistake: bool) -> &'static str {
    let sem = if mistake {
        parts.src.line(0, &format!("sem = threading.BoundedSemaphore({permits})"));
        parts.object("sem", ObjectKind::Semaphore { permits: u32::from(permits), bounded: true })
    } else {
        parts.src.line(0, &format!("sem = threading.Semaphore({permits})  # at most {permits} inside"));
        parts.object("sem", ObjectKind::Semaphore { permits: u32::from(permits), bounded: false })
    };
    parts.src.blank();
    parts.src.blank();
    parts.src.line(0, "def worker():");
    let with = parts.src.line(1, "with sem:");
    let enter = parts.src.line(2, "print(f\"{threading.current_thread().name} is in\")");
    let sleep = parts.src.line(2, "time.sleep(0.1)");
    let leave = parts.src.line(2, "print(f\"{threading.current_thread().name} leaves\")");
    let ops = vec![
        with.op(OpKind::Acquire { object: sem, wait: Wait::Forever, result: None }),
        enter.op(print(" is in")),
        sleep.op(OpKind::Sleep { micros: 100_000 }),
        leave.op(print(" leaves")),
        with.op(OpKind::Release { object: sem }),
    ];
    for i in 0..threads {
        parts.worker(format!("T{i}"), ops.clone());
    }
    if mistake {
        parts
            .after
            .push(("sem.release()  # one release too many: ValueError".into(), vec![OpKind::Release { object: sem }]));
    }
    "worker"
}

/// A producer and a slower consumer share a bounded buffer of `capacity` items.
fn condition(parts: &mut Parts, capacity: u8, mistake: bool) -> &'static str {
    let capacity = i64::from(capacity);
    let items = 2 * capacity + 2;
    parts.src.line(0, &format!("CAPACITY, ITEMS = {capacity}, {items}"));
    parts.src.line(0, "count = 0  # items in the buffer");
    parts.src.line(0, "cond = threading.Condition()");
    // In the order the program makes them.
    let count = parts.object("count", ObjectKind::Var { initial: 0 });
    let lock = parts.object("cond's lock", ObjectKind::RLock);
    let cond = parts.object("cond", ObjectKind::Condition { lock });
    // One side's loop: wait while `full` (count == CAPACITY) or empty (count == 0), then
    // change the count by `delta`, say so, and notify. Its operations come after the call
    // of it in `work`, so its jumps count from `BASE`.
    const BASE: usize = 1;
    let mut side = |name: &str, wait_while: i64, delta: i64, said: &str, pause: bool| -> Vec<Op> {
        let src = &mut parts.src;
        src.blank();
        src.blank();
        src.line(0, &format!("def {name}():"));
        src.line(1, "global count");
        let for_line = src.line(1, "for _ in range(ITEMS):");
        let with = src.line(2, "with cond:");
        let test =
            if wait_while == 0 { src.line(3, "while count == 0:") } else { src.line(3, "while count == CAPACITY:") };
        let wait = src.line(4, "cond.wait()");
        let change = src.line(3, if delta > 0 { "count += 1" } else { "count -= 1" });
        let say = src.line(3, &format!("print(f\"{said} ({{count}} in the buffer)\")"));
        let notify = src.line(3, "cond.notify_all()");
        let sleep = pause.then(|| src.line(2, "time.sleep(0.01)  # the consumer is slower"));
        let mut ops = vec![
            with.op(OpKind::Acquire { object: cond, wait: Wait::Forever, result: None }),
            // `while`: test, and past the wait when there is no need to wait
            test.op(OpKind::Load { object: count, reg: R0 }),
            test.op(OpKind::JumpIf { cond: Cond::Ne(R0, wait_while), to: BASE + 5 }),
            wait.op(OpKind::CondWait { object: cond, wait: Wait::Forever }),
            test.op(OpKind::Jump { to: BASE + 1 }),
        ];
        // `count += 1` and the print each read the global again, as Python does.
        ops.push(change.op(OpKind::Load { object: count, reg: R0 }));
        ops.push(change.op(OpKind::Add { reg: R0, value: delta }));
        ops.push(change.op(OpKind::Store { object: count, reg: R0 }));
        ops.push(say.op(OpKind::Load { object: count, reg: R0 }));
        ops.push(say.op(OpKind::Print {
            text: vec![TextPart::Lit(format!("{said} (")), TextPart::Reg(R0), TextPart::Lit(" in the buffer)".into())],
        }));
        ops.push(notify.op(OpKind::CondNotify { object: cond, all: true }));
        ops.push(with.op(OpKind::Release { object: cond }));
        if let Some(line) = sleep {
            ops.push(line.op(OpKind::Sleep { micros: 10_000 }));
        }
        ops.push(for_line.op(OpKind::Loop { to: BASE, times: items as u64 }));
        ops
    };
    let producer = side("producer", capacity, 1, "put an item", false);
    let consumer = side("consumer", 0, -1, "got an item", true);
    parts.src.blank();
    parts.src.blank();
    parts.src.line(0, "def work():  # T0 produces, T1 consumes");
    let dispatch = parts.src.line(1, "producer() if threading.current_thread().name == \"T0\" else consumer()");
    for (name, ops) in [("T0", producer), ("T1", consumer)] {
        let mut all = vec![dispatch.op(OpKind::Call)];
        all.extend(ops);
        parts.worker(name.into(), all);
    }
    if mistake {
        let wait = OpKind::CondWait { object: cond, wait: Wait::Timeout(100_000) };
        parts.after.push(("cond.wait(0.1)  # without holding cond's lock: RuntimeError".into(), vec![wait]));
    }
    "work"
}

fn event(parts: &mut Parts, threads: u16, mistake: bool) -> &'static str {
    parts.src.line(0, "ready = threading.Event()");
    let ready = parts.object("ready", ObjectKind::Event);
    parts.src.blank();
    parts.src.blank();
    parts.src.line(0, "def waiter():");
    let waits = parts.src.line(1, "print(f\"{threading.current_thread().name} waits\")");
    let wait = parts.src.line(1, "ready.wait()");
    let goes = parts.src.line(1, "print(f\"{threading.current_thread().name} goes\")");
    let ops = vec![
        waits.op(print(" waits")),
        wait.op(OpKind::EventWait { object: ready, wait: Wait::Forever, result: None }),
        goes.op(print(" goes")),
    ];
    for i in 0..threads {
        parts.worker(format!("T{i}"), ops.clone());
    }
    // Between the starts and the joins, the main thread sets the event (or forgets to).
    parts.between.push(("time.sleep(0.1)".into(), vec![OpKind::Sleep { micros: 100_000 }]));
    let say = OpKind::Print { text: vec![TextPart::Lit("main sets the event".into())] };
    parts.between.push(("print(\"main sets the event\")".into(), vec![say]));
    if mistake {
        parts.between.push(("# ready.set()  (forgotten: the waiters wait for ever)".into(), vec![]));
    } else {
        parts.between.push(("ready.set()".into(), vec![OpKind::EventSet { object: ready }]));
    }
    "waiter"
}

fn barrier(parts: &mut Parts, parties: u16, mistake: bool) -> &'static str {
    parts.src.line(0, &format!("barrier = threading.Barrier({parties})"));
    let barrier = parts.object("barrier", ObjectKind::Barrier { parties: u32::from(parties) });
    parts.src.blank();
    parts.src.blank();
    parts.src.line(0, "def runner():");
    parts.src.line(1, "i = int(threading.current_thread().name[1:])");
    let sleep = parts.src.line(1, "time.sleep(0.05 * (i + 1))  # they arrive one by one");
    let arrives = parts.src.line(1, "print(f\"T{i} arrives\")");
    let wait = parts.src.line(1, "barrier.wait()");
    let leaves = parts.src.line(1, "print(f\"T{i} leaves\")");
    for i in 0..parties {
        // `i` is known before the run (the thread's name is): its line takes no operation.
        let said = |what: &str| OpKind::Print { text: vec![TextPart::Lit(format!("T{i} {what}"))] };
        let ops = vec![
            sleep.op(OpKind::Sleep { micros: 50_000 * (u64::from(i) + 1) }),
            arrives.op(said("arrives")),
            wait.op(OpKind::BarrierWait { object: barrier, result: None }),
            leaves.op(said("leaves")),
        ];
        parts.worker(format!("T{i}"), ops);
    }
    if mistake {
        parts.between.push(("time.sleep(0.075)".into(), vec![OpKind::Sleep { micros: 75_000 }]));
        let abort = "barrier.abort()  # before everyone arrived: BrokenBarrierError";
        parts.between.push((abort.into(), vec![OpKind::BarrierAbort { object: barrier }]));
    }
    "runner"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    const PRIMITIVES: [&str; 5] = ["rlock", "semaphore", "condition", "event", "barrier"];

    #[test]
    fn the_form_shows_each_primitive_its_own_knobs() {
        let knobs = |primitive: &str| crate::lessons::parts::testing::built(&LESSON, &[("primitive", primitive)]).0;
        let shows = INFO.shows;
        assert!(shows(&knobs("semaphore"), "permits") && !shows(&knobs("semaphore"), "parties"));
        assert!(shows(&knobs("barrier"), "parties") && !shows(&knobs("barrier"), "threads"));
        assert!(shows(&knobs("rlock"), "lock") && !shows(&knobs("event"), "lock"));
        assert!(PRIMITIVES.iter().all(|p| shows(&knobs(p), "mistake")));
    }

    #[test]
    fn a_barrier_of_one_says_its_party_passed_alone_even_with_the_mistake() {
        use crate::lessons::parts::testing::first_seed;
        for mistake in ["no", "yes"] {
            let pairs = [("primitive", "barrier"), ("parties", "1"), ("mistake", mistake)];
            let (_, knobs, trace) = first_seed(&LESSON, &pairs, 1, |_, _| true).unwrap();
            let said = (LESSON.findings)(&knobs, &trace, Lang::En).headline;
            assert_eq!(said, "The one party passed as it arrived: a `Barrier(1)` waits for no one.", "{mistake}");
        }
    }

    #[test]
    fn every_primitive_with_and_without_its_mistake_builds_a_valid_program() {
        for primitive in PRIMITIVES {
            for mistake in ["no", "yes"] {
                let b = built(&[("primitive", primitive), ("mistake", mistake)]);
                b.program.validate().unwrap_or_else(|e| panic!("{primitive} {mistake}: {e}"));
                // The main thread's own lines come after the lines that start the threads.
                let start = b.program.actors[0].ops[0].line;
                assert!(b.program.actors[0].ops.iter().all(|o| o.line >= start), "{primitive} {mistake}");
            }
        }
    }

    #[test]
    fn the_generated_python_runs_in_cpython_and_raises_what_the_lesson_says() {
        for primitive in PRIMITIVES {
            for mistake in ["no", "yes"] {
                if primitive == "event" && mistake == "yes" {
                    continue; // it waits for ever, by design
                }
                let b = built(&[("primitive", primitive), ("mistake", mistake)]);
                let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                    Some(out) => out,
                    None => return,
                };
                let stderr = String::from_utf8_lossy(&out.stderr);
                let raised = stderr.contains("Error");
                assert_eq!(raised, mistake == "yes", "{primitive} {mistake}: {stderr}");
            }
        }
    }
}
