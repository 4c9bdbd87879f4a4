//! `threading.Event` on both engines: `set()` lets every waiter go, `wait(timeout)`
//! returns the flag, and a wait nobody will end leaves the run stuck, said on what.

use std::time::{Duration, Instant};

use interleave::engine::program::*;
use interleave::engine::trace::{Outcome, WaitOn};

use super::both_engines;
use crate::engine_tests::build::Build;

both_engines! {
    fn an_event_wakes_every_waiter(engine) {
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
        let trace = engine.run(b.done());
        assert_eq!(trace.console_text(), "1\n1\n1\n1\n");
    }

    fn wait_returns_the_flag_at_once_or_false_when_its_timeout_passes(engine) {
        let mut b = Build::new();
        let event = b.object("go", ObjectKind::Event);
        let wait = |wait, reg| OpKind::EventWait { object: event, wait, result: Some(Reg(reg)) };
        b.main(vec![
            wait(Wait::NoWait, 0),
            wait(Wait::Timeout(1_000), 1),
            OpKind::EventSet { object: event },
            wait(Wait::Forever, 2),
            OpKind::EventClear { object: event },
            wait(Wait::NoWait, 3),
            OpKind::Print { text: (0..4).map(|r| TextPart::Reg(Reg(r))).collect() },
        ]);
        assert_eq!(engine.run(b.done()).console_text(), "0010\n");
    }

    fn an_event_nobody_sets_leaves_its_waiter_stuck_and_says_on_what(engine) {
        let mut b = Build::new();
        let event = b.object("ready", ObjectKind::Event);
        b.main(vec![OpKind::EventWait { object: event, wait: Wait::Forever, result: None }]);
        let started = Instant::now();
        let trace = engine.on(1, 1).run(b.done());
        assert_eq!(trace.outcome, Outcome::Stuck { waiting: vec![(ActorId(0), WaitOn::Object(event))] });
        // The live watchdog calls it stuck after a second of the same waits; room to spare.
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        // With a timeout, the wait simply ends.
        let mut b = Build::new();
        let event = b.object("ready", ObjectKind::Event);
        b.main(vec![OpKind::EventWait { object: event, wait: Wait::Timeout(1_000), result: None }]);
        assert_eq!(engine.on(1, 1).run(b.done()).outcome, Outcome::Completed);
    }
}
