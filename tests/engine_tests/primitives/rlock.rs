//! `threading.RLock` on both engines: its owner takes it again, releases it once per
//! level, and nobody else may release it.

use interleave::engine::program::*;
use interleave::engine::trace::Outcome;

use super::{both_engines, error};
use crate::engine_tests::build::Build;

both_engines! {
    fn an_rlock_is_reentrant_for_its_owner(engine) {
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::RLock);
        b.main(vec![
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Release { object: lock },
            OpKind::Release { object: lock },
            OpKind::Print { text: vec![TextPart::Lit("done".into())] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!(trace.outcome, Outcome::Completed);
        assert_eq!(trace.console_text(), "done\n");
    }

    fn releasing_an_rlock_one_does_not_hold_raises_what_python_raises(engine) {
        let raised = engine.the_error(ObjectKind::RLock, vec![OpKind::Release { object: ObjectId(0) }]);
        assert_eq!(raised, error("RuntimeError", "cannot release un-acquired lock"));
    }

    fn another_thread_cannot_release_the_owners_rlock(engine) {
        // Unlike a Lock: the helper's release raises, and the owner still holds it.
        let mut b = Build::new();
        let lock = b.object("lock", ObjectKind::RLock);
        let helper = b.actor("helper", ProcessId(0), ActorRole::Thread, vec![OpKind::Release { object: lock }]);
        b.main(vec![
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Start { actor: helper },
            OpKind::Join { actor: helper, wait: Wait::Forever },
            OpKind::Release { object: lock },
            OpKind::Print { text: vec![TextPart::Lit("released".into())] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!(trace.errors.len(), 1, "{:?}", trace.errors);
        let raised = (trace.errors[0].actor, trace.errors[0].message.as_str());
        assert_eq!(raised, (helper, "cannot release un-acquired lock"));
        assert_eq!(trace.console_text(), "released\n");
    }
}
