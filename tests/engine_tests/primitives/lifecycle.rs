//! Threads and processes on both engines: what `start()` and `join()` allow, what a child
//! process begins with and what its start costs, and when a process ends (its non-daemon
//! threads and children waited for, its daemons ended with it).

use std::time::{Duration, Instant};

use interleave::engine::costs::{FORK_START, FORK_START_RETURN, PROCESS_START_RETURN};
use interleave::engine::program::*;
use interleave::engine::settings::{OutputMode, RunSettings};
use interleave::engine::trace::{MarkKind, Outcome, SpanKind, Trace};

use super::{both_engines, error, Engine};
use crate::engine_tests::build::Build;
use crate::engine_tests::programs::{global_in_child, short_lived_parent_of_a_daemon};

/// A thread (or a process) that does `Call`, started by the main thread after `before`.
fn one_child(process: bool, before: Vec<OpKind>) -> (Program, ActorId) {
    let mut b = Build::new();
    let child = if process {
        let p = b.process("Process-1", StartMethod::Fork, false);
        b.actor("Process-1", p, ActorRole::ProcessMain, vec![OpKind::Call])
    } else {
        b.actor("Thread-1", ProcessId(0), ActorRole::Thread, vec![OpKind::Call])
    };
    let mut main = before;
    main.push(OpKind::Start { actor: child });
    b.main(main);
    (b.done(), child)
}

/// The one error of a run, as (exception, message).
fn only_error(engine: Engine, program: Program) -> (String, String) {
    let trace = engine.run(program);
    assert_eq!(trace.errors.len(), 1, "{:?}", trace.errors);
    (trace.errors[0].exception.clone(), trace.errors[0].message.clone())
}

both_engines! {
    fn start_and_join_refuse_what_python_refuses(engine) {
        let started_twice = |process| {
            let (mut program, child) = one_child(process, vec![]);
            program.actors[0].ops.push(Op { kind: OpKind::Start { actor: child }, line: 1 });
            program
        };
        assert_eq!(only_error(engine, started_twice(false)), error("RuntimeError", "threads can only be started once"));
        assert_eq!(only_error(engine, started_twice(true)), error("AssertionError", "cannot start a process twice"));
        // The child is actor 1: joined before the start that follows.
        let join_first = |process| one_child(process, vec![OpKind::Join { actor: ActorId(1), wait: Wait::Forever }]).0;
        let joined_first = only_error(engine, join_first(false));
        assert_eq!(joined_first, error("RuntimeError", "cannot join thread before it is started"));
        assert_eq!(only_error(engine, join_first(true)), error("AssertionError", "can only join a started process"));
        let mut b = Build::new();
        b.main(vec![OpKind::Join { actor: ActorId(0), wait: Wait::Forever }]);
        assert_eq!(only_error(engine, b.done()), error("RuntimeError", "cannot join current thread"));
    }

    fn an_exception_ends_its_thread_and_the_others_go_on(engine) {
        // A thread computes `7 % 0`; the main thread joins it and prints.
        let mut b = Build::new();
        let divider = b.actor(
            "divider",
            ProcessId(0),
            ActorRole::Thread,
            vec![
                OpKind::Set { reg: Reg(0), value: 7 },
                OpKind::Arith { reg: Reg(0), op: Arith::Mod, value: Operand::Const(0) },
                OpKind::Print { text: vec![TextPart::Lit("not reached".into())] },
            ],
        );
        b.main_starting(&[divider], vec![OpKind::Print { text: vec![TextPart::Lit("main goes on".into())] }]);
        let trace = engine.run(b.done());
        assert_eq!(trace.console_text(), "main goes on\n");
        assert_eq!(trace.errors.len(), 1);
        let raised = (trace.errors[0].exception.clone(), trace.errors[0].message.clone());
        assert_eq!(raised, error("ZeroDivisionError", "integer modulo by zero"), "CPython 3.11's words for `%`");
    }

    fn a_global_changed_in_a_child_process_stays_as_it_was_in_the_parent(engine) {
        let (program, counter) = global_in_child();
        let trace = engine.run(program);
        assert_eq!(trace.outcome, Outcome::Completed);
        assert_eq!(trace.console_text(), "0\n");
        assert_eq!(trace.final_value(counter), Some(0));
    }

    fn a_forked_child_starts_with_its_parents_variables_and_a_spawned_one_afresh(engine) {
        for (method, expected) in [(StartMethod::Fork, "7\n"), (StartMethod::Spawn, "0\n")] {
            let mut b = Build::new();
            let x = b.object("x", ObjectKind::Var { initial: 0 });
            let p = b.process("Process-1", method, false);
            let child = b.actor(
                "Process-1",
                p,
                ActorRole::ProcessMain,
                vec![OpKind::Load { object: x, reg: Reg(0) }, OpKind::Print { text: vec![TextPart::Reg(Reg(0))] }],
            );
            b.main(vec![
                OpKind::Set { reg: Reg(0), value: 7 },
                OpKind::Store { object: x, reg: Reg(0) },
                OpKind::Start { actor: child },
                OpKind::Join { actor: child, wait: Wait::Forever },
            ]);
            let settings = RunSettings { time_scale: 0.1, ..RunSettings::default() };
            assert_eq!(engine.run_with(b.done(), settings).console_text(), expected, "{method:?}");
        }
    }

    fn a_process_costs_its_start_and_start_returns_before_the_child_runs(engine) {
        let mut b = Build::new();
        let p = b.process("Process-1", StartMethod::Fork, false);
        let child = b.actor("Process-1", p, ActorRole::ProcessMain, vec![OpKind::Call]);
        let thread = b.actor("Thread-1", ProcessId(0), ActorRole::Thread, vec![OpKind::Call]);
        b.main_starting(&[child, thread], vec![]);
        let program = b.done();
        let starting = |trace: &Trace, actor: ActorId| {
            let span = trace.spans.iter().find(|s| s.actor == actor && s.kind == SpanKind::Starting).expect("shown");
            span.end - span.start
        };
        let started = |trace: &Trace, actor: ActorId| {
            trace.marks.iter().find(|m| m.actor == actor && m.kind == MarkKind::Started).unwrap().at
        };
        let kept = |trace: &Trace| {
            *trace.spans.iter().find(|s| s.actor.0 == 0 && s.kind == SpanKind::Starting).unwrap()
        };
        if engine.is_live() {
            // The start-up is work on a core, as many units as its cost takes at the speed
            // measured when the run began; a thread's start-up is work too, measured alike.
            // On a busy shared machine that measure is rough (here, while other tests and
            // builds ran, a fork's 2.7 ms of start-up took 1.2 ms for runs on end, once
            // 0.4 ms), but it is the same for both, so the process's start-up is still far
            // the longer, unless the thread's was held up waiting for a core (one run in
            // ten). So the claim is checked on the first of up to five runs where it shows.
            let mut seen = Vec::new();
            let trace = (0..5)
                .map(|_| engine.run(program.clone()))
                .inspect(|trace| {
                    // In every run: `start()` kept its caller at least its cost (a wait on the
                    // clock), and the thread's start-up was work too.
                    let kept = kept(trace);
                    assert!(kept.end - kept.start >= PROCESS_START_RETURN, "{kept:?}");
                    assert!(starting(trace, thread) > 0);
                    seen.push((starting(trace, child), starting(trace, thread)));
                })
                .find(|trace| {
                    let (process, thread) = (starting(trace, child), starting(trace, thread));
                    process > 10 * thread && process >= FORK_START / 4
                })
                .unwrap_or_else(|| panic!("(process, thread) start-ups, ns: {seen:?}"));
            let kept = kept(&trace);
            let ran = started(&trace, child);
            assert!(ran >= kept.start + FORK_START / 4, "the child ran at {ran} ns");
        } else {
            let trace = engine.run(program);
            let kept = kept(&trace);
            // `start()` kept its caller at least the least of the measured fork's.
            assert!(kept.end - kept.start >= FORK_START_RETURN.at(0), "{kept:?}");
            let (process, thread) = (starting(&trace, child), starting(&trace, thread));
            // A thread's start is far shorter, shown here free of the machine (even the first
            // thread of a process, the slowest to start).
            assert!(process > 5 * thread, "process {process} ns, thread {thread} ns");
            // `p.start()` returns before the child runs: the child starts up by itself.
            let ran = started(&trace, child);
            assert!(kept.end < ran, "start() returned at {} ns, the child ran at {ran} ns", kept.end);
        }
    }

    fn join_with_a_timeout_returns_and_the_thread_still_keeps_the_program_alive(engine) {
        let mut b = Build::new();
        let sleeper = b.actor("sleeper", ProcessId(0), ActorRole::Thread, vec![OpKind::Sleep { micros: 1_000_000 }]);
        b.main(vec![
            OpKind::Start { actor: sleeper },
            OpKind::Join { actor: sleeper, wait: Wait::Timeout(100_000) },
            OpKind::Introspect { what: Introspect::IsAlive(sleeper), reg: Reg(0) },
            OpKind::Print { text: vec![TextPart::Lit("alive ".into()), TextPart::Reg(Reg(0))] },
        ]);
        let trace = engine.run(b.done());
        assert_eq!(trace.console_text(), "alive 1\n");
        let printed = trace.console[0].at;
        // At the timeout: the simulator within 20 ms of it; real threads at least at it.
        assert!(printed >= 100_000_000, "printed at {printed} ns");
        if !engine.is_live() {
            assert!(printed < 120_000_000, "printed at {printed} ns");
        }
        // Python waits for non-daemon threads at exit.
        assert!(trace.wall >= 1_000_000_000);
    }

    fn daemon_threads_and_daemon_processes_end_with_their_parent(engine) {
        for daemon_process in [false, true] {
            let (program, child) = short_lived_parent_of_a_daemon(daemon_process);
            let started = Instant::now();
            let trace = engine.run(program);
            assert_eq!(trace.outcome, Outcome::Completed);
            // Ended with its parent, not after its 10 s (real threads: within a second, a
            // busy machine's worth of room; the simulator: within 100 ms).
            let took = started.elapsed();
            assert!(took < Duration::from_secs(2), "daemon_process={daemon_process}: {took:?}");
            let exited = trace.marks.iter().find(|m| m.actor == child && m.kind == MarkKind::Exited).unwrap().at;
            assert!(exited < 1_000_000_000, "ended with its parent, not after its 10 s: {exited} ns");
            if !engine.is_live() {
                assert!(trace.wall < 100_000_000, "daemon_process={daemon_process}: ran {} ns", trace.wall);
                let slept = trace.metrics[child.0 as usize].sleeping;
                assert!(slept < 100_000_000, "the daemon was ended early, not after its 10 s: {slept} ns");
            }
        }
    }

    fn a_parent_waits_for_its_non_daemon_child_at_exit(engine) {
        let mut b = Build::new();
        let p = b.process("Process-1", StartMethod::Fork, false);
        let child = b.actor(
            "Process-1",
            p,
            ActorRole::ProcessMain,
            vec![OpKind::Sleep { micros: 50_000 }, OpKind::Print { text: vec![TextPart::Lit("child".into())] }],
        );
        b.main(vec![OpKind::Start { actor: child }]);
        let trace = engine.run(b.done());
        assert_eq!(trace.console_text(), "child\n");
    }

    fn block_buffered_output_comes_out_whole_when_each_process_exits(engine) {
        let mut b = Build::new();
        let children: Vec<ActorId> = (0..2)
            .map(|i| {
                let name = format!("Process-{}", i + 1);
                let p = b.process(&name, StartMethod::Fork, false);
                let body = vec![OpKind::Print { text: vec![TextPart::ActorName] }, OpKind::Loop { to: 0, times: 3 }];
                b.actor(&name, p, ActorRole::ProcessMain, body)
            })
            .collect();
        b.main_starting(&children, vec![OpKind::Print { text: vec![TextPart::Lit("main".into())] }]);
        let settings = RunSettings { output: OutputMode::Pipe, ..RunSettings::default() };
        let trace = engine.run_with(b.done(), settings);
        assert_eq!(trace.console.len(), 3, "one write per process: {:?}", trace.console);
        assert!(trace.console_text().ends_with("main\n"), "{}", trace.console_text());
        for write in &trace.console[..2] {
            let name = &trace.actors[write.actor.0 as usize].name;
            assert_eq!(write.text, format!("{name}\n{name}\n{name}\n"));
        }
    }
}
