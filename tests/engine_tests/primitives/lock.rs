//! `threading.Lock` on both engines: one holder at a time, any thread may release it, a
//! holder that takes it again waits for itself, and a ring of philosophers deadlocks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::{run, Spawner, POOL_THREADS};
use interleave::engine::program::*;
use interleave::engine::settings::RunSettings;
use interleave::engine::trace::{Outcome, WaitOn};

use super::{both_engines, error};
use crate::engine_tests::build::Build;
use crate::engine_tests::programs::naive_philosophers;

both_engines! {
    fn the_naive_philosophers_deadlock_and_the_cycle_is_reported(engine) {
        let started = Instant::now();
        let trace = engine.run(naive_philosophers(5, 1_000));
        let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("no deadlock: {:?}", trace.outcome) };
        assert_eq!(cycle.len(), 5, "{cycle:?}");
        for (i, edge) in cycle.iter().enumerate() {
            assert_eq!(edge.holder, cycle[(i + 1) % cycle.len()].waiter, "the cycle closes: {cycle:?}");
            assert!(matches!(edge.on, WaitOn::Object(_)));
        }
        // Found and freed well before the 60 s deadline (the live watchdog confirms a cycle
        // at two looks in a row; seconds of room for a busy machine).
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }

    fn a_lock_taken_twice_by_its_holder_is_a_deadlock_of_one(engine) {
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::Lock);
        b.main(vec![
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Release { object: lock },
            OpKind::Release { object: lock },
        ]);
        let trace = engine.run(b.done());
        let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{:?}", trace.outcome) };
        assert_eq!((cycle.len(), cycle[0].waiter, cycle[0].holder), (1, ActorId(0), ActorId(0)));
    }

    fn threads_that_merely_contend_are_never_called_deadlocked(engine) {
        // Heavy contention on two locks taken in the same order: waits galore, never a cycle.
        let mut b = Build::new();
        let (first, second) = (b.object("a", ObjectKind::Lock), b.object("b", ObjectKind::Lock));
        let workers: Vec<ActorId> = (0..6)
            .map(|t| {
                let body = vec![
                    OpKind::Acquire { object: first, wait: Wait::Forever, result: None },
                    OpKind::Acquire { object: second, wait: Wait::Forever, result: None },
                    OpKind::Release { object: second },
                    OpKind::Release { object: first },
                    OpKind::Loop { to: 0, times: 20_000 },
                ];
                b.actor(&format!("t{t}"), ProcessId(0), ActorRole::Thread, body)
            })
            .collect();
        b.main_starting(&workers, vec![]);
        let trace = engine.run_with(b.done(), RunSettings { gil: false, ..RunSettings::default() });
        assert_eq!(trace.outcome, Outcome::Completed);
        let blocked: u64 = trace.metrics.iter().map(|m| m.blocked).sum();
        assert!(blocked > 0, "the threads really contended");
    }

    fn releasing_a_free_lock_raises_what_python_raises(engine) {
        let raised = engine.the_error(ObjectKind::Lock, vec![OpKind::Release { object: ObjectId(0) }]);
        assert_eq!(raised, error("RuntimeError", "release unlocked lock"));
    }

    fn a_held_lock_is_not_granted_without_blocking_or_within_a_timeout(engine) {
        // `lock.acquire(blocking=False)` and `lock.acquire(timeout=0.001)` return False while
        // the main thread holds it (it releases only after joining the trier).
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::Lock);
        let trier = b.actor(
            "trier",
            ProcessId(0),
            ActorRole::Thread,
            vec![
                OpKind::Acquire { object: lock, wait: Wait::NoWait, result: Some(Reg(0)) },
                OpKind::Acquire { object: lock, wait: Wait::Timeout(1_000), result: Some(Reg(1)) },
                OpKind::Print { text: vec![TextPart::Reg(Reg(0)), TextPart::Lit(" ".into()), TextPart::Reg(Reg(1))] },
            ],
        );
        b.main(vec![
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Start { actor: trier },
            OpKind::Join { actor: trier, wait: Wait::Forever },
            OpKind::Release { object: lock },
            OpKind::Acquire { object: lock, wait: Wait::NoWait, result: Some(Reg(0)) },
            OpKind::Print { text: vec![TextPart::Reg(Reg(0))] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!(trace.console_text(), "0 0\n1\n");
        assert!(trace.errors.is_empty(), "{:?}", trace.errors);
    }

    fn any_thread_may_release_a_lock(engine) {
        // The main thread takes it; a helper releases it; the main thread takes it again.
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::Lock);
        let helper = b.actor("helper", ProcessId(0), ActorRole::Thread, vec![OpKind::Release { object: lock }]);
        b.main(vec![
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Start { actor: helper },
            OpKind::Join { actor: helper, wait: Wait::Forever },
            OpKind::Acquire { object: lock, wait: Wait::NoWait, result: Some(Reg(0)) },
            OpKind::Print { text: vec![TextPart::Reg(Reg(0))] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!((trace.console_text().as_str(), trace.errors.len()), ("1\n", 0));
    }
}

#[test]
fn after_a_deadlock_on_real_threads_everyone_is_freed_and_the_pool_runs_the_next_program() {
    let pool: Arc<dyn Spawner> = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap());
    let start = |program| {
        run::start(program, RunSettings::default(), pool.clone(), Arc::new(HostClock), Arc::new(Control::new()))
            .unwrap()
            .wait()
    };
    let trace = start(naive_philosophers(5, 1_000));
    assert!(matches!(trace.outcome, Outcome::Deadlock { .. }), "{:?}", trace.outcome);
    // The same pool runs the next program to its end.
    let mut b = Build::new();
    b.main(vec![OpKind::Sleep { micros: 1_000 }]);
    assert_eq!(start(b.done()).outcome, Outcome::Completed);
}
