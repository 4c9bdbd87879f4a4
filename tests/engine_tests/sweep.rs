//! Sweeping a knob: the gil lesson's workers in threads and in processes draw two curves,
//! speed-up flat for CPU-bound threads and rising for processes; values, seeds and sizes
//! are checked before a run starts; the CSV has a row per run.

use interleave::lessons::sweep::{Sweep, SweepRequest, SweepTable};
use interleave::lessons::{gil, race_counter};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn request(knob: &str, values: &str, series: Option<&str>, seeds: u32) -> SweepRequest {
    SweepRequest { knob: knob.into(), values: values.into(), series: series.map(str::to_string), seeds }
}

fn to_end(mut sweep: Sweep) -> SweepTable {
    while !sweep.advance(100_000).unwrap() {}
    sweep.table()
}

/// The median of a figure over the seeds of one point.
fn median(table: &SweepTable, series: &str, value: &str, figure: &str) -> f64 {
    let mut values: Vec<i64> = table
        .rows
        .iter()
        .filter(|r| r.series == series && r.value == value)
        .filter_map(|r| r.figures.iter().find(|(n, _)| n == figure).map(|(_, v)| *v))
        .collect();
    values.sort();
    values[values.len() / 2] as f64
}

#[test]
fn workers_in_threads_stay_flat_and_in_processes_speed_up_to_the_cores() {
    let base = pairs(&[("work", "cpu"), ("size", "200"), ("cores", "4")]);
    let sweep = Sweep::new(&gil::LESSON, &base, None, &request("workers", "1-4", Some("mode"), 2)).unwrap();
    assert_eq!(sweep.planned(), 4 * 3 * 2, "four values, three modes, two seeds");
    let table = to_end(sweep);
    assert_eq!(table.rows.len(), 24);
    let speedup = |mode: &str, workers: &str| median(&table, mode, workers, "speedup_x100") / 100.0;
    assert!(speedup("threads", "4") < 1.3, "threads under the GIL: {}", speedup("threads", "4"));
    assert!(speedup("processes", "4") > 2.5, "processes on four cores: {}", speedup("processes", "4"));
    assert!(speedup("processes", "4") > speedup("processes", "2") && speedup("processes", "2") > 1.5);
    let csv = table.csv();
    assert_eq!(csv.lines().count(), 25);
    assert!(csv.starts_with("mode,workers,seed,python_us,"), "{}", csv.lines().next().unwrap());
}

#[test]
fn each_seed_is_its_own_run_and_the_spread_shows() {
    let base = pairs(&[("increments", "400000"), ("between", "call"), ("cores", "2")]);
    let table = to_end(Sweep::new(&race_counter::LESSON, &base, None, &request("threads", "2,4", None, 5)).unwrap());
    let lost: Vec<i64> = table
        .rows
        .iter()
        .filter(|r| r.value == "4")
        .map(|r| r.figures.iter().find(|(n, _)| n == "lost").unwrap().1)
        .collect();
    assert_eq!(lost.len(), 5);
    assert!(lost.iter().any(|l| *l != lost[0]), "seeds differ: {lost:?}");
    assert_eq!(table.rows.iter().map(|r| r.seed).take(5).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
}

#[test]
fn a_sweep_is_refused_by_name_before_it_starts() {
    let refused = |knob: &str, values: &str, series: Option<&str>, seeds: u32, base: &[(&str, &str)]| match Sweep::new(
        &race_counter::LESSON,
        &pairs(base),
        None,
        &request(knob, values, series, seeds),
    ) {
        Err(message) => message.en,
        Ok(_) => panic!("{knob}={values} was taken"),
    };
    assert!(refused("lock", "1-2", None, 1, &[]).contains("not a number to sweep"));
    assert!(refused("nope", "1-2", None, 1, &[]).contains("has no knob `nope`; its numbers are `threads`"));
    assert!(refused("threads", "1-99", None, 1, &[]).contains("99 values"));
    assert!(refused("threads", "8-2", None, 1, &[]).contains("from a low value up"));
    assert!(refused("threads", "1,40", None, 1, &[]).contains("40"), "out of the knob's range");
    assert!(refused("threads", "", None, 1, &[]).contains("no values"));
    assert!(refused("threads", "1-8", Some("lock"), 11, &[]).contains("seeds a point"));
    assert!(refused("threads", "1-16", Some("lock"), 10, &[]).contains("at most 400"));
    assert!(refused("threads", "1-2", Some("increments"), 1, &[]).contains("no choices"));
    assert!(refused("threads", "1-2", None, 1, &[("engine", "live")]).contains("simulated engine"));
    assert!(refused("increments", "100000000", None, 1, &[("threads", "16")]).contains("increments=100000000"));
}
