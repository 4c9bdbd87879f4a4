//! `multiprocessing.Pipe` on both engines: in order from one end to the other, `EOFError`
//! once the other end is closed and drained, and the errors of one-way pipes and closed
//! ends as Python raises them.

use interleave::engine::program::*;

use super::{both_engines, error};
use crate::engine_tests::build::Build;
use crate::engine_tests::programs::pipe_of_three;

fn send(end: u8) -> OpKind {
    OpKind::Send { object: ObjectId(0), end, value: Operand::Const(1) }
}

fn recv(end: u8) -> OpKind {
    OpKind::Recv { object: ObjectId(0), end, reg: Reg(0) }
}

fn close(end: u8) -> OpKind {
    OpKind::Close { object: ObjectId(0), end }
}

both_engines! {
    fn a_pipe_between_processes_delivers_in_order_then_eof(engine) {
        let trace = engine.run(pipe_of_three());
        assert_eq!(trace.console_text(), "1\n2\n3\n");
        assert_eq!(trace.errors.len(), 1);
        assert_eq!(trace.errors[0].exception, "EOFError");
    }

    fn a_copy_of_the_sending_end_the_parent_keeps_leaves_the_receiver_waiting(engine) {
        // As pipe_of_three, but the parent does not close its copy of the sending end: the
        // child's close and exit leave one copy open, so the last recv never returns
        // (CPython hangs the same way).
        let mut program = pipe_of_three();
        program.actors[0].ops.remove(1);
        for op in &mut program.actors[0].ops {
            if let OpKind::Jump { to } = &mut op.kind {
                *to = 1;
            }
        }
        let trace = engine.run(program);
        assert_eq!(trace.console_text(), "1\n2\n3\n");
        assert!(trace.errors.is_empty(), "no EOFError: {:?}", trace.errors);
        assert!(
            matches!(trace.outcome, interleave::engine::trace::Outcome::Deadlock { .. } | interleave::engine::trace::Outcome::Stuck { .. }),
            "{:?}",
            trace.outcome
        );
    }

    fn a_duplex_pipe_carries_messages_both_ways(engine) {
        let mut b = Build::new();
        let pipe = b.object("pipe", ObjectKind::Pipe { duplex: true });
        let p = b.process("Process-1", StartMethod::Fork, false);
        let echo = b.actor(
            "Process-1",
            p,
            ActorRole::ProcessMain,
            vec![
                OpKind::Recv { object: pipe, end: 1, reg: Reg(0) },
                OpKind::Add { reg: Reg(0), value: 1 },
                OpKind::Send { object: pipe, end: 1, value: Operand::Reg(Reg(0)) },
            ],
        );
        b.main(vec![
            OpKind::Start { actor: echo },
            OpKind::Send { object: pipe, end: 0, value: Operand::Const(41) },
            OpKind::Recv { object: pipe, end: 0, reg: Reg(0) },
            OpKind::Print { text: vec![TextPart::Reg(Reg(0))] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!((trace.console_text().as_str(), trace.errors.len()), ("42\n", 0));
    }

    fn pipe_errors_are_raised_as_python_raises_them(engine) {
        let duplex = ObjectKind::Pipe { duplex: true };
        let one_way = ObjectKind::Pipe { duplex: false };
        let cases = [
            (duplex.clone(), vec![close(1), recv(0)], error("EOFError", "")),
            (duplex.clone(), vec![close(0), send(1)], error("BrokenPipeError", "[Errno 32] Broken pipe")),
            (one_way.clone(), vec![send(0)], error("OSError", "connection is read-only")),
            (one_way.clone(), vec![recv(1)], error("OSError", "connection is write-only")),
            // Python checks that the end is open before anything else.
            (duplex, vec![close(1), send(1)], error("OSError", "handle is closed")),
            (one_way.clone(), vec![close(0), send(0)], error("OSError", "handle is closed")),
            (one_way, vec![close(0), recv(0)], error("OSError", "handle is closed")),
        ];
        for (kind, ops, expected) in cases {
            assert_eq!(engine.the_error(kind, ops.clone()), expected, "{ops:?}");
        }
    }
}
