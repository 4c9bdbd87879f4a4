//! `multiprocessing.Pool` on both engines, against what CPython 3.11 does here:
//! `Pool(3).map` of ten one-second sleeps takes 4.03 s (chunksize default or 4) and 5.02 s
//! with chunksize 5.

use interleave::engine::pool::{add_pool, PoolMethod, PoolPlan, RESULT};
use interleave::engine::program::*;
use interleave::engine::sim::{self, SimSettings};
use interleave::engine::trace::{Outcome, Trace};

use interleave::engine::settings::RunSettings;

use super::build::{run_live, Build};

const LINES: interleave::engine::pool::PoolLines =
    interleave::engine::pool::PoolLines { pool: 1, call: 1, function: 1 };

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

fn map_run(chunksize: Option<u32>, processes: u16) -> Trace {
    let trace =
        sim::run(map_program(chunksize, processes), SimSettings { cores: 2, ..SimSettings::default() }).unwrap();
    assert_eq!(trace.outcome, Outcome::Completed);
    trace
}

/// Seconds of the program's own time, from a live run at a tenth of real time.
fn live_map_seconds(chunksize: Option<u32>, processes: u16) -> f64 {
    let time_scale = 0.1;
    let trace = run_live(map_program(chunksize, processes), RunSettings { time_scale, ..RunSettings::default() });
    assert_eq!(trace.outcome, Outcome::Completed);
    assert_eq!(trace.errors, vec![]);
    trace.wall as f64 / 1e9 / time_scale
}

#[test]
fn pool_map_on_real_threads_follows_the_chunking_as_in_cpython() {
    let default = live_map_seconds(None, 3);
    assert!((4.0..4.4).contains(&default), "{default:.2} s (CPython: 4.03 s)");
    let fives = live_map_seconds(Some(5), 3);
    assert!((5.0..5.4).contains(&fives), "{fives:.2} s (CPython: 5.02 s)");
}

fn seconds(trace: &Trace) -> f64 {
    trace.wall as f64 / 1e9
}

#[test]
fn pool_map_time_follows_the_chunking_as_in_cpython() {
    // Default chunksize ceil(10 / 12) = 1: ten chunks on three workers, four rounds.
    let default = seconds(&map_run(None, 3));
    assert!((4.0..4.2).contains(&default), "{default:.2} s (CPython: 4.03 s)");
    // Chunks of 4, 4, 2: the longest chunk sets the time.
    let fours = seconds(&map_run(Some(4), 3));
    assert!((4.0..4.2).contains(&fours), "{fours:.2} s (CPython: 4.02 s)");
    // Chunks of 5 and 5: only two workers get work.
    let fives = seconds(&map_run(Some(5), 3));
    assert!((5.0..5.2).contains(&fives), "{fives:.2} s (CPython: 5.02 s)");
    // One worker does it all.
    let one = seconds(&map_run(None, 1));
    assert!((10.0..10.2).contains(&one), "{one:.2} s");
}

#[test]
fn each_worker_is_its_own_process_and_all_of_them_take_part() {
    let trace = map_run(None, 3);
    let workers: Vec<usize> =
        (0..trace.actors.len()).filter(|&i| trace.actors[i].name.starts_with("ForkPoolWorker")).collect();
    assert_eq!(workers.len(), 3);
    let processes: std::collections::BTreeSet<_> = workers.iter().map(|&i| trace.actors[i].process).collect();
    assert_eq!(processes.len(), 3);
    for &w in &workers {
        assert!(
            trace.metrics[w].sleeping >= 3_000_000_000,
            "{} slept {} ns",
            trace.actors[w].name,
            trace.metrics[w].sleeping
        );
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

#[test]
fn draining_the_result_queue_before_close_and_join_misses_results_and_after_does_not() {
    assert_eq!(apply_async_drained(true), 0, "before the jobs finish, the queue is still empty");
    assert_eq!(apply_async_drained(false), 10);
}
