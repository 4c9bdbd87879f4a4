//! `threading.Condition` on both engines: a waiter lets go of the lock while it waits and
//! has it back (at every level) when `wait` returns; only the lock's holder may wait or
//! notify.

use interleave::engine::program::*;
use interleave::engine::trace::{Outcome, SpanKind, WaitOn};

use super::{both_engines, error};
use crate::engine_tests::build::Build;

both_engines! {
    fn a_condition_hands_items_from_producer_to_consumer_in_order(engine) {
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
        let trace = engine.run(b.done());
        assert_eq!(trace.outcome, Outcome::Completed, "{:?}", trace.errors);
        assert_eq!(trace.console_text(), "got 42\n");
        let waited = trace.spans.iter().any(|s| s.actor == consumer && s.kind == SpanKind::Wait(WaitOn::Object(cond)));
        assert!(waited, "the consumer waited on the condition");
    }

    fn waiting_or_notifying_without_the_lock_raises_what_python_raises(engine) {
        for (op, message) in [
            (OpKind::CondWait { object: ObjectId(1), wait: Wait::Forever }, "cannot wait on un-acquired lock"),
            (OpKind::CondNotify { object: ObjectId(1), all: false }, "cannot notify on un-acquired lock"),
        ] {
            let mut b = Build::new();
            let lock = b.object("lock", ObjectKind::RLock);
            b.object("cond", ObjectKind::Condition { lock });
            b.main(vec![op]);
            let trace = engine.run(b.done());
            assert_eq!(trace.errors.len(), 1, "{:?}", trace.errors);
            let raised = (trace.errors[0].exception.clone(), trace.errors[0].message.clone());
            assert_eq!(raised, error("RuntimeError", message));
        }
    }

    fn notify_all_wakes_every_waiter_and_each_gets_the_lock_back_at_every_level(engine) {
        // Three waiters each hold the RLock twice when they wait; once notified, each must
        // release it twice (a level short and the second release would raise).
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::RLock);
        let cond = b.object("cond", ObjectKind::Condition { lock });
        let go = b.object("go", ObjectKind::Var { initial: 0 });
        let waiters: Vec<ActorId> = (0..3)
            .map(|t| {
                let body = vec![
                    OpKind::Acquire { object: cond, wait: Wait::Forever, result: None },
                    OpKind::Acquire { object: cond, wait: Wait::Forever, result: None },
                    OpKind::Load { object: go, reg: Reg(0) },
                    OpKind::JumpIf { cond: Cond::Ne(Reg(0), 0), to: 6 },
                    OpKind::CondWait { object: cond, wait: Wait::Forever },
                    OpKind::JumpIf { cond: Cond::Eq(Reg(0), 0), to: 2 },
                    OpKind::Release { object: cond },
                    OpKind::Release { object: cond },
                    OpKind::Print { text: vec![TextPart::Lit("woke".into())] },
                ];
                b.actor(&format!("w{t}"), ProcessId(0), ActorRole::Thread, body)
            })
            .collect();
        let mut main: Vec<OpKind> = waiters.iter().map(|&actor| OpKind::Start { actor }).collect();
        main.extend([
            OpKind::Sleep { micros: 20_000 },
            OpKind::Acquire { object: cond, wait: Wait::Forever, result: None },
            OpKind::Set { reg: Reg(0), value: 1 },
            OpKind::Store { object: go, reg: Reg(0) },
            OpKind::CondNotify { object: cond, all: true },
            OpKind::Release { object: cond },
        ]);
        main.extend(waiters.iter().map(|&actor| OpKind::Join { actor, wait: Wait::Forever }));
        b.main(main);
        let trace = engine.run(b.done());
        assert_eq!(trace.outcome, Outcome::Completed);
        assert!(trace.errors.is_empty(), "{:?}", trace.errors);
        assert_eq!(trace.console_text(), "woke\nwoke\nwoke\n");
    }

    fn a_wait_whose_timeout_passes_returns_with_the_lock_held(engine) {
        // Nobody notifies: `cond.wait(0.001)` returns, and its caller may release the lock.
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::Lock);
        let cond = b.object("cond", ObjectKind::Condition { lock });
        b.main(vec![
            OpKind::Acquire { object: cond, wait: Wait::Forever, result: None },
            OpKind::CondWait { object: cond, wait: Wait::Timeout(1_000) },
            OpKind::Release { object: cond },
            OpKind::Print { text: vec![TextPart::Lit("back".into())] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!((trace.console_text().as_str(), trace.errors.len()), ("back\n", 0));
    }
}
