//! Programs that both the native tests (`primitives`) and the browser tests (the live
//! engine in a worker, `tests/live_worker.rs`) run: plain Program values, the same on every
//! target.

use interleave::engine::program::*;

use super::build::Build;

/// Philosophers who each take the left fork, pause, then take the right; ten meals each.
/// With a pause long enough for all to hold their left fork, they deadlock.
pub fn naive_philosophers(n: u16, pause_micros: u64) -> Program {
    let mut b = Build::new();
    let forks: Vec<ObjectId> = (0..n).map(|i| b.object(&format!("forks[{i}]"), ObjectKind::Lock)).collect();
    let philosophers: Vec<ActorId> = (0..n)
        .map(|i| {
            let (left, right) = (forks[i as usize], forks[((i + 1) % n) as usize]);
            let body = vec![
                OpKind::Acquire { object: left, wait: Wait::Forever, result: None },
                OpKind::Sleep { micros: pause_micros },
                OpKind::Acquire { object: right, wait: Wait::Forever, result: None },
                OpKind::Sleep { micros: 1_000 },
                OpKind::Release { object: right },
                OpKind::Release { object: left },
                OpKind::Loop { to: 0, times: 10 },
            ];
            b.actor(&format!("Philosopher-{i}"), ProcessId(0), ActorRole::Thread, body)
        })
        .collect();
    b.main_starting(&philosophers, vec![]);
    b.done()
}

/// Six threads each holding a `Semaphore(2)` (bounded) for 10 ms.
pub fn semaphore_of_two() -> Program {
    let mut b = Build::new();
    let sem = b.object("sem", ObjectKind::Semaphore { permits: 2, bounded: true });
    let workers: Vec<ActorId> = (0..6)
        .map(|t| {
            let body = vec![
                OpKind::Acquire { object: sem, wait: Wait::Forever, result: None },
                OpKind::Sleep { micros: 10_000 },
                OpKind::Release { object: sem },
            ];
            b.actor(&format!("t{t}"), ProcessId(0), ActorRole::Thread, body)
        })
        .collect();
    b.main_starting(&workers, vec![]);
    b.done()
}

/// Lock and hold spans: the most that began while another was still going, plus one.
pub fn most_holders_at_once(holds: &[(u64, u64)]) -> usize {
    holds.iter().map(|&(start, _)| holds.iter().filter(|&&(s, e)| s <= start && start < e).count()).max().unwrap_or(0)
}

/// Three threads arriving at a `Barrier(3)` after 10, 20 and 30 ms; each prints its index.
pub fn barrier_of_three() -> (Program, ObjectId) {
    let mut b = Build::new();
    let barrier = b.object("barrier", ObjectKind::Barrier { parties: 3 });
    let workers: Vec<ActorId> = (0..3u64)
        .map(|t| {
            let body = vec![
                OpKind::Sleep { micros: 10_000 * (t + 1) },
                OpKind::BarrierWait { object: barrier, result: Some(Reg(0)) },
                OpKind::Print { text: vec![TextPart::Reg(Reg(0))] },
            ];
            b.actor(&format!("t{t}"), ProcessId(0), ActorRole::Thread, body)
        })
        .collect();
    b.main_starting(&workers, vec![]);
    (b.done(), barrier)
}

/// A producer puts 1 and 2 on a `Queue(maxsize=1)`; a consumer sleeps 50 ms, then gets
/// both and prints them. Returns the program and the producer.
pub fn queue_of_one() -> (Program, ActorId) {
    let mut b = Build::new();
    let q = b.object("q", ObjectKind::Queue { maxsize: 1 });
    let producer = b.actor(
        "producer",
        ProcessId(0),
        ActorRole::Thread,
        vec![
            OpKind::Put { object: q, value: Operand::Const(1), wait: Wait::Forever },
            OpKind::Put { object: q, value: Operand::Const(2), wait: Wait::Forever },
        ],
    );
    let consumer = b.actor(
        "consumer",
        ProcessId(0),
        ActorRole::Thread,
        vec![
            OpKind::Sleep { micros: 50_000 },
            OpKind::Get { object: q, reg: Reg(0), wait: Wait::Forever },
            OpKind::Get { object: q, reg: Reg(1), wait: Wait::Forever },
            OpKind::Print { text: vec![TextPart::Reg(Reg(0)), TextPart::Lit(" ".into()), TextPart::Reg(Reg(1))] },
        ],
    );
    b.main_starting(&[producer, consumer], vec![]);
    (b.done(), producer)
}

/// A sender process sends 1, 2, 3 through a pipe and closes its end; the receiver (the
/// main thread) receives until `EOFError`, printing each.
pub fn pipe_of_three() -> Program {
    let mut b = Build::new();
    let pipe = b.object("pipe", ObjectKind::Pipe { duplex: true });
    let p = b.process("Process-1", StartMethod::Fork, false);
    let sender = b.actor(
        "Process-1",
        p,
        ActorRole::ProcessMain,
        vec![
            OpKind::Send { object: pipe, end: 1, value: Operand::Const(1) },
            OpKind::Send { object: pipe, end: 1, value: Operand::Const(2) },
            OpKind::Sleep { micros: 5_000 },
            OpKind::Send { object: pipe, end: 1, value: Operand::Const(3) },
            OpKind::Close { object: pipe, end: 1 },
        ],
    );
    b.main(vec![
        OpKind::Start { actor: sender },
        // The parent's own copy of the sending end: without this close the receiver would
        // wait for ever once the child is done, as in CPython.
        OpKind::Close { object: pipe, end: 1 },
        OpKind::Recv { object: pipe, end: 0, reg: Reg(0) },
        OpKind::Print { text: vec![TextPart::Reg(Reg(0))] },
        OpKind::Jump { to: 2 },
    ]);
    b.done()
}

/// `processes` processes each do `v.value += 1` `increments` times on a shared `Value`,
/// inside `with v.get_lock():` or not. Returns the program and the Value.
pub fn shared_value(processes: u16, increments: u64, get_lock: bool) -> (Program, ObjectId) {
    let mut b = Build::new();
    let lock = b.object("v.get_lock()", ObjectKind::RLock);
    let value = b.object("v", ObjectKind::SharedValue { initial: 0, lock });
    let mut body = Vec::new();
    if get_lock {
        body.push(OpKind::Acquire { object: lock, wait: Wait::Forever, result: None });
    }
    body.extend([
        OpKind::Load { object: value, reg: Reg(0) },
        OpKind::Call,
        OpKind::Add { reg: Reg(0), value: 1 },
        OpKind::Store { object: value, reg: Reg(0) },
    ]);
    if get_lock {
        body.push(OpKind::Release { object: lock });
    }
    body.push(OpKind::Loop { to: 0, times: increments });
    let workers: Vec<ActorId> = (0..processes)
        .map(|i| {
            let name = format!("Process-{}", i + 1);
            let p = b.process(&name, StartMethod::Fork, false);
            b.actor(&name, p, ActorRole::ProcessMain, body.clone())
        })
        .collect();
    b.main_starting(&workers, vec![]);
    (b.done(), value)
}

/// A forked child sets the global `counter` to 50; the parent joins it and prints its own
/// `counter`. Returns the program and the counter.
pub fn global_in_child() -> (Program, ObjectId) {
    let mut b = Build::new();
    let counter = b.object("counter", ObjectKind::Var { initial: 0 });
    let child = b.process("Process-1", StartMethod::Fork, false);
    let worker = b.actor(
        "Process-1",
        child,
        ActorRole::ProcessMain,
        vec![OpKind::Set { reg: Reg(0), value: 50 }, OpKind::Store { object: counter, reg: Reg(0) }],
    );
    b.main_starting(
        &[worker],
        vec![OpKind::Load { object: counter, reg: Reg(0) }, OpKind::Print { text: vec![TextPart::Reg(Reg(0))] }],
    );
    (b.done(), counter)
}

/// The main thread starts a daemon thread (or a daemon process) that would sleep 10 s, and
/// ends after 1 ms. Returns the program and the daemon's actor.
pub fn short_lived_parent_of_a_daemon(daemon_process: bool) -> (Program, ActorId) {
    let mut b = Build::new();
    let child = if daemon_process {
        let p = b.process("Process-1", StartMethod::Fork, true);
        b.actor("Process-1", p, ActorRole::ProcessMain, vec![OpKind::Sleep { micros: 10_000_000 }])
    } else {
        let t = b.actor("daemon", ProcessId(0), ActorRole::Thread, vec![OpKind::Sleep { micros: 10_000_000 }]);
        b.program.actors[t.0 as usize].daemon = true;
        t
    };
    b.main(vec![OpKind::Start { actor: child }, OpKind::Sleep { micros: 1_000 }]);
    (b.done(), child)
}
