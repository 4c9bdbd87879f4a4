//! `queue.Queue` and `multiprocessing.Queue` on both engines: first in, first out; a
//! bounded queue makes `put` wait while it is full; non-blocking and timed calls raise
//! `queue.Full` and `_queue.Empty`.

use interleave::engine::program::*;
use interleave::engine::trace::{MarkKind, SpanKind, WaitOn};

use super::{both_engines, error};
use crate::engine_tests::build::Build;
use crate::engine_tests::programs::queue_of_one;

both_engines! {
    fn a_queue_of_size_one_blocks_the_second_put_until_a_get(engine) {
        let (program, producer) = queue_of_one();
        let trace = engine.run(program);
        let blocked = trace
            .spans
            .iter()
            .find(|s| s.actor == producer && matches!(s.kind, SpanKind::Wait(WaitOn::Object(_))))
            .expect("the second put waited");
        // It waited for the consumer's get, 50 ms after the start (the simulator: at least
        // 45 ms of it; on real threads at least 40 ms, as threads start at their own pace).
        let waited = if engine.is_live() { 40_000_000 } else { 45_000_000 };
        assert!(blocked.end - blocked.start >= waited, "it waited for the get: {blocked:?}");
        assert_eq!(trace.console_text(), "1 2\n", "first in, first out");
        // Each item is drawn from its put to its get, the one whose put had to wait too.
        let sent = trace.marks.iter().filter(|m| matches!(m.kind, MarkKind::Sent { .. })).count();
        let received = trace.marks.iter().filter(|m| matches!(m.kind, MarkKind::Received { .. })).count();
        assert_eq!((sent, received), (2, 2));
    }

    fn getting_from_an_empty_queue_without_blocking_raises_what_python_raises(engine) {
        let raised = engine.the_error(
            ObjectKind::Queue { maxsize: 0 },
            vec![OpKind::Get { object: ObjectId(0), reg: Reg(0), wait: Wait::NoWait }],
        );
        assert_eq!(raised, error("_queue.Empty", ""));
        let timed = engine.the_error(
            ObjectKind::Queue { maxsize: 0 },
            vec![OpKind::Get { object: ObjectId(0), reg: Reg(0), wait: Wait::Timeout(1_000) }],
        );
        assert_eq!(timed, error("_queue.Empty", ""));
    }

    fn putting_on_a_full_queue_raises_what_python_raises_once_its_timeout_passes(engine) {
        let raised = engine.the_error(
            ObjectKind::Queue { maxsize: 1 },
            vec![
                OpKind::Put { object: ObjectId(0), value: Operand::Const(1), wait: Wait::NoWait },
                OpKind::Put { object: ObjectId(0), value: Operand::Const(2), wait: Wait::Timeout(1_000) },
            ],
        );
        assert_eq!(raised, error("queue.Full", ""));
    }

    fn empty_and_full_say_what_the_queue_holds(engine) {
        // q = Queue(maxsize=2): empty() at first; full() after two puts; neither after a get.
        let mut b = Build::new();
        let q = b.object("q", ObjectKind::Queue { maxsize: 2 });
        let put = |v| OpKind::Put { object: q, value: Operand::Const(v), wait: Wait::Forever };
        b.main(vec![
            OpKind::QueueEmpty { object: q, reg: Reg(0) },
            OpKind::QueueFull { object: q, reg: Reg(1) },
            put(7),
            put(8),
            OpKind::QueueEmpty { object: q, reg: Reg(2) },
            OpKind::QueueFull { object: q, reg: Reg(3) },
            OpKind::Get { object: q, reg: Reg(6), wait: Wait::Forever },
            OpKind::QueueFull { object: q, reg: Reg(4) },
            OpKind::Print { text: (0..5).map(|r| TextPart::Reg(Reg(r))).chain([TextPart::Reg(Reg(6))]).collect() },
        ]);
        assert_eq!(engine.run(b.done()).console_text(), "100107\n");
    }
}
