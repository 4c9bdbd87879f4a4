//! The command line as a learner types it: every command, and every mistake named.

use super::*;
use crate::engine::live::POOL_THREADS;

fn args(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

#[test]
fn bad_commands_and_values_name_what_is_allowed() {
    assert!(main(&args("frobnicate"))
        .unwrap_err()
        .contains("the commands are lessons, run, run-file, explore, explore-file, source, probe"));
    assert!(main(&args("probe --jobs 0")).unwrap_err().contains(&format!("from 1 to {POOL_THREADS}")));
    assert!(main(&args("probe --jobs")).unwrap_err().contains("needs a value"));
    assert!(main(&args("probe --fast 1")).unwrap_err().contains("unknown option `--fast`"));
}

#[test]
fn run_prints_the_console_then_the_findings() {
    let out = main(&args("run race_counter --set threads=2 --set increments=1000 --set lock=each")).unwrap();
    assert!(out.starts_with("counter = 2000 (expected 2000)\n"), "{out}");
    assert!(out.contains("No update lost"), "{out}");
}

#[test]
fn run_json_has_the_promised_fields() {
    let out = main(&args("run race_counter --set threads=2 --set increments=500 --engine live --json")).unwrap();
    for field in [
        "\"lesson\":\"race_counter\"",
        "\"knobs\":{",
        "\"engine\":\"live\"",
        "\"seed\":1",
        "\"python_time_s\":",
        "\"console\":\"counter = ",
        "\"findings\":{\"headline\":",
        "\"deadlock\":null",
    ] {
        assert!(out.contains(field), "{field} missing from {out}");
    }
    assert!(out.contains("\"threads\":\"2\""));
    // The console's newline is escaped: one line of JSON.
    assert_eq!(out.trim_end().lines().count(), 1);
}

#[test]
fn explore_finds_the_lost_update_without_a_lock_and_none_with_one() {
    let out =
        main(&args("explore race_counter --seeds 20 --set threads=2 --set increments=10000 --set gil=off --json"))
            .unwrap();
    assert!(out.contains("\"figure\":\"lost\""), "{out}");
    assert!(!out.contains("\"broke\":0,"), "free-threaded, no lock: some run loses an update: {out}");
    assert!(out.contains("\"replay\":\"interleave run race_counter --set threads=2"), "{out}");
    let out = main(&args(
        "explore race_counter --seeds 20 --set threads=2 --set increments=10000 --set gil=off --set lock=each --json",
    ))
    .unwrap();
    assert!(out.contains("\"broke\":0,") && out.contains("\"shortest\":null"), "{out}");
    let out = main(&args("explore dining_philosophers --seeds 3")).unwrap();
    assert!(out.contains("broke in 3 of 3 runs"), "{out}");
    // Every other figure has its histogram in the JSON: meals per philosopher, say.
    let out =
        main(&args("explore dining_philosophers --seeds 3 --set strategy=ordered --set duration_s=1 --json")).unwrap();
    assert!(out.contains("\"others\":{\"meals\":[") && out.contains("\"meals_4\":[["), "{out}");
    assert!(main(&args("explore gil --seeds 3")).unwrap_err().contains("nothing that breaks"));
    assert!(main(&args("explore race_counter --seeds 0")).unwrap_err().contains("1 to 100000"));
    assert!(main(&args("explore race_counter --preemptions 9")).unwrap_err().contains("from 0 to 3"));
    assert!(main(&args("explore race_counter")).unwrap_err().contains("--seeds"));
    assert!(main(&args("explore race_counter --seeds 2 --engine live")).unwrap_err().contains("simulated"));
}

#[test]
fn the_schedule_explore_prints_replays_the_same_run() {
    let knobs = "--set threads=2 --set increments=3 --set gil=off";
    let found = main(&args(&format!("explore race_counter --preemptions 2 {knobs} --json"))).unwrap();
    let field = |name: &str| -> String {
        let at = found.find(&format!("\"{name}\":")).unwrap() + name.len() + 3;
        found[at..].split([',', '}']).next().unwrap().trim_matches('"').to_string()
    };
    let (seed, schedule, lost) = (field("seed"), field("schedule"), field("value"));
    assert!(!schedule.is_empty() && lost != "0", "{found}");
    let run = |schedule: &str| {
        main(&args(&format!("run race_counter {knobs} --seed {seed} --schedule {schedule} --json"))).unwrap()
    };
    assert!(run(&schedule).contains(&format!("\"lost\":{lost}")), "{schedule}: {}", run(&schedule));
    // Without the schedule, the engine's own interleaving loses nothing.
    let plain = main(&args(&format!("run race_counter {knobs} --seed {seed} --json"))).unwrap();
    assert!(plain.contains("\"lost\":0"), "{plain}");
    // Schedules that do not fit are refused with the reason.
    let e = main(&args(&format!("run race_counter {knobs} --schedule 0t7"))).unwrap_err();
    assert!(e.contains("at turn 0, it names thread 7, but the run has threads 0 to 2"), "{e}");
    let e = main(&args(&format!("run race_counter {knobs} --schedule 1t1t"))).unwrap_err();
    assert!(e.contains("`schedule=1t1t` is not a schedule"), "{e}");
    let e = main(&args(&format!("run race_counter {knobs} --schedule 0t0 --engine live"))).unwrap_err();
    assert!(e.contains("simulated engine only"), "{e}");
}

#[test]
fn run_refuses_bad_lessons_knobs_and_values_by_name() {
    let e = main(&args("run nope")).unwrap_err();
    assert!(e.contains("there is no lesson `nope`; the lessons are ") && e.contains("race_counter"), "{e}");
    let e = main(&args("run race_counter --set colour=red")).unwrap_err();
    assert!(e.contains("unknown knob `colour`") && e.contains("`threads`"), "{e}");
    let e = main(&args("run race_counter --set threads=99")).unwrap_err();
    assert!(e.contains("threads=99") && e.contains("from 1 to 16"), "{e}");
    assert!(main(&args("run race_counter --set threads")).unwrap_err().contains("expected KNOB=VALUE"));
    assert!(main(&args("run race_counter --engine turbo")).unwrap_err().contains("sim | live"));
}

#[test]
fn the_simulated_engine_is_the_default_and_a_seed_gives_the_same_output_every_time() {
    let run = || {
        main(&args("run race_counter --set threads=3 --set increments=200000 --set between=call --seed 9 --json"))
            .unwrap()
    };
    let first = run();
    assert!(first.contains("\"engine\":\"sim\"") && first.contains("\"time_measured\":false"), "{first}");
    assert_eq!(run(), first);
    let deadlock_free = main(&args("run race_counter --set lock=each --set increments=1000")).unwrap();
    assert!(deadlock_free.contains("simulated engine, Python time"));
}

#[test]
fn source_prints_the_python_for_the_knobs() {
    let out = main(&args("source race_counter --set lock=each --set threads=2")).unwrap();
    assert!(out.contains("        with lock:\n") && out.contains("range(2)"), "{out}");
    assert!(main(&args("source race_counter --set lock=maybe")).unwrap_err().contains("none | each | loop"));
}

#[test]
fn probe_reports_each_job() {
    let out = main(&args("probe --jobs 2 --units 1000")).unwrap();
    assert!(out.contains("job  0") && out.contains("job  1"), "{out}");
}

/// The JSON of a run is valid JSON whatever its console holds: control characters,
/// quotes, backslashes, text in any language.
#[test]
fn run_json_is_valid_json_for_any_console_text() {
    use crate::engine::program::{ActorId, ProcessId};
    use crate::engine::trace::{ActorInfo, ActorRecorder, EngineKind, Outcome, Trace, TraceBudget};
    let mut rec = ActorRecorder::new(ActorId(0), TraceBudget::default());
    let console = "\u{1}bell\u{7} tab\t quote\" back\\ 안녕 \u{202e}rtl\u{202c} \u{10ffff}\r\n";
    rec.print(5, 1, console.to_string());
    let info = ActorInfo { name: "MainThread".into(), process: ProcessId(0), pool_thread: None };
    let trace = Trace::from_recorders(EngineKind::Simulated, vec![info], vec![rec], 10, Outcome::Completed);
    let findings = crate::lessons::FindingsText {
        headline: "«ok»\u{0}".into(),
        details: vec![],
        figures: vec![("lost".into(), -1)],
    };
    let knobs = vec![("threads", "2".to_string())];
    let line = crate::lessons::results::RunResults::new("race_counter", &knobs, 7, false, &trace, &findings).to_json();
    assert_eq!(line.lines().count(), 1, "{line}");
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(value["console"], console);
    assert_eq!(value["findings"]["headline"], "«ok»\u{0}");
    assert_eq!(value["findings"]["figures"]["lost"], -1);
    assert_eq!(value["knobs"]["threads"], "2");
}

/// `text` in a file of its own under the system's temporary directory.
fn python_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("interleave-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn run_file_compiles_a_learners_program_and_runs_it_on_either_engine() {
    let racy = "import threading\nimport time\n\ntotal = 0\n\n\ndef deposit():\n    global total\n    for _ in range(3):\n        seen = total\n        time.sleep(0.001)\n        total = seen + 10\n\n\nworkers = [threading.Thread(target=deposit) for _ in range(2)]\nfor w in workers:\n    w.start()\nfor w in workers:\n    w.join()\nprint(f\"total = {total}\")\n";
    let path = python_file("racy.py", racy);
    // Both threads read before either writes, each time: CPython prints 30 as well.
    let out = main(&args(&format!("run-file {path} --seed 3"))).unwrap();
    assert!(out.starts_with("total = 30\n") && out.ends_with("completed\n"), "{out}");
    let out = main(&args(&format!("run-file {path} --engine live --json"))).unwrap();
    assert!(out.contains("\"engine\":\"live\"") && out.contains("\"outcome\":\"completed\""), "{out}");
    let locked = racy.replace("        seen = total\n", "        with lock:\n            seen = total\n").replace(
        "        time.sleep(0.001)\n        total = seen + 10\n",
        "            time.sleep(0.001)\n            total = seen + 10\n",
    );
    let locked = locked.replace("total = 0\n", "total = 0\nlock = threading.Lock()\n");
    let out = main(&args(&format!("run-file {} --seed 3", python_file("locked.py", &locked)))).unwrap();
    assert!(out.starts_with("total = 60\n"), "{out}");
}

#[test]
fn run_file_names_the_line_and_column_of_what_it_cannot_run() {
    let path = python_file("try.py", "import threading\n\nn = 0\ntry:\n    n += 1\nfinally:\n    pass\n");
    let e = main(&args(&format!("run-file {path}"))).unwrap_err();
    assert!(e.ends_with("line 4, column 1: `try` is not supported yet"), "{e}");
    assert!(main(&args("run-file")).unwrap_err().contains("needs a Python file"));
    assert!(main(&args("run-file /nonexistent/x.py")).unwrap_err().starts_with("/nonexistent/x.py: "));
    let e = main(&args(&format!("run-file {path} --set threads=2"))).unwrap_err();
    assert!(e.contains("threads"), "a lesson's knob is refused: {e}");
}

#[test]
fn explore_file_finds_a_deadlock_or_a_wrong_final_value_and_says_how_to_replay_it() {
    let crossed = "import threading\nimport time\n\na = threading.Lock()\nb = threading.Lock()\n\n\ndef one():\n    with a:\n        time.sleep(0.001)\n        with b:\n            pass\n\n\ndef two():\n    with b:\n        time.sleep(0.001)\n        with a:\n            pass\n\n\nt1 = threading.Thread(target=one)\nt2 = threading.Thread(target=two)\nt1.start()\nt2.start()\nt1.join()\nt2.join()\n";
    let path = python_file("crossed.py", crossed);
    let out = main(&args(&format!("explore-file {path} --seeds 5"))).unwrap();
    assert!(out.contains("`stuck` per run") && out.contains("broke in 5 of 5 runs"), "{out}");
    assert!(out.contains(&format!("replay: interleave run-file {path} --seed 1")), "{out}");
    let counted = "import threading\n\ntotal = 0\n\n\ndef add():\n    global total\n    for _ in range(3):\n        seen = total\n        total = seen + 1\n\n\nts = [threading.Thread(target=add) for _ in range(2)]\nfor t in ts:\n    t.start()\nfor t in ts:\n    t.join()\n";
    let path = python_file("counted.py", counted);
    // With the GIL no run loses an update by itself; a pick between the read and the write does.
    let out = main(&args(&format!("explore-file {path} --seeds 3 --expect total=6"))).unwrap();
    assert!(out.contains("never broke"), "{out}");
    let out =
        main(&args(&format!("explore-file {path} --preemptions 2 --expect total=6 --set gil=off --json"))).unwrap();
    assert!(out.starts_with(&format!("{{\"file\":\"{path}\",\"figure\":\"total != 6\"")), "{out}");
    assert!(!out.contains("\"shortest\":null"), "a pick breaks it: {out}");
    let e = main(&args(&format!("explore-file {path} --seeds 2 --expect count=6"))).unwrap_err();
    assert!(e.contains("no shared variable `count`; its shared variables: `total`"), "{e}");
    assert!(main(&args(&format!("explore-file {path}"))).unwrap_err().contains("needs --seeds N"));
}

#[test]
fn run_file_prints_an_uncaught_exception_as_the_page_does_with_its_line() {
    let path = python_file("release.py", "import threading\n\nlock = threading.Lock()\nlock.release()\n");
    let out = main(&args(&format!("run-file {path}"))).unwrap();
    assert!(
        // The main thread's exception has no thread header, as CPython prints it.
        out.starts_with("Traceback (most recent call last):\n  line 4\nRuntimeError: release unlocked lock\n"),
        "{out}"
    );
    let out = main(&args(&format!("run-file {path} --json"))).unwrap();
    assert!(out.contains("\"errors\":[\"Traceback (most recent call last):"), "{out}");
}

/// The events of a Chrome trace `run --trace` wrote, and its metadata.
fn chrome_trace_of(command: &str, name: &str) -> (Vec<serde_json::Value>, serde_json::Value) {
    let path = std::env::temp_dir().join(format!("interleave-{}-{name}.json", std::process::id()));
    main(&args(&format!("{command} --trace {}", path.display()))).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let mut document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = document["traceEvents"].as_array().unwrap().clone();
    (events, document["otherData"].take())
}

#[test]
fn run_trace_writes_nested_slices_per_thread_a_gil_track_and_an_arrow_per_message() {
    let (events, about) = chrome_trace_of("run pipe --set messages=3 --seed 4", "pipe");
    assert_eq!((about["engine"].as_str(), about["seed"].as_str()), (Some("sim"), Some("4")));
    assert_eq!(about["knobs"]["messages"], "3");
    // On every track, slices nest: each starts after the one before ends, or inside it.
    // (In whole nanoseconds, as a viewer reads the format's microseconds.)
    let mut tracks: std::collections::BTreeMap<(u64, u64), Vec<(i64, i64)>> = Default::default();
    for e in events.iter().filter(|e| e["ph"] == "X") {
        let ns = |field: &str| (e[field].as_f64().unwrap() * 1000.0).round() as i64;
        let (ts, dur) = (ns("ts"), ns("dur"));
        assert!(dur > 0, "{e}");
        tracks.entry((e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap())).or_default().push((ts, ts + dur));
    }
    assert!(tracks.len() >= 4, "the main thread, two children and a GIL: {:?}", tracks.keys());
    for (track, mut slices) in tracks.clone() {
        slices.sort_unstable();
        let mut open: Vec<i64> = Vec::new();
        for (start, end) in slices {
            while open.last().is_some_and(|ends| *ends <= start) {
                open.pop();
            }
            assert!(open.last().is_none_or(|ends| end <= *ends), "{track:?}: a slice crosses the one it starts in");
            open.push(end);
        }
    }
    // A GIL track in each process, its slices named after the holder.
    let gil_tracks: Vec<u64> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == "GIL")
        .map(|e| e["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(gil_tracks.len(), 3, "the parent and both children");
    let gil_tid =
        events.iter().find(|e| e["ph"] == "M" && e["args"]["name"] == "GIL").map(|e| e["tid"].clone()).unwrap();
    assert_ne!(gil_tid, 0, "not thread 0, which viewers may merge with the first thread");
    assert!(events.iter().any(|e| e["ph"] == "X" && e["tid"] == gil_tid && e["name"] == "MainThread"));
    // Each message an arrow: a start and a finish with the same id.
    let ids = |ph: &str| -> Vec<u64> {
        let mut ids: Vec<u64> = events.iter().filter(|e| e["ph"] == ph).map(|e| e["id"].as_u64().unwrap()).collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(ids("s").len(), 4, "three messages there and `thanks` back");
    assert_eq!(ids("s"), ids("f"));
    assert!(events.iter().any(|e| e["ph"] == "i" && e["name"] == "print"));
}

#[test]
fn run_file_trace_holds_lock_holds_as_async_slices_and_a_bad_path_is_named() {
    let file = python_file(
        "trace_locks",
        "import threading\n\nlock = threading.Lock()\n\n\ndef work():\n    with lock:\n        print(\"in\")\n\n\nt = threading.Thread(target=work)\nt.start()\nt.join()\n",
    );
    let (events, _) = chrome_trace_of(&format!("run-file {file}"), "locks");
    let begins = events.iter().filter(|e| e["ph"] == "b" && e["cat"] == "lock").count();
    let ends = events.iter().filter(|e| e["ph"] == "e" && e["cat"] == "lock").count();
    assert_eq!((begins, ends), (1, 1));
    let error = main(&args(&format!("run-file {file} --trace /no/such/dir/t.json"))).unwrap_err();
    assert!(error.starts_with("--trace /no/such/dir/t.json: "), "{error}");
    assert!(main(&args("run gil --trace")).unwrap_err().contains("--trace needs a file"));
}
