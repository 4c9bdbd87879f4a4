//! Python's synchronisation primitives on real threads: each claim is checked on a live
//! run and fails if the semantics are broken.

use interleave::engine::program::*;
use interleave::engine::settings::RunSettings;
use interleave::engine::trace::{MarkKind, Outcome, SpanKind, Trace, WaitOn};

use super::build::{
    barrier_of_three, error_case_program, most_holders_at_once, run_live, semaphore_of_two, thread_error_cases, Build,
};

fn live(program: Program) -> Trace {
    run_live(program, RunSettings::default())
}

#[test]
fn a_semaphore_of_two_never_has_three_holders() {
    let trace = live(semaphore_of_two());
    assert_eq!(trace.outcome, Outcome::Completed);
    let holds: Vec<(u64, u64)> =
        trace.spans.iter().filter(|s| matches!(s.kind, SpanKind::Hold(_))).map(|s| (s.start, s.end)).collect();
    assert_eq!(holds.len(), 6);
    assert!(most_holders_at_once(&holds) <= 2, "{holds:?}");
    // Six 10 ms holds, two at a time: at least 30 ms.
    assert!(trace.wall >= 30_000_000, "{}", trace.wall);
}

#[test]
fn a_barrier_releases_all_parties_together() {
    let trace = live(barrier_of_three());
    let exits: Vec<u64> =
        trace.marks.iter().filter(|m| m.kind == MarkKind::Exited && m.actor.0 > 0).map(|m| m.at).collect();
    assert_eq!(exits.len(), 3);
    assert!(*exits.iter().min().unwrap() >= 30_000_000, "nobody left before the last arrived: {exits:?}");
    assert!(exits.iter().max().unwrap() - exits.iter().min().unwrap() < 20_000_000, "{exits:?}");
}

#[test]
fn an_rlock_is_reentrant_for_its_owner() {
    let mut b = Build::new();
    let lock = b.object("lock", ObjectKind::RLock);
    b.main(vec![
        OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
        OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
        OpKind::Release { object: lock },
        OpKind::Release { object: lock },
        OpKind::Print { text: vec![TextPart::Lit("done".into())] },
    ]);
    let trace = live(b.done());
    assert_eq!(trace.outcome, Outcome::Completed);
    assert_eq!(trace.console_text(), "done\n");
}

#[test]
fn a_condition_hands_items_from_producer_to_consumer_in_order() {
    // consumer: with cond: while not ready: cond.wait(); print(item)
    // producer: sleep; with cond: item = 42; ready = 1; cond.notify()
    let mut b = Build::new();
    let lock = b.object("lock", ObjectKind::Lock);
    let cond = b.object("cond", ObjectKind::Condition { lock });
    let ready = b.object("ready", ObjectKind::Var { initial: 0 });
    let consumer = b.actor(
        "consumer",
        ProcessId(0),
        ActorRole::Thread,
        vec![
            OpKind::Acquire { object: cond, wait: Wait::Forever, result: None },
            OpKind::Load { object: ready, reg: Reg(0) },
            OpKind::JumpIf { cond: Cond::Ne(Reg(0), 0), to: 4 },
            OpKind::CondWait { object: cond, wait: Wait::Forever },
            OpKind::JumpIf { cond: Cond::Eq(Reg(0), 0), to: 1 },
            OpKind::Print { text: vec![TextPart::Lit("got ".into()), TextPart::Reg(Reg(0))] },
            OpKind::Release { object: cond },
        ],
    );
    let producer = b.actor(
        "producer",
        ProcessId(0),
        ActorRole::Thread,
        vec![
            OpKind::Sleep { micros: 20_000 },
            OpKind::Acquire { object: cond, wait: Wait::Forever, result: None },
            OpKind::Set { reg: Reg(0), value: 42 },
            OpKind::Store { object: ready, reg: Reg(0) },
            OpKind::CondNotify { object: cond, all: false },
            OpKind::Release { object: cond },
        ],
    );
    b.main_starting(&[consumer, producer], vec![]);
    let trace = live(b.done());
    assert_eq!(trace.outcome, Outcome::Completed, "{:?}", trace.errors);
    assert_eq!(trace.console_text(), "got 42\n");
    let waited = trace.spans.iter().any(|s| s.actor == consumer && s.kind == SpanKind::Wait(WaitOn::Object(cond)));
    assert!(waited, "the consumer waited on the condition");
}

#[test]
fn an_event_wakes_every_waiter() {
    let mut b = Build::new();
    let event = b.object("go", ObjectKind::Event);
    let waiters: Vec<ActorId> = (0..4)
        .map(|t| {
            let body = vec![
                OpKind::EventWait { object: event, wait: Wait::Forever, result: Some(Reg(0)) },
                OpKind::Print { text: vec![TextPart::Reg(Reg(0))] },
            ];
            b.actor(&format!("w{t}"), ProcessId(0), ActorRole::Thread, body)
        })
        .collect();
    let mut ops: Vec<OpKind> = waiters.iter().map(|&actor| OpKind::Start { actor }).collect();
    ops.push(OpKind::Sleep { micros: 20_000 });
    ops.push(OpKind::EventSet { object: event });
    ops.extend(waiters.iter().map(|&actor| OpKind::Join { actor, wait: Wait::Forever }));
    b.main(ops);
    let trace = live(b.done());
    assert_eq!(trace.console_text(), "1\n1\n1\n1\n");
}

#[test]
fn python_errors_are_raised_on_real_threads_as_python_raises_them() {
    let cases = thread_error_cases();
    for (kind, ops, exception, message) in cases {
        let trace = live(error_case_program(kind, ops));
        assert_eq!(trace.errors.len(), 1, "{exception}");
        assert_eq!((trace.errors[0].exception.as_str(), trace.errors[0].message.as_str()), (exception, message));
    }
}
