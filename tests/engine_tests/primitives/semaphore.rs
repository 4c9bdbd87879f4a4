//! `threading.Semaphore` and `BoundedSemaphore` on both engines: never more holders than
//! permits, and only a bounded one refuses a release past its start.

use interleave::engine::program::*;
use interleave::engine::trace::{Outcome, SpanKind};

use super::{both_engines, error};
use crate::engine_tests::build::Build;
use crate::engine_tests::programs::{most_holders_at_once, semaphore_of_two};

both_engines! {
    fn a_semaphore_of_two_never_has_three_holders(engine) {
        let trace = engine.on(4, 2).run(semaphore_of_two());
        assert_eq!(trace.outcome, Outcome::Completed);
        let holds: Vec<(u64, u64)> =
            trace.spans.iter().filter(|s| matches!(s.kind, SpanKind::Hold(_))).map(|s| (s.start, s.end)).collect();
        assert_eq!(holds.len(), 6);
        assert!(most_holders_at_once(&holds) <= 2, "{holds:?}");
        // Six 10 ms holds, two at a time: at least 30 ms (the simulator: about 30 ms).
        assert!(trace.wall >= 30_000_000, "{}", trace.wall);
        if !engine.is_live() {
            assert!(trace.wall < 40_000_000, "{}", trace.wall);
        }
    }

    fn a_bounded_semaphore_released_past_its_start_raises_what_python_raises(engine) {
        let bounded = ObjectKind::Semaphore { permits: 1, bounded: true };
        let raised = engine.the_error(bounded, vec![OpKind::Release { object: ObjectId(0) }]);
        assert_eq!(raised, error("ValueError", "Semaphore released too many times"));
    }

    fn an_unbounded_semaphore_may_be_released_past_its_start(engine) {
        let mut b = Build::new();
        let sem = b.object("s", ObjectKind::Semaphore { permits: 1, bounded: false });
        b.main(vec![
            OpKind::Release { object: sem },
            // Two permits now.
            OpKind::Acquire { object: sem, wait: Wait::NoWait, result: Some(Reg(0)) },
            OpKind::Acquire { object: sem, wait: Wait::NoWait, result: Some(Reg(1)) },
            OpKind::Acquire { object: sem, wait: Wait::NoWait, result: Some(Reg(2)) },
            OpKind::Print {
                text: vec![TextPart::Reg(Reg(0)), TextPart::Reg(Reg(1)), TextPart::Reg(Reg(2))],
            },
        ]);
        let trace = engine.on(1, 1).run(b.done());
        assert!(trace.errors.is_empty(), "{:?}", trace.errors);
        assert_eq!(trace.console_text(), "110\n", "two permits, then none without blocking");
    }
}
