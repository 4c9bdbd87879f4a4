//! The live engine's watchdog: a deadlock on real threads is found, reported with its
//! cycle, and every thread is freed at once; the pool is ready for the next run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::{run, Spawner, POOL_THREADS};
use interleave::engine::program::*;
use interleave::engine::settings::RunSettings;
use interleave::engine::trace::{Outcome, WaitOn};

use super::build::{naive_philosophers, run_live, Build};

fn pool() -> Arc<dyn Spawner> {
    Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap())
}

#[test]
fn the_naive_philosophers_deadlock_on_real_threads_and_everyone_is_freed() {
    let pool = pool();
    let started = Instant::now();
    let trace = run::start(
        naive_philosophers(5, 1_000),
        RunSettings::default(),
        pool.clone(),
        Arc::new(HostClock),
        Arc::new(Control::new()),
    )
    .unwrap()
    .wait();
    let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{:?}", trace.outcome) };
    assert_eq!(cycle.len(), 5, "{cycle:?}");
    for (i, edge) in cycle.iter().enumerate() {
        assert_eq!(edge.holder, cycle[(i + 1) % 5].waiter);
        assert!(matches!(edge.on, WaitOn::Object(_)));
    }
    // Found and freed well before the 60 s deadline.
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // The same pool runs the next program to its end.
    let mut b = Build::new();
    b.main(vec![OpKind::Sleep { micros: 1_000 }]);
    let next = run::start(b.done(), RunSettings::default(), pool, Arc::new(HostClock), Arc::new(Control::new()))
        .unwrap()
        .wait();
    assert_eq!(next.outcome, Outcome::Completed);
}

#[test]
fn a_plain_lock_acquired_twice_by_its_owner_is_a_deadlock_of_one() {
    let mut b = Build::new();
    let lock = b.object("lock", ObjectKind::Lock);
    b.main(vec![
        OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
        OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
    ]);
    let trace = run_live(b.done(), RunSettings::default());
    let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{:?}", trace.outcome) };
    assert_eq!((cycle.len(), cycle[0].waiter, cycle[0].holder), (1, ActorId(0), ActorId(0)));
}

#[test]
fn threads_that_merely_contend_are_never_called_deadlocked() {
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
    let settings = RunSettings { gil: false, ..RunSettings::default() };
    let trace = run_live(b.done(), settings);
    assert_eq!(trace.outcome, Outcome::Completed);
    let blocked: u64 = trace.metrics.iter().map(|m| m.blocked).sum();
    assert!(blocked > 0, "the threads really contended");
}
