//! Regression: advertised knob values that could not run. `gil` with 16 workers or 5 000 ms
//! of work, and `race_counter` with 5 x 10 M increments, stopped with "went past the step
//! limit ... without ending": they were large, not endless. Every value the form allows now
//! runs on the simulated engine, or is refused before it starts with the reason.

use interleave::engine::sim::StepResult;
use interleave::knobs::KnobKind;
use interleave::lessons::{Setup, LESSONS};

/// Runs the lesson with these knobs to its end; `Err` is the refusal before the start.
fn run_or_refuse(lesson: &'static interleave::lessons::Lesson, pairs: &[(String, String)]) -> Result<u64, String> {
    let setup = Setup::new(lesson, pairs, None).unwrap_or_else(|e| panic!("{}: {}", lesson.info.id, e.en));
    let mut sim = setup.simulation().map_err(|e| e.en)?;
    loop {
        match sim.run_slice(1_000_000) {
            Ok(StepResult::Finished(_)) => return Ok(sim.steps()),
            Ok(StepResult::Running { .. }) => {}
            Err(e) => panic!("{} {pairs:?} failed after it started: {e}", lesson.info.id),
        }
    }
}

#[test]
fn every_numeric_knob_at_its_maximum_runs_or_is_refused_up_front() {
    let mut refused = Vec::new();
    for lesson in LESSONS {
        for spec in lesson.info.knobs {
            let max = match spec.kind {
                KnobKind::Int { max, .. } => max.to_string(),
                KnobKind::Decimal { max, .. } => max.to_string(),
                _ => continue,
            };
            // As the page runs it, and free-threaded too where the lesson has the knob.
            let gils: &[&str] = if lesson.info.common_knobs.contains(&"gil") { &["on", "off"] } else { &["on"] };
            for gil in gils {
                let pairs = vec![(spec.name.to_string(), max.clone()), ("gil".to_string(), gil.to_string())];
                match run_or_refuse(lesson, &pairs) {
                    Ok(_) => {}
                    Err(why) => {
                        assert!(
                            why.contains("too large for the simulated engine"),
                            "{}: {pairs:?}: {why}",
                            lesson.info.id
                        );
                        assert!(!why.contains("without ending"), "{why}");
                        refused.push(format!("{} {pairs:?}", lesson.info.id));
                    }
                }
            }
        }
    }
    // Only free-threaded races of ten million increments a thread are too large.
    assert!(refused.iter().all(|r| r.contains("race_counter") && r.contains("\"off\"")), "{refused:#?}");
}

#[test]
fn the_runs_that_broke_run_to_their_end() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("gil", &[("workers", "16")]),
        ("gil", &[("size", "5000")]),
        ("gil", &[("size", "5000"), ("workers", "16"), ("mode", "processes")]),
        ("race_counter", &[("threads", "5"), ("increments", "10000000")]),
        ("race_counter", &[("threads", "16"), ("increments", "4000000")]),
    ];
    for (id, pairs) in cases {
        let lesson = interleave::lessons::lesson(id).unwrap();
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let steps = run_or_refuse(lesson, &pairs).unwrap_or_else(|e| panic!("{id} {pairs:?}: {e}"));
        // Run in batches: far fewer steps than the 200 million of the old limit.
        assert!(steps < 10_000_000, "{id} {pairs:?}: {steps} steps");
    }
    // The refusal names what is too large, and what would do.
    let race = interleave::lessons::lesson("race_counter").unwrap();
    let pairs: Vec<(String, String)> = [("threads", "16"), ("increments", "10000000"), ("gil", "off")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let why = run_or_refuse(race, &pairs).unwrap_err();
    assert!(why.contains("line 9") && why.contains("`increments=") && why.contains("live engine"), "{why}");
}
