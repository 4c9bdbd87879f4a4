//! The lessons, told as they teach, on both engines: each test fails if a lesson lied.

use std::sync::Arc;

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::{run, Spawner, POOL_THREADS};
use interleave::engine::sim;
use interleave::engine::trace::{Outcome, Trace};
use interleave::knobs::KnobValues;
use interleave::lessons::{build_from_pairs, find, sim_settings};

/// Runs a lesson with these knobs on the engine they name; the knobs and the trace.
pub fn run_lesson(id: &str, pairs: &[(&str, &str)]) -> (KnobValues, Trace) {
    let lesson = find(id).unwrap();
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (knobs, built) = build_from_pairs(lesson, &pairs).unwrap();
    let trace = if knobs.choice("engine") == "live" {
        let pool: Arc<dyn Spawner> =
            Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap());
        run::start(built.program, built.settings, pool, Arc::new(HostClock), Arc::new(Control::new())).unwrap().wait()
    } else {
        sim::run(built.program, sim_settings(&knobs, built.settings)).unwrap()
    };
    (knobs, trace)
}

fn figure(id: &str, knobs: &KnobValues, trace: &Trace, name: &str) -> i64 {
    let lesson = find(id).unwrap();
    let findings = (lesson.findings)(knobs, trace, interleave::i18n::Lang::En);
    findings.figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or_else(|| panic!("no figure {name}"))
}

#[test]
fn the_naive_philosophers_deadlock_with_the_whole_cycle_reported_on_both_engines() {
    for engine in ["sim", "live"] {
        let (_, trace) = run_lesson("dining_philosophers", &[("engine", engine)]);
        let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{engine}: {:?}", trace.outcome) };
        assert_eq!(cycle.len(), 5, "{engine}");
        // Each waits for the fork the next one holds, round the table.
        for (i, edge) in cycle.iter().enumerate() {
            assert_eq!(edge.holder, cycle[(i + 1) % cycle.len()].waiter, "{engine}");
        }
    }
}

#[test]
fn ordered_forks_the_waiter_and_trylock_never_deadlock_and_everyone_eats() {
    for engine in ["sim", "live"] {
        for strategy in ["ordered", "waiter", "trylock"] {
            let pairs = [("engine", engine), ("strategy", strategy), ("duration_s", "1"), ("philosophers", "4")];
            let (knobs, trace) = run_lesson("dining_philosophers", &pairs);
            assert_eq!(trace.outcome, Outcome::Completed, "{engine} {strategy}");
            assert!(
                figure("dining_philosophers", &knobs, &trace, "fewest") > 0,
                "{engine} {strategy}: someone starved"
            );
            // Each philosopher says how many meals they ate, and the count agrees.
            for i in 0..4 {
                let said = format!(
                    "philosopher {i} ate {} meals",
                    figure("dining_philosophers", &knobs, &trace, &format!("meals_{i}"))
                );
                assert!(trace.console_text().contains(&said), "{engine} {strategy}: {said}");
            }
        }
    }
}
