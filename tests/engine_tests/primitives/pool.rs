//! `multiprocessing.Pool` on both engines, against what CPython 3.11 does here:
//! `Pool(3).map` of ten one-second sleeps takes 4.03 s (chunksize default or 4) and 5.02 s
//! with chunksize 5.

use interleave::engine::pool::{add_pool, PoolLines, PoolMethod, PoolPlan, RESULT};
use interleave::engine::program::*;
use interleave::engine::settings::RunSettings;
use interleave::engine::sim::{self, SimSettings};
use interleave::engine::trace::{Outcome, Trace};

use super::{both_engines, Engine};
use crate::engine_tests::build::Build;

const LINES: PoolLines = PoolLines { pool: 1, call: 1, function: 1 };

fn one_second_task() -> Vec<Op> {
    vec![
        Op { kind: OpKind::Sleep { micros: 1_000_000 }, line: 1 },
        // return x * x
        Op { kind: OpKind::Arith { reg: RESULT, op: Arith::Mul, value: Operand::Reg(RESULT) }, line: 1 },
    ]
}

fn map_program(chunksize: Option<u32>, processes: u16) -> Program {
    let mut b = Build::new();
    let plan = PoolPlan { processes, tasks: 10, chunksize, method: PoolMethod::Map, start_method: StartMethod::Fork };
    let parts = add_pool(&mut b.program, &plan, &one_second_task(), &[], LINES);
    let ops: Vec<OpKind> =
        [parts.start, parts.submit, parts.results, parts.shutdown].concat().into_iter().map(|o| o.kind).collect();
    b.main(ops);
    b.done()
}

/// Seconds of the program's own time for `Pool(processes).map`: live at a tenth of real
/// time, so a run is short.
fn map_seconds(engine: Engine, chunksize: Option<u32>, processes: u16) -> (f64, Trace) {
    let time_scale = if engine.is_live() { 0.1 } else { 1.0 };
    let trace =
        engine.run_with(map_program(chunksize, processes), RunSettings { time_scale, ..RunSettings::default() });
    assert_eq!(trace.outcome, Outcome::Completed);
    assert_eq!(trace.errors, vec![]);
    (trace.wall as f64 / 1e9 / time_scale, trace)
}

both_engines! {
    fn pool_map_time_follows_the_chunking_as_in_cpython(engine) {
        // Never less than the rounds of sleeps take, and at most `slack` more. Real threads
        // take a little longer than the model (process starts, wake-ups): up to 0.4 s more
        // (40 ms of real time at a tenth of it), against a whole second per round of tasks;
        // as a busy shared machine only adds time to a run, that bound is on the fastest of
        // up to three runs.
        let (slack, runs) = if engine.is_live() { (0.4, 3) } else { (0.2, 1) };
        let check = |chunksize: Option<u32>, processes: u16, expected: f64, cpython: &str| {
            let mut measured = Vec::new();
            for _ in 0..runs {
                let (seconds, _) = map_seconds(engine, chunksize, processes);
                assert!(seconds >= expected, "{seconds:.2} s ({cpython})");
                measured.push(seconds);
                if seconds < expected + slack {
                    return;
                }
            }
            panic!("{measured:.2?} s ({cpython})");
        };
        // Default chunksize ceil(10 / 12) = 1: ten chunks on three workers, four rounds.
        check(None, 3, 4.0, "CPython: 4.03 s");
        // Chunks of 5 and 5: only two workers get work.
        check(Some(5), 3, 5.0, "CPython: 5.02 s");
        if !engine.is_live() {
            // Chunks of 4, 4, 2: the longest chunk sets the time.
            check(Some(4), 3, 4.0, "CPython: 4.02 s");
            // One worker does it all.
            check(None, 1, 10.0, "one worker");
        }
    }

    fn each_worker_is_its_own_process_and_all_of_them_take_part(engine) {
        let (_, trace) = map_seconds(engine, None, 3);
        let workers: Vec<usize> =
            (0..trace.actors.len()).filter(|&i| trace.actors[i].name.starts_with("ForkPoolWorker")).collect();
        assert_eq!(workers.len(), 3);
        let processes: std::collections::BTreeSet<_> = workers.iter().map(|&i| trace.actors[i].process).collect();
        assert_eq!(processes.len(), 3);
        // Three of the ten one-second tasks or more each in the simulator; on real threads
        // (time scaled by 0.1) at least two, as a worker may start a round late on a busy
        // machine.
        let slept = if engine.is_live() { 200_000_000 } else { 3_000_000_000 };
        for &w in &workers {
            let name = &trace.actors[w].name;
            assert!(trace.metrics[w].sleeping >= slept, "{name} slept {} ns", trace.metrics[w].sleeping);
        }
    }
}

/// `apply_async(f, (x,), callback=results.put)` for ten jobs, then drain `results` either
/// before or after `close()`/`join()`: the job-queue lesson's point.
fn apply_async_drained(before_join: bool) -> usize {
    let mut b = Build::new();
    let results = b.object("results", ObjectKind::Queue { maxsize: 0 });
    let plan = PoolPlan {
        processes: 4,
        tasks: 10,
        chunksize: None,
        method: PoolMethod::ApplyAsync,
        start_method: StartMethod::Fork,
    };
    let callback =
        vec![Op { kind: OpKind::Put { object: results, value: Operand::Reg(Reg(0)), wait: Wait::Forever }, line: 1 }];
    let parts = add_pool(&mut b.program, &plan, &one_second_task(), &callback, LINES);
    // Drain: `while not results.empty(): print(results.get())`.
    let drain_at = |base: usize| {
        vec![
            OpKind::QueueEmpty { object: results, reg: Reg(1) },
            OpKind::JumpIf { cond: Cond::Ne(Reg(1), 0), to: base + 5 },
            OpKind::Get { object: results, reg: Reg(0), wait: Wait::Forever },
            OpKind::Print { text: vec![TextPart::Reg(Reg(0))] },
            OpKind::Jump { to: base },
        ]
    };
    let mut ops: Vec<OpKind> = [parts.start, parts.submit].concat().into_iter().map(|o| o.kind).collect();
    let shutdown: Vec<OpKind> = parts.shutdown.into_iter().map(|o| o.kind).collect();
    if before_join {
        let base = ops.len();
        ops.extend(drain_at(base));
        // The drain's exit lands on the first shutdown step.
        ops.extend(shutdown);
    } else {
        ops.extend(shutdown);
        let base = ops.len();
        ops.extend(drain_at(base));
        ops.push(OpKind::Call);
    }
    b.main(ops);
    let trace = sim::run(b.done(), SimSettings { cores: 4, ..SimSettings::default() }).unwrap();
    trace.console_text().lines().count()
}

/// The simulator only: on real threads whether the first look finds the queue empty is a
/// race against the workers (one the lesson itself shows).
#[test]
fn draining_the_result_queue_before_close_and_join_misses_results_and_after_does_not() {
    assert_eq!(apply_async_drained(true), 0, "before the jobs finish, the queue is still empty");
    assert_eq!(apply_async_drained(false), 10);
}
