//! The simulator's size estimate: which loops run in batches, which weigh every
//! iteration, and the refusal of a run too large to simulate.

use interleave::engine::program::Program;
use interleave::engine::sim::size::{check, estimate, SizeEstimate, MAX_PLANNED_STEPS};
use interleave::lessons::{build_from_pairs, lesson as find};

fn size(lesson: &str, pairs: &[(&str, &str)]) -> (SizeEstimate, Program) {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (_, built) = build_from_pairs(find(lesson).unwrap(), &pairs).unwrap();
    (estimate(&built.program, &built.settings), built.program)
}

#[test]
fn loops_in_batches_weigh_little_and_shared_ones_weigh_every_iteration() {
    // Under the GIL a bare increment runs in batches; without it, every iteration is a
    // read, an add, a write and a back-edge of its own, in each of four threads.
    let (with_gil, _) = size("race_counter", &[("increments", "1000000")]);
    assert!(with_gil.steps < 1_000, "{with_gil:?}");
    let (without, program) = size("race_counter", &[("increments", "1000000"), ("gil", "off")]);
    assert_eq!(without.steps, 4 * 4_000_000 + program.actors[0].ops.len() as u64);
    let heavy = without.heaviest.unwrap();
    assert_eq!(heavy.iterations, 1_000_000);
    assert!(program.source.lines().nth(heavy.line as usize - 1).unwrap().contains("for _ in range(1000000)"));
    // A countdown is private: batched beside other processes too.
    let (countdown, _) = size("gil", &[("mode", "processes"), ("workers", "16"), ("size", "5000")]);
    assert!(countdown.steps < 10_000, "{countdown:?}");
}

#[test]
fn a_run_too_large_is_refused_with_the_loop_to_blame() {
    let pairs: Vec<(String, String)> = [("threads", "16"), ("increments", "10000000"), ("gil", "off")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (_, built) = build_from_pairs(find("race_counter").unwrap(), &pairs).unwrap();
    let refused = check(&built.program, &built.settings, MAX_PLANNED_STEPS).unwrap_err();
    let text = refused.to_string();
    assert!(text.contains("too large for the simulated engine"), "{text}");
    assert!(
        text.contains("line") && text.contains("for _ in range(10000000)") && text.contains("live engine"),
        "{text}"
    );
    assert!(!text.contains("without ending"), "{text}");
}
