use interleave::engine::program::*;

fn op(kind: OpKind, line: Line) -> Op {
    Op { kind, line }
}

/// `counter += 1` in a loop, in two threads: the shape of the race lesson.
fn race_program() -> Program {
    let source = "counter = 0\ndef work():\n    for _ in range(K):\n        counter += 1\n".to_string();
    let worker = |name: &str| ActorDef {
        name: name.into(),
        process: ProcessId(0),
        role: ActorRole::Thread,
        daemon: false,
        ops: vec![
            op(OpKind::Load { object: ObjectId(0), reg: Reg(0) }, 4),
            op(OpKind::Add { reg: Reg(0), value: 1 }, 4),
            op(OpKind::Store { object: ObjectId(0), reg: Reg(0) }, 4),
            op(OpKind::Loop { to: 0, times: 1000 }, 3),
        ],
    };
    Program {
        source,
        processes: vec![ProcessDef {
            name: "MainProcess".into(),
            parent: None,
            start_method: StartMethod::Main,
            daemon: false,
            unpicklable: None,
        }],
        actors: vec![
            ActorDef {
                name: "MainThread".into(),
                process: ProcessId(0),
                role: ActorRole::ProcessMain,
                daemon: false,
                ops: vec![
                    op(OpKind::Start { actor: ActorId(1) }, 2),
                    op(OpKind::Start { actor: ActorId(2) }, 2),
                    op(OpKind::Join { actor: ActorId(1), wait: Wait::Forever }, 2),
                    op(OpKind::Join { actor: ActorId(2), wait: Wait::Forever }, 2),
                ],
            },
            worker("Thread-1"),
            worker("Thread-2"),
        ],
        objects: vec![ObjectDef { name: "counter".into(), kind: ObjectKind::Var { initial: 0 } }],
        switch_interval: None,
    }
}

#[test]
fn a_well_formed_program_validates() {
    assert_eq!(race_program().validate(), Ok(()));
}

#[test]
fn the_read_modify_write_has_no_check_point_but_the_loop_back_edge_does() {
    let program = race_program();
    let ops = &program.actor(ActorId(1)).ops;
    let check_points: Vec<bool> = ops.iter().enumerate().map(|(i, op)| op.kind.is_check_point(i)).collect();
    assert_eq!(check_points, [false, false, false, true]);
}

#[test]
fn each_broken_index_is_named() {
    let mut p = race_program();
    p.actors[1].ops[0].kind = OpKind::Load { object: ObjectId(9), reg: Reg(0) };
    assert!(matches!(p.validate(), Err(ProgramError::ObjectMissing { object: 9, .. })));

    let mut p = race_program();
    p.actors[1].ops[3].kind = OpKind::Loop { to: 40, times: 2 };
    assert!(matches!(p.validate(), Err(ProgramError::JumpOutOfRange { to: 40, .. })));
    // Just past the last operation is the thread's end, as `break` out of a last loop jumps.
    let mut p = race_program();
    let end = p.actors[1].ops.len();
    p.actors[1].ops[3].kind = OpKind::Jump { to: end };
    assert_eq!(p.validate(), Ok(()));
    p.actors[1].ops[3].kind = OpKind::Jump { to: end + 1 };
    assert!(matches!(p.validate(), Err(ProgramError::JumpOutOfRange { .. })));

    let mut p = race_program();
    p.actors[1].ops[1].line = 99;
    let error = p.validate().unwrap_err();
    assert!(error.to_string().contains("line 99"), "{error}");

    let mut p = race_program();
    p.actors[1].ops[0].kind = OpKind::Acquire { object: ObjectId(0), wait: Wait::Forever, result: None };
    assert!(matches!(p.validate(), Err(ProgramError::WrongObjectKind { expected: "lock or semaphore", .. })));

    let mut p = race_program();
    p.actors[0].ops[0].kind = OpKind::Start { actor: ActorId(7) };
    assert!(matches!(p.validate(), Err(ProgramError::ActorMissing { target: 7, .. })));

    let mut p = race_program();
    p.actors[1].ops[1].kind = OpKind::Add { reg: Reg(REGISTERS as u8), value: 1 };
    assert!(matches!(p.validate(), Err(ProgramError::RegisterOutOfRange { .. })));

    let mut p = race_program();
    p.objects.push(ObjectDef { name: "cond".into(), kind: ObjectKind::Condition { lock: ObjectId(0) } });
    assert!(matches!(p.validate(), Err(ProgramError::BadInnerLock { .. })));
}

#[test]
fn blocking_operations_release_the_gil_and_compute_does_not() {
    assert!(OpKind::Sleep { micros: 1 }.releases_gil());
    assert!(OpKind::Join { actor: ActorId(1), wait: Wait::Forever }.releases_gil());
    assert!(!OpKind::Compute { units: 1 }.releases_gil());
    assert!(!OpKind::Store { object: ObjectId(0), reg: Reg(0) }.releases_gil());
}
