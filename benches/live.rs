//! The live engine natively, side by side in one run: CPU-bound work (the gil lesson) in
//! processes, free-threaded and GIL-bound threads with 1, 2 and all cores' worth of
//! workers, as speed-up over serial; `Pool.map` total time against pool size; and how
//! long a Cancel takes to end a busy run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::{run, Spawner, POOL_THREADS};
use interleave::engine::pool::{add_pool, PoolLines, PoolMethod, PoolPlan, RESULT};
use interleave::engine::program::*;
use interleave::engine::settings::RunSettings;
use interleave::engine::trace::Trace;
use interleave::lessons::{build_from_pairs, find};

fn live(pool: &Arc<dyn Spawner>, program: Program, settings: RunSettings, control: Arc<Control>) -> Trace {
    run::start(program, settings, pool.clone(), Arc::new(HostClock), control).unwrap().wait()
}

/// The median of three runs' speed-ups (this machine is shared and noisy).
fn gil_speedup(pool: &Arc<dyn Spawner>, workers: usize, mode: &str, gil: &str) -> f64 {
    let mut runs: Vec<f64> = (0..3).map(|_| gil_speedup_once(pool, workers, mode, gil)).collect();
    runs.sort_by(f64::total_cmp);
    runs[1]
}

fn gil_speedup_once(pool: &Arc<dyn Spawner>, workers: usize, mode: &str, gil: &str) -> f64 {
    let pairs: Vec<(String, String)> =
        [("workers", workers.to_string()), ("mode", mode.into()), ("gil", gil.into()), ("size", "1000".into())]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    let lesson = find("gil").unwrap();
    let (knobs, built) = build_from_pairs(lesson, &pairs).unwrap();
    let trace = live(pool, built.program, built.settings, Arc::new(Control::new()));
    let findings = (lesson.findings)(&knobs, &trace, interleave::i18n::Lang::En);
    findings.figures.iter().find(|(n, _)| *n == "speedup_x100").map_or(0.0, |(_, v)| *v as f64 / 100.0)
}

/// `Pool(processes).map` of ten 1 s sleeps, at a tenth of real time; program seconds.
fn pool_map_seconds(pool: &Arc<dyn Spawner>, processes: u16) -> f64 {
    let mut program = Program {
        source: "pass\n".into(),
        processes: vec![ProcessDef {
            name: "MainProcess".into(),
            parent: None,
            start_method: StartMethod::Main,
            daemon: false,
        }],
        actors: vec![ActorDef {
            name: "MainThread".into(),
            process: ProcessId(0),
            role: ActorRole::ProcessMain,
            daemon: false,
            ops: vec![],
        }],
        objects: vec![],
    };
    let plan =
        PoolPlan { processes, tasks: 10, chunksize: None, method: PoolMethod::Map, start_method: StartMethod::Fork };
    let task = [
        Op { kind: OpKind::Sleep { micros: 1_000_000 }, line: 1 },
        Op { kind: OpKind::Arith { reg: RESULT, op: Arith::Mul, value: Operand::Reg(RESULT) }, line: 1 },
    ];
    let parts = add_pool(&mut program, &plan, &task, &[], PoolLines { pool: 1, call: 1, function: 1 });
    program.actors[0].ops = [parts.start, parts.submit, parts.results, parts.shutdown].concat();
    let time_scale = 0.1;
    let trace = live(pool, program, RunSettings { time_scale, ..RunSettings::default() }, Arc::new(Control::new()));
    trace.wall as f64 / 1e9 / time_scale
}

/// From `cancel()` to the run's end, for a race run of 10 M increments per thread.
fn cancel_latency(pool: &Arc<dyn Spawner>, gil: &str) -> Duration {
    let pairs: Vec<(String, String)> = [("threads", "4"), ("increments", "10000000"), ("gil", gil)]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (_, built) = build_from_pairs(find("race_counter").unwrap(), &pairs).unwrap();
    let control = Arc::new(Control::new());
    let run = run::start(built.program, built.settings, pool.clone(), Arc::new(HostClock), control.clone()).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let asked = Instant::now();
    control.cancel();
    run.wait();
    asked.elapsed()
}

fn main() {
    let pool: Arc<dyn Spawner> = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap());
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    println!("gil lesson natively: CPU-bound, size=1000 per worker, median of 3 runs, speed-up over serial ({cores} cores; goal >= 0.9 x cores where cores allow)");
    println!("  {:<8} {:>22} {:>22} {:>22}", "workers", "processes (gil on)", "threads (gil off)", "threads (gil on)");
    let mut counts = vec![1, 2, cores];
    counts.dedup();
    for workers in counts {
        println!(
            "  {workers:<8} {:>21.2}x {:>21.2}x {:>21.2}x",
            gil_speedup(&pool, workers, "processes", "on"),
            gil_speedup(&pool, workers, "threads", "off"),
            gil_speedup(&pool, workers, "threads", "on"),
        );
    }
    println!("Pool.map of ten 1 s tasks (live, time_scale 0.1; program seconds; CPython Pool(3): 4.03 s)");
    for processes in [1, 2, 3, 4, 5, 10] {
        println!("  Pool({processes:<2}) {:>6.2} s", pool_map_seconds(&pool, processes));
    }
    println!("Cancel latency, 4 busy threads");
    for gil in ["on", "off"] {
        println!("  gil={gil:<3} {:>6.1} ms", cancel_latency(&pool, gil).as_secs_f64() * 1e3);
    }
}
