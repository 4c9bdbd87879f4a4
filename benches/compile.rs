//! The compiler on a 200-line program (`benches/programs/two_hundred_lines.py`: twelve
//! workers with loops, a lock, an event and prints), natively. Goal: under 50 ms in the
//! browser, where the engine worker compiles as the learner types (printed by the browser
//! benchmark from the same file).

use std::time::Instant;

use interleave::compile::compile;

fn main() {
    let text = include_str!("programs/two_hundred_lines.py");
    let lines = text.lines().count();
    let mut times: Vec<f64> = (0..50)
        .map(|_| {
            let start = Instant::now();
            let program = compile(text).expect("the benchmark's program compiles");
            std::hint::black_box(program);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "compiler, a {lines}-line program natively: median {:.2} ms, fastest {:.2}, slowest {:.2} of 50 (goal in the browser: < 50 ms)",
        times[25],
        times[0],
        times[49]
    );
}
