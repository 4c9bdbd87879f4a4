//! `multiprocessing.Value` on both engines: exact with `get_lock()` around each update,
//! losing updates without it (each read and write is its own locked step), and a plain
//! Lock its holder takes again for an access is a deadlock, as in CPython.

use interleave::engine::program::*;
use interleave::engine::trace::Outcome;

use super::both_engines;
use crate::engine_tests::build::Build;
use crate::engine_tests::programs::shared_value;

both_engines! {
    fn a_shared_value_is_exact_with_its_lock_and_loses_updates_without(engine) {
        // Sizes per engine: the simulator steps every locked access, real threads need long
        // runs for the processes to overlap on the cores.
        let (exact, lossy) = if engine.is_live() { (2_000, 100_000) } else { (50, 5_000) };
        let (program, value) = shared_value(9, exact, true);
        let trace = engine.run(program);
        assert_eq!(trace.outcome, Outcome::Completed);
        assert_eq!(trace.final_value(value), Some(9 * exact as i64));
        // Without get_lock(), a read and the write after it are two locked steps: processes on
        // other cores slip in between. (CPython 3.11 on two cores, 9 x 5000: 12 000 to 21 000
        // of 45 000 arrive.)
        let (program, value) = shared_value(9, lossy, false);
        let counted = engine.run(program).final_value(value).unwrap();
        assert!(counted < 9 * lossy as i64, "no update lost: {counted}");
        assert!(counted >= lossy as i64, "at least one process's worth arrives: {counted}");
    }

    fn an_access_by_the_holder_of_its_plain_lock_waits_for_itself(engine) {
        // `v = Value('i', 0, lock=Lock())`; `with v.get_lock(): v.value += 1` never returns.
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::Lock);
        let value = b.object("v", ObjectKind::SharedValue { initial: 0, lock });
        b.main(vec![
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Load { object: value, reg: Reg(0) },
        ]);
        let trace = engine.run(b.done());
        let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{:?}", trace.outcome) };
        assert_eq!((cycle.len(), cycle[0].waiter, cycle[0].holder), (1, ActorId(0), ActorId(0)));
    }
}
