//! The live engine natively, side by side in one run: CPU-bound work (the gil lesson) in
//! processes, free-threaded and GIL-bound threads with 1, 2 and all cores' worth of
//! workers, as speed-up over serial; `Pool.map` total time against pool size; and how
//! long a Cancel takes to end a busy run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::{run, Spawner, POOL_THREADS};
use interleave::engine::program::Program;
use interleave::engine::settings::RunSettings;
use interleave::engine::trace::Trace;
use interleave::lessons::{build_from_pairs, lesson as find};

fn live(pool: &Arc<dyn Spawner>, program: Program, settings: RunSettings, control: Arc<Control>) -> Trace {
    run::start(program, settings, pool.clone(), Arc::new(HostClock), control).unwrap().wait()
}

/// One figure of a lesson run live with these knobs.
fn lesson_figure(pool: &Arc<dyn Spawner>, id: &str, pairs: &[(&str, String)], figure: &str) -> i64 {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let lesson = find(id).unwrap();
    let (knobs, built) = build_from_pairs(lesson, &pairs).unwrap();
    let trace = live(pool, built.program, built.settings, Arc::new(Control::new()));
    let findings = (lesson.findings)(&knobs, &trace, interleave::i18n::Lang::En);
    findings.figures.iter().find(|(n, _)| *n == figure).map_or(0, |(_, v)| *v)
}

/// The median of three runs' speed-ups (this machine is shared and noisy).
fn gil_speedup(pool: &Arc<dyn Spawner>, workers: usize, mode: &str, gil: &str) -> f64 {
    let pairs = [("workers", workers.to_string()), ("mode", mode.into()), ("gil", gil.into()), ("size", "1000".into())];
    let mut runs: Vec<f64> =
        (0..3).map(|_| lesson_figure(pool, "gil", &pairs, "speedup_x100") as f64 / 100.0).collect();
    runs.sort_by(f64::total_cmp);
    runs[1]
}

/// The pool lesson's `Pool(processes).map` of ten 1 s tasks at a tenth of real time: the
/// program seconds it printed.
fn pool_map_seconds(pool: &Arc<dyn Spawner>, processes: u16) -> f64 {
    let pairs = [("pool_size", processes.to_string()), ("time_scale", "0.1".into())];
    lesson_figure(pool, "pool_map", &pairs, "measured_ms") as f64 / 1000.0
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
