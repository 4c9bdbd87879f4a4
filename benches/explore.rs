//! Seeds and schedules explored per second natively (the browser's figures are printed by
//! tests/e2e/bench.mjs). Goal: 1 000 seeds of the default race lesson in under a second in
//! the browser.

use std::time::Instant;

use interleave::engine::explore::ExploreRequest;
use interleave::lessons;
use interleave::lessons::explore::explore;

fn main() {
    println!("explore, natively: runs per second (each run a whole simulated run of the lesson)");
    for (lesson, knobs, seeds, picks) in [
        ("race_counter", "", 1_000, 0),
        ("race_counter", "threads=2 increments=1000 gil=off", 1_000, 0),
        ("race_counter", "threads=2 increments=3 gil=off", 1, 2),
        ("race_counter", "threads=2 increments=3 gil=off lock=each", 1, 2),
        ("dining_philosophers", "philosophers=3 duration_s=1", 200, 0),
        ("job_queue", "", 200, 0),
    ] {
        let pairs: Vec<(String, String)> = knobs
            .split_whitespace()
            .map(|p| p.split_once('=').unwrap())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let request = ExploreRequest { seeds, picks, max_runs: 100_000, stop_at_first_break: false };
        let start = Instant::now();
        let report = explore(lessons::lesson(lesson).unwrap(), &pairs, request).unwrap();
        let seconds = start.elapsed().as_secs_f64();
        let knobs = if knobs.is_empty() { "defaults" } else { knobs };
        println!(
            "  {lesson} {knobs}, {seeds} seeds, up to {picks} picks: {} runs in {:.2} s = {:.0} runs/s (broke {})",
            report.runs,
            seconds,
            report.runs as f64 / seconds,
            report.broke
        );
    }
    println!("  (goal: 1 000 seeds of race_counter defaults in under 1 s in the browser)");
}
