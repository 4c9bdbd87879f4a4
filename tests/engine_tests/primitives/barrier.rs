//! `threading.Barrier` on both engines: everyone goes on together once the last party
//! arrives, each with its own index, and a broken barrier raises for all.

use interleave::engine::program::*;
use interleave::engine::trace::{MarkKind, SpanKind, WaitOn};

use super::{both_engines, error};
use crate::engine_tests::build::Build;
use crate::engine_tests::programs::barrier_of_three;

both_engines! {
    fn a_barrier_releases_all_parties_together(engine) {
        let (program, barrier) = barrier_of_three();
        let trace = engine.on(4, 1).run(program);
        let waits: Vec<u64> = trace
            .spans
            .iter()
            .filter(|s| matches!(s.kind, SpanKind::Wait(WaitOn::Object(o)) if o == barrier))
            .map(|s| s.end)
            .collect();
        assert_eq!(waits.len(), 2, "the last to arrive does not wait");
        let exits: Vec<u64> =
            trace.marks.iter().filter(|m| m.kind == MarkKind::Exited && m.actor.0 > 0).map(|m| m.at).collect();
        assert_eq!(exits.len(), 3);
        let (first, last) = (exits.iter().min().unwrap(), exits.iter().max().unwrap());
        assert!(*first >= 30_000_000, "nobody left before the last arrived: {exits:?}");
        // Together: in the simulator within 0.1 ms; on real threads, woken by one futex
        // wake, within 20 ms however busy the machine (against 10 ms between arrivals).
        let together = if engine.is_live() { 20_000_000 } else { 100_000 };
        assert!(last - first < together, "the parties left {} ns apart", last - first);
        // Each party's index is its place in arriving: 0, 1 and 2, once each.
        let mut indices: Vec<&str> = trace.console.iter().map(|w| w.text.as_str()).collect();
        indices.sort();
        assert_eq!(indices, ["0\n", "1\n", "2\n"]);
    }

    fn waiting_at_a_broken_barrier_raises_what_python_raises(engine) {
        let raised = engine.the_error(
            ObjectKind::Barrier { parties: 2 },
            vec![
                OpKind::BarrierAbort { object: ObjectId(0) },
                OpKind::BarrierWait { object: ObjectId(0), result: None },
            ],
        );
        assert_eq!(raised, error("threading.BrokenBarrierError", ""));
    }

    fn an_abort_breaks_the_barrier_for_the_parties_waiting_there(engine) {
        // Two of three parties wait; the main thread aborts. Whether they had arrived yet or
        // arrive after, both raise.
        let mut b = Build::new();
        let barrier = b.object("barrier", ObjectKind::Barrier { parties: 3 });
        let parties: Vec<ActorId> = (0..2)
            .map(|t| {
                let body = vec![OpKind::BarrierWait { object: barrier, result: None }];
                b.actor(&format!("t{t}"), ProcessId(0), ActorRole::Thread, body)
            })
            .collect();
        let mut main: Vec<OpKind> = parties.iter().map(|&actor| OpKind::Start { actor }).collect();
        main.push(OpKind::Sleep { micros: 20_000 });
        main.push(OpKind::BarrierAbort { object: barrier });
        main.extend(parties.iter().map(|&actor| OpKind::Join { actor, wait: Wait::Forever }));
        b.main(main);
        let trace = engine.run(b.done());
        let raised: Vec<&str> = trace.errors.iter().map(|e| e.exception.as_str()).collect();
        assert_eq!(raised, ["threading.BrokenBarrierError"; 2]);
    }
}
