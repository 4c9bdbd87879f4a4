//! A list of whole numbers on both engines: append, index from either end, item
//! assignment, len and pop, each process with its own copy, and the IndexErrors CPython
//! raises.

use interleave::engine::program::*;
use interleave::engine::trace::Outcome;

use super::{both_engines, error};
use crate::engine_tests::build::Build;

both_engines! {
    fn a_list_appends_indexes_assigns_and_pops_as_python_does(engine) {
        // items = [5]; items.append(7); items[0] = items[-1] + 1; print(items[0], len(items), items.pop(), len(items))
        let mut b = Build::new();
        let items = b.object("items", ObjectKind::List { initial: vec![5] });
        b.main(vec![
            OpKind::ListAppend { object: items, value: Operand::Const(7) },
            OpKind::ListGet { object: items, index: Operand::Const(-1), reg: Reg(0) },
            OpKind::Add { reg: Reg(0), value: 1 },
            OpKind::ListSet { object: items, index: Operand::Const(0), value: Operand::Reg(Reg(0)) },
            OpKind::ListGet { object: items, index: Operand::Const(0), reg: Reg(1) },
            OpKind::ListLen { object: items, reg: Reg(2) },
            OpKind::ListPop { object: items, reg: Reg(3) },
            OpKind::ListLen { object: items, reg: Reg(4) },
            OpKind::Print {
                text: vec![
                    TextPart::Reg(Reg(1)),
                    TextPart::Lit(" ".into()),
                    TextPart::Reg(Reg(2)),
                    TextPart::Lit(" ".into()),
                    TextPart::Reg(Reg(3)),
                    TextPart::Lit(" ".into()),
                    TextPart::Reg(Reg(4)),
                ],
            },
        ]);
        let trace = engine.run(b.done());
        assert_eq!(trace.outcome, Outcome::Completed);
        assert_eq!(trace.console_text(), "8 2 7 1\n");
    }

    fn a_forked_child_appends_to_its_own_copy(engine) {
        // The child appends; the parent, after joining it, still sees its one item.
        let mut b = Build::new();
        let items = b.object("items", ObjectKind::List { initial: vec![1] });
        let p = b.process("Process-1", StartMethod::Fork, false);
        let child = b.actor(
            "Process-1",
            p,
            ActorRole::ProcessMain,
            vec![
                OpKind::ListAppend { object: items, value: Operand::Const(2) },
                OpKind::ListLen { object: items, reg: Reg(0) },
                OpKind::Print { text: vec![TextPart::Lit("child ".into()), TextPart::Reg(Reg(0))] },
            ],
        );
        b.main(vec![
            OpKind::Start { actor: child },
            OpKind::Join { actor: child, wait: Wait::Forever },
            OpKind::ListLen { object: items, reg: Reg(0) },
            OpKind::Print { text: vec![TextPart::Lit("parent ".into()), TextPart::Reg(Reg(0))] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!(trace.console_text(), "child 2\nparent 1\n");
    }

    fn indexing_past_the_end_and_popping_an_empty_list_raise_index_error(engine) {
        let list = || ObjectKind::List { initial: vec![3] };
        let got = OpKind::ListGet { object: ObjectId(0), index: Operand::Const(1), reg: Reg(0) };
        assert_eq!(engine.the_error(list(), vec![got]), error("IndexError", "list index out of range"));
        let set = OpKind::ListSet { object: ObjectId(0), index: Operand::Const(-2), value: Operand::Const(0) };
        assert_eq!(engine.the_error(list(), vec![set]), error("IndexError", "list assignment index out of range"));
        let pops = vec![OpKind::ListPop { object: ObjectId(0), reg: Reg(0) }, OpKind::ListPop { object: ObjectId(0), reg: Reg(0) }];
        assert_eq!(engine.the_error(list(), pops), error("IndexError", "pop from empty list"));
    }
}
