//! Exploring schedules: a bound of two picks finds the lost update of the free-threaded
//! race and nothing once a lock guards the increment; what it finds replays exactly.

use interleave::engine::explore::ExploreRequest;
use interleave::engine::sim;
use interleave::engine::trace::Outcome;
use interleave::i18n::Lang;
use interleave::lessons::explore::{explore, explorer};
use interleave::lessons::{build_from_pairs, dining_philosophers, race_counter, Lesson, Setup};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn bounded(picks: u32) -> ExploreRequest {
    ExploreRequest { seeds: 1, picks, max_runs: 20_000, stop_at_first_break: false }
}

const RACE: &[(&str, &str)] = &[("threads", "2"), ("increments", "3"), ("gil", "off")];

/// The lesson's breaking figure of one run with a seed and schedule.
fn replay(lesson: &'static Lesson, knobs: &[(String, String)], seed: u64, schedule: &str) -> (i64, Outcome) {
    let mut knobs = knobs.to_vec();
    knobs.push(("seed".into(), seed.to_string()));
    knobs.push(("schedule".into(), schedule.to_string()));
    let (values, built) = build_from_pairs(lesson, &knobs).unwrap();
    let (program, settings) = built.into_sim();
    let trace = sim::run(program, settings).unwrap();
    let findings = (lesson.findings)(&values, &trace, Lang::En);
    let figure = findings.figures.iter().find(|(n, _)| Some(n.as_str()) == lesson.info.breaks).unwrap().1;
    (figure, trace.outcome)
}

#[test]
fn two_picks_find_the_lost_update_of_the_free_threaded_race_and_the_schedule_replays_it() {
    // The engine's own interleaving of this small race loses nothing: only picks do.
    let none = explore(&race_counter::LESSON, &pairs(RACE), bounded(0)).unwrap();
    assert_eq!((none.broke, none.complete), (0, true), "{none:?}");
    let report = explore(&race_counter::LESSON, &pairs(RACE), bounded(2)).unwrap();
    assert!(report.complete, "{report:?}");
    let found = report.shortest.clone().expect("a lost update within two picks");
    assert!(!found.schedule.is_empty() && found.schedule.len() <= 2, "{found:?}");
    assert!(found.value > 0);
    // Nothing with fewer picks broke: the search goes level by level.
    let fewer = explore(&race_counter::LESSON, &pairs(RACE), bounded(found.schedule.len() as u32 - 1)).unwrap();
    assert_eq!(fewer.broke, 0, "{fewer:?}");
    // Its seed and schedule replay the same loss, from the compact text.
    let (lost, outcome) = replay(&race_counter::LESSON, &pairs(RACE), found.seed, &found.schedule.to_string());
    assert_eq!((lost, outcome), (found.value, Outcome::Completed));
    // The histogram counts every run once.
    assert_eq!(report.histogram.iter().map(|(_, n)| n).sum::<u64>(), report.runs);
}

#[test]
fn with_a_lock_around_each_increment_no_schedule_within_the_bound_loses_an_update() {
    let mut knobs = pairs(RACE);
    knobs.push(("lock".into(), "each".into()));
    let report = explore(&race_counter::LESSON, &knobs, bounded(2)).unwrap();
    assert!(report.complete, "the bound was covered: {report:?}");
    assert!(report.runs > 20, "a real search: {report:?}");
    assert_eq!((report.broke, report.shortest), (0, None));
    assert_eq!(report.histogram, vec![(0, report.runs)]);
}

#[test]
fn the_naive_philosophers_deadlock_with_no_pick_at_all() {
    let knobs = pairs(&[("philosophers", "3"), ("duration_s", "1")]);
    let request = ExploreRequest { seeds: 2, picks: 1, max_runs: 50, stop_at_first_break: true };
    let report = explore(&dining_philosophers::LESSON, &knobs, request).unwrap();
    let found = report.shortest.expect("a deadlock");
    assert!(found.schedule.is_empty(), "{found:?}");
    assert_eq!(report.runs, 1, "stopped at the first break");
    assert!(!report.complete);
    let (deadlocked, outcome) = replay(&dining_philosophers::LESSON, &knobs, found.seed, "");
    assert_eq!(deadlocked, 1);
    assert!(matches!(outcome, Outcome::Deadlock { .. }));
}

#[test]
fn a_small_run_budget_says_the_search_was_not_complete() {
    let mut knobs = pairs(RACE);
    knobs.push(("lock".into(), "each".into()));
    let request = ExploreRequest { seeds: 1, picks: 2, max_runs: 5, stop_at_first_break: false };
    let mut explorer = explorer(Setup::new(&race_counter::LESSON, &knobs, None).unwrap(), request).unwrap();
    // Sliced as the engine worker slices it: a few steps at a time.
    while !explorer.advance(50).unwrap() {}
    let report = explorer.report();
    assert_eq!(report.runs, 5);
    assert!(!report.complete);
}

#[test]
fn bad_requests_are_refused_by_name() {
    let e =
        |request| explorer(Setup::new(&race_counter::LESSON, &pairs(RACE), None).unwrap(), request).err().unwrap().en;
    assert!(e(ExploreRequest { seeds: 0, ..bounded(1) }).contains("1 to 100000 seeds"));
    assert!(e(ExploreRequest { picks: 4, ..bounded(1) }).contains("0 to 3 picks"));
    let live = explorer(Setup::new(&race_counter::LESSON, &pairs(&[("engine", "live")]), None).unwrap(), bounded(1))
        .err()
        .unwrap()
        .en;
    assert!(live.contains("simulated engine"), "{live}");
    let gil = explorer(Setup::new(interleave::lessons::lesson("gil").unwrap(), &[], None).unwrap(), bounded(1))
        .err()
        .unwrap()
        .en;
    assert!(gil.contains("nothing that breaks"), "{gil}");
}

#[test]
fn the_exploration_is_the_same_on_every_target() {
    // tests/sim_worker.rs checks these figures in the browser.
    let report = explore(&race_counter::LESSON, &pairs(RACE), bounded(2)).unwrap();
    assert_eq!((report.runs, report.broke, report.complete), (94, 10, true));
    assert_eq!(report.histogram, vec![(0, 84), (1, 7), (2, 3)]);
    assert_eq!(report.shortest.map(|f| f.schedule.to_string()), Some("2w.3w".to_string()));
}
