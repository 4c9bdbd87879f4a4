//! Processes, shared Values, queues and pipes on real threads: a child process is a group
//! of pool threads with its own GIL and its own variables. Each claim is checked on a live
//! run and fails if the semantics are broken.

use std::time::{Duration, Instant};

use interleave::engine::costs::{FORK_START, PROCESS_START_RETURN};
use interleave::engine::program::*;
use interleave::engine::settings::{OutputMode, RunSettings};
use interleave::engine::trace::{MarkKind, Outcome, SpanKind, Trace, WaitOn};

use super::build::{
    error_case_program, global_in_child, message_error_cases, pipe_of_three, queue_of_one, run_live, shared_value,
    short_lived_parent_of_a_daemon, Build,
};

fn live(program: Program) -> Trace {
    run_live(program, RunSettings::default())
}

#[test]
fn a_global_changed_in_a_child_process_stays_as_it_was_in_the_parent() {
    let (program, counter) = global_in_child();
    let trace = live(program);
    assert_eq!(trace.outcome, Outcome::Completed);
    assert_eq!(trace.console_text(), "0\n");
    assert_eq!(trace.final_value(counter), Some(0));
}

#[test]
fn a_forked_child_starts_with_its_parents_variables_and_a_spawned_one_afresh() {
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
        assert_eq!(run_live(b.done(), settings).console_text(), expected, "{method:?}");
    }
}

#[test]
fn a_process_costs_its_start_and_start_returns_before_the_child_runs() {
    let mut b = Build::new();
    let p = b.process("Process-1", StartMethod::Fork, false);
    let child = b.actor("Process-1", p, ActorRole::ProcessMain, vec![OpKind::Call]);
    let thread = b.actor("Thread-1", ProcessId(0), ActorRole::Thread, vec![OpKind::Call]);
    b.main_starting(&[child, thread], vec![]);
    let trace = live(b.done());
    let started =
        |actor: ActorId| trace.marks.iter().find(|m| m.actor == actor && m.kind == MarkKind::Started).unwrap().at;
    let starting = |actor: ActorId| {
        let span = trace.spans.iter().find(|s| s.actor == actor && s.kind == SpanKind::Starting).expect("shown");
        span.end - span.start
    };
    // The start-up is work on a core, about its cost (calibrated when the run began, so on a
    // machine busy with other tests only roughly); a thread's start is far shorter, which
    // the lessons' tests and the benchmarks measure where the timing is less crowded.
    assert!(starting(child) >= FORK_START / 2, "{} ns", starting(child));
    assert!(starting(thread) > 0);
    // start() kept its caller the measured time (on a busy machine, a little more); that
    // it returns before the child runs is the simulator's to show, free of the machine.
    let kept = trace.spans.iter().find(|s| s.actor.0 == 0 && s.kind == SpanKind::Starting).unwrap();
    assert!(kept.end - kept.start >= PROCESS_START_RETURN, "{kept:?}");
    assert!(started(child) >= kept.start + FORK_START / 2, "the child ran at {} ns", started(child));
}

#[test]
fn a_shared_value_is_exact_with_its_lock_and_loses_updates_without() {
    let (program, value) = shared_value(9, 2_000, true);
    let trace = live(program);
    assert_eq!(trace.outcome, Outcome::Completed);
    assert_eq!(trace.final_value(value), Some(18_000));
    // Long enough that the processes overlap on the cores, each read-then-write is two
    // locked steps with a gap another process can write in.
    let (program, value) = shared_value(9, 100_000, false);
    let counted = live(program).final_value(value).unwrap();
    assert!(counted < 900_000, "no update lost: {counted}");
    assert!(counted >= 100_000, "at least one process's worth arrives: {counted}");
}

#[test]
fn a_queue_of_size_one_blocks_the_second_put_until_a_get() {
    let (program, producer) = queue_of_one();
    let trace = live(program);
    let blocked = trace
        .spans
        .iter()
        .find(|s| s.actor == producer && matches!(s.kind, SpanKind::Wait(WaitOn::Object(_))))
        .expect("the second put waited");
    assert!(blocked.end - blocked.start >= 40_000_000, "it waited for the get: {blocked:?}");
    assert_eq!(trace.console_text(), "1 2\n", "first in, first out");
    // Each item is drawn from its put to its get.
    let sent = trace.marks.iter().filter(|m| matches!(m.kind, MarkKind::Sent { .. })).count();
    let received = trace.marks.iter().filter(|m| matches!(m.kind, MarkKind::Received { .. })).count();
    assert_eq!((sent, received), (2, 2));
}

#[test]
fn a_pipe_between_processes_delivers_in_order_then_eof() {
    let trace = live(pipe_of_three());
    assert_eq!(trace.console_text(), "1\n2\n3\n");
    assert_eq!(trace.errors.len(), 1);
    assert_eq!(trace.errors[0].exception, "EOFError");
}

#[test]
fn queue_and_pipe_errors_are_raised_as_python_raises_them() {
    for (kind, ops, exception, message) in message_error_cases() {
        let trace = live(error_case_program(kind, ops));
        assert_eq!(trace.errors.len(), 1, "{exception}");
        assert_eq!((trace.errors[0].exception.as_str(), trace.errors[0].message.as_str()), (exception, message));
    }
}

#[test]
fn daemon_threads_and_daemon_processes_end_with_their_parent() {
    for daemon_process in [false, true] {
        let (program, child) = short_lived_parent_of_a_daemon(daemon_process);
        let started = Instant::now();
        let trace = live(program);
        assert_eq!(trace.outcome, Outcome::Completed);
        assert!(started.elapsed() < Duration::from_secs(2), "daemon_process={daemon_process}: {:?}", started.elapsed());
        let exited = trace.marks.iter().find(|m| m.actor == child && m.kind == MarkKind::Exited).unwrap().at;
        assert!(exited < 1_000_000_000, "ended with its parent, not after its 10 s: {exited} ns");
    }
}

#[test]
fn a_parent_waits_for_its_non_daemon_child_at_exit() {
    let mut b = Build::new();
    let p = b.process("Process-1", StartMethod::Fork, false);
    let child = b.actor(
        "Process-1",
        p,
        ActorRole::ProcessMain,
        vec![OpKind::Sleep { micros: 50_000 }, OpKind::Print { text: vec![TextPart::Lit("child".into())] }],
    );
    b.main(vec![OpKind::Start { actor: child }]);
    let trace = live(b.done());
    assert_eq!(trace.console_text(), "child\n");
}

#[test]
fn a_thread_waiting_for_what_nobody_will_do_is_reported_stuck() {
    let mut b = Build::new();
    let event = b.object("ready", ObjectKind::Event);
    b.main(vec![OpKind::EventWait { object: event, wait: Wait::Forever, result: None }]);
    let started = Instant::now();
    let trace = live(b.done());
    assert_eq!(trace.outcome, Outcome::Stuck { waiting: vec![(ActorId(0), WaitOn::Object(event))] });
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // With a timeout, the wait simply ends.
    let mut b = Build::new();
    let event = b.object("ready", ObjectKind::Event);
    b.main(vec![OpKind::EventWait { object: event, wait: Wait::Timeout(1_000), result: None }]);
    assert_eq!(live(b.done()).outcome, Outcome::Completed);
}

#[test]
fn block_buffered_output_comes_out_whole_when_each_process_exits() {
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
    let trace = run_live(b.done(), settings);
    assert_eq!(trace.console.len(), 3, "one write per process: {:?}", trace.console);
    assert!(trace.console_text().ends_with("main\n"), "{}", trace.console_text());
    for write in &trace.console[..2] {
        let name = &trace.actors[write.actor.0 as usize].name;
        assert_eq!(write.text, format!("{name}\n{name}\n{name}\n"));
    }
}
