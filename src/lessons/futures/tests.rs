use super::*;
use crate::lessons::parts::testing::{built, cpython, run};
use crate::lessons::source::line_text;

fn figure(pairs: &[(&str, &str)], trace: &Trace, name: &str) -> i64 {
    let (knobs, _) = built(&LESSON, pairs);
    let findings = (LESSON.findings)(&knobs, trace, Lang::En);
    findings.figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or_else(|| panic!("no {name}"))
}

/// The line of the program's source that contains `text`.
fn line_with(source: &str, text: &str) -> u32 {
    source.lines().position(|l| l.contains(text)).unwrap_or_else(|| panic!("no {text:?} in\n{source}")) as u32 + 1
}

/// The order the tasks finish in when each runs from its submission on its own worker:
/// by size, then by submission.
fn completion_order(tasks: u32) -> Vec<u32> {
    let knobs = Knobs::from_knobs(&built(&LESSON, &[("tasks", &tasks.to_string())]).0).unwrap();
    let plan = plan(&knobs, &Common::default());
    let mut order: Vec<u32> = (0..tasks).collect();
    order.sort_by_key(|&x| (plan.task_us(x), x));
    order
}

#[test]
fn fut_result_raises_the_tasks_exception_again_in_the_main_thread_after_the_results_before_it() {
    for (executor, method, before) in [
        ("thread", "result", vec![0, 1, 2]),
        ("thread", "map", vec![0, 1, 2]),
        ("process", "result", vec![0, 1, 2]),
        // Task 3 is one of the longest and submitted after task 0: it completes last.
        ("thread", "as_completed", vec![2, 5, 1, 4, 0]),
        ("process", "as_completed", vec![2, 5, 1, 4, 0]),
    ] {
        let pairs = [("executor", executor), ("method", method), ("fail", "3"), ("workers", "6")];
        let (_, b) = built(&LESSON, &pairs);
        let (_, trace) = run(&LESSON, &pairs);
        let source = &b.program.source;
        let error = trace.errors.iter().find(|e| e.actor == ActorId(0)).unwrap_or_else(|| panic!("{pairs:?}"));
        assert_eq!((error.exception.as_str(), error.message.as_str()), ("ValueError", "bad input 3"), "{pairs:?}");
        assert_eq!(error.origin, Some(line_with(source, "raise ValueError(f\"bad input {x}\")")), "{pairs:?}");
        let at = if method == "map" { "executor.map(" } else { ".result()" };
        assert_eq!(error.line, line_with(source, at), "{pairs:?}");
        assert!(line_text(source, error.line).contains(at));
        assert_eq!(printed_order(&trace), before, "{pairs:?}: {}", trace.console_text());
        assert!(!trace.console_text().contains("tasks in"), "nothing more from main after the raise");
        assert_eq!(trace.outcome, Outcome::Completed);
        assert_eq!(figure(&pairs, &trace, "raised"), 1);
    }
}

#[test]
fn leaving_the_with_block_waits_for_the_other_tasks_before_the_traceback() {
    // Task 2 is among the shortest (0.1 s) and raises first; task 0 takes 0.3 s, and the
    // `with` block waits for it before the exception leaves it.
    let pairs = [("fail", "2"), ("workers", "6")];
    let (_, trace) = run(&LESSON, &pairs);
    assert!(raised(&trace));
    assert!(printed_order(&trace).is_empty(), "{}", trace.console_text());
    let elapsed = elapsed_ms(&trace).unwrap();
    assert!((300..340).contains(&elapsed), "raised at {elapsed} ms");
}

#[test]
fn a_raising_map_cancels_the_tasks_not_yet_running_while_result_runs_them_all() {
    // One worker; task 0 (0.3 s) raises. The worker takes task 1 (0.2 s) as it sets task
    // 0's future, before the main thread cancels the rest: 0.5 s, as CPython has it. With
    // `fut.result()` nothing is cancelled and all six run: 1.2 s.
    let ms = |pairs: &[(&str, &str)]| {
        let (_, trace) = run(&LESSON, pairs);
        assert!(raised(&trace), "{pairs:?}");
        elapsed_ms(&trace).unwrap()
    };
    let one = [("workers", "1"), ("fail", "0")];
    let map = ms(&[one.as_slice(), &[("method", "map")]].concat());
    assert!((500..530).contains(&map), "thread map: {map} ms");
    let result = ms(&[one.as_slice(), &[("method", "result")]].concat());
    assert!((1200..1240).contains(&result), "thread result: {result} ms");
    // A process executor's call queue holds `max_workers + 1` items already running: tasks
    // 1 to 3 run after task 0 (0.3 + 0.2 + 0.1 + 0.3 s), tasks 4 and 5 are cancelled.
    let process = [one.as_slice(), &[("executor", "process")]].concat();
    let map = ms(&[process.as_slice(), &[("method", "map")]].concat());
    assert!((900..940).contains(&map), "process map: {map} ms");
    let result = ms(&[process.as_slice(), &[("method", "result")]].concat());
    assert!((1200..1240).contains(&result), "process result: {result} ms");
}

#[test]
fn as_completed_prints_in_completion_order_and_map_and_result_in_submission_order() {
    let finished = completion_order(6);
    assert_eq!(finished, [2, 5, 1, 4, 0, 3]);
    for executor in ["thread", "process"] {
        let pairs = [("executor", executor), ("workers", "6")];
        let (_, trace) = run(&LESSON, &pairs);
        assert_eq!(printed_order(&trace), finished, "{executor}: {}", trace.console_text());
        assert_eq!(figure(&pairs, &trace, "in_order"), 0);
        for method in ["map", "result"] {
            let pairs = [("executor", executor), ("workers", "6"), ("method", method)];
            let (_, trace) = run(&LESSON, &pairs);
            assert_eq!(printed_order(&trace), [0, 1, 2, 3, 4, 5], "{executor} {method}");
            assert_eq!(figure(&pairs, &trace, "in_order"), 1);
        }
    }
    // The task ends on its sleep: each task's sleep ended in the order printed.
    let (_, trace) = run(&LESSON, &[("workers", "6")]);
    let mut sleeps: Vec<(u64, u64)> = trace
        .spans
        .iter()
        .filter(|s| s.kind == crate::engine::trace::SpanKind::Sleep && s.actor != ActorId(0))
        .map(|s| (s.end, (s.end - s.start) / 100_000_000))
        .collect();
    sleeps.sort_unstable();
    let units: Vec<u64> = sleeps.iter().map(|&(_, units)| units).collect();
    let plan = plan(&Knobs::from_knobs(&built(&LESSON, &[]).0).unwrap(), &Common::default());
    let printed: Vec<u64> = printed_order(&trace).iter().map(|&x| plan.units(x)).collect();
    assert_eq!(units, printed);
}

fn elapsed(pairs: &[(&str, &str)]) -> (f64, f64) {
    let (_, trace) = run(&LESSON, pairs);
    (figure(pairs, &trace, "elapsed_ms") as f64, figure(pairs, &trace, "predicted_ms") as f64)
}

#[test]
fn cpu_bound_threads_take_the_sum_of_the_tasks_while_processes_split_it_and_io_overlaps() {
    // Six tasks of 3, 2, 1, 3, 2, 1 units of 0.02 s: 0.24 s of counting (a little less in
    // the simulator, whose countdown pass costs 32 ns where CPython's took 35).
    let cpu = [("work", "cpu"), ("size", "0.02"), ("cores", "2"), ("workers", "2")];
    let (threads, predicted) = elapsed(&cpu);
    assert_eq!(predicted, 240.0);
    assert!((210.0..265.0).contains(&threads), "threads under the GIL: {threads} ms");
    let (processes, predicted) = elapsed(&[cpu.as_slice(), &[("executor", "process")]].concat());
    assert_eq!(predicted, 120.0, "two workers on two cores: half");
    assert!((105.0..140.0).contains(&processes), "processes: {processes} ms");
    // More threads do not help under the GIL.
    let (six, _) = elapsed(&[("work", "cpu"), ("size", "0.02"), ("cores", "2"), ("workers", "6")]);
    assert!((210.0..265.0).contains(&six), "six threads: {six} ms");
    // I/O: each free worker takes the next task; with a worker per task, the longest one.
    for (workers, expected) in [("1", 600.0), ("2", 300.0), ("3", 200.0), ("6", 150.0)] {
        let pairs = [("size", "0.05"), ("workers", workers)];
        let (measured, predicted) = elapsed(&pairs);
        assert_eq!(predicted, expected, "{workers} workers");
        assert!((expected..expected * 1.06 + 5.0).contains(&measured), "{workers} workers: {measured} ms");
    }
    // Sizes of 3, 2, 1 units over three workers even out every six tasks: ceil(tasks / 3)
    // rounds of the mean task (2 units, 0.1 s).
    for tasks in [6, 12, 18] {
        let pairs = [("size", "0.05"), ("workers", "3"), ("tasks", &tasks.to_string())];
        let (measured, predicted) = elapsed(&pairs);
        let rounds = (f64::from(tasks) / 3.0).ceil();
        assert_eq!(predicted, rounds * 100.0, "{tasks} tasks");
        assert!((predicted..predicted * 1.06 + 5.0).contains(&measured), "{tasks} tasks: {measured} ms");
    }
}

#[test]
fn the_default_max_workers_is_cpythons() {
    assert_eq!(default_workers(Kind::Thread, 2), 6);
    assert_eq!(default_workers(Kind::Thread, 27), 31);
    assert_eq!(default_workers(Kind::Thread, 64), 32);
    assert_eq!(default_workers(Kind::Process, 2), 2);
    assert_eq!(default_workers(Kind::Process, 12), 12);
    // Found in a run: the figure, the threads started and the findings' words.
    let pairs = [("cores", "4"), ("tasks", "12")];
    let (_, trace) = run(&LESSON, &pairs);
    assert_eq!(figure(&pairs, &trace, "workers"), 8);
    assert_eq!(figure(&pairs, &trace, "started"), 8);
    let (knobs, b) = built(&LESSON, &pairs);
    assert!(b.program.source.contains("with ThreadPoolExecutor() as executor:"), "{}", b.program.source);
    let said = (LESSON.findings)(&knobs, &trace, Lang::En);
    assert!(said.details.iter().any(|d| d.contains("`min(32, 4 + 4)` = 8")), "{said:?}");
    let pairs = [("cores", "3"), ("executor", "process")];
    let (_, trace) = run(&LESSON, &pairs);
    assert_eq!(figure(&pairs, &trace, "workers"), 3);
    assert_eq!(figure(&pairs, &trace, "started"), 3);
    // And as this machine's CPython has it.
    let probe = "import os\nfrom concurrent.futures import ThreadPoolExecutor as T, ProcessPoolExecutor as P\n\
                 print(os.cpu_count(), T()._max_workers, P()._max_workers)\n";
    let Some(out) = cpython(probe) else { return };
    let text = String::from_utf8(out.stdout).unwrap();
    let numbers: Vec<u32> = text.split_whitespace().map(|n| n.parse().unwrap()).collect();
    assert_eq!(numbers[1], default_workers(Kind::Thread, numbers[0]), "{text}");
    assert_eq!(numbers[2], default_workers(Kind::Process, numbers[0]), "{text}");
}

#[test]
fn the_generated_python_runs_in_cpython_and_prints_what_the_sim_prints() {
    let variants: &[&[(&str, &str)]] = &[
        &[],
        &[("method", "map")],
        &[("method", "result"), ("work", "cpu"), ("size", "0.01")],
        &[("executor", "process"), ("workers", "2")],
        &[("executor", "process"), ("method", "map"), ("chunksize", "2"), ("tasks", "5")],
        &[("executor", "process"), ("method", "result"), ("start_method", "spawn")],
        &[("method", "map"), ("fail", "3")],
        &[("executor", "process"), ("method", "map"), ("chunksize", "2"), ("fail", "3")],
        &[("method", "result"), ("fail", "4"), ("workers", "2")],
    ];
    for &variant in variants {
        let pairs = [&[("size", "0.02")], variant].concat();
        let (_, b) = built(&LESSON, &pairs);
        b.program.validate().unwrap();
        let (_, trace) = run(&LESSON, &pairs);
        let Some(out) = cpython(&b.program.source) else { return };
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tasks = |text: &str| text.lines().filter(|l| l.starts_with("task ")).map(String::from).collect::<Vec<_>>();
        let (python, sim) = (tasks(&stdout), tasks(&trace.console_text()));
        let ordered = !pairs.contains(&("method", "as_completed")) && pairs.iter().any(|(k, _)| *k == "method");
        if ordered {
            assert_eq!(python, sim, "{pairs:?}\n{}", b.program.source);
        } else {
            let sorted = |mut v: Vec<String>| {
                v.sort();
                v
            };
            assert_eq!(sorted(python), sorted(sim.clone()), "{pairs:?}");
        }
        if let Some((_, fail)) = pairs.iter().find(|(k, _)| *k == "fail") {
            assert!(raised(&trace), "{pairs:?}");
            assert_eq!(out.status.code(), Some(1), "{pairs:?}");
            assert!(stderr.trim_end().ends_with(&format!("ValueError: bad input {fail}")), "{pairs:?}: {stderr}");
            assert!(!stdout.contains("tasks in"), "{pairs:?}");
        } else {
            assert!(out.status.success(), "{pairs:?}: {stderr}");
            assert!(stdout.contains(" tasks in ") && trace.console_text().contains(" tasks in "), "{pairs:?}");
        }
    }
}

#[test]
fn chunksize_shows_only_for_a_process_executors_map_and_chunks_travel_as_one_item() {
    let shows = |pairs: &[(&str, &str)]| (INFO.shows)(&built(&LESSON, pairs).0, "chunksize");
    assert!(!shows(&[]));
    assert!(!shows(&[("method", "map")]));
    assert!(!shows(&[("executor", "process")]));
    assert!(shows(&[("executor", "process"), ("method", "map")]));
    let (_, b) = built(&LESSON, &[("method", "map"), ("chunksize", "3")]);
    assert!(!b.program.source.contains("chunksize"), "a thread executor ignores it");
    let pairs = [("executor", "process"), ("method", "map"), ("chunksize", "4"), ("tasks", "10"), ("workers", "2")];
    let (_, b) = built(&LESSON, &pairs);
    assert!(b.program.source.contains("executor.map(task, range(10), chunksize=4)"));
    let (_, trace) = run(&LESSON, &pairs);
    assert_eq!(printed_order(&trace), (0..10).collect::<Vec<_>>());
    // Chunks of 4, 4 and 2 inputs: three work items through the call queue.
    let call_queue = b.program.objects.iter().position(|o| o.name == "executor._call_queue").unwrap();
    let puts = trace
        .marks
        .iter()
        .filter(|m| matches!(m.kind, MarkKind::Received { object, .. } if object.0 as usize == call_queue))
        .count();
    assert_eq!(puts, 3 + 2, "three chunks and a `None` for each of the two workers");
}

#[test]
fn the_korean_findings_of_each_variant_have_no_english_outside_identifiers() {
    let variants: &[&[(&str, &str)]] = &[
        &[("fail", "3")],
        &[("fail", "2"), ("workers", "6")],
        &[("executor", "process"), ("method", "map"), ("chunksize", "2"), ("fail", "3")],
        &[("executor", "process"), ("work", "cpu"), ("size", "0.01"), ("workers", "2")],
        &[("work", "cpu"), ("size", "0.01"), ("python", "3.13t")],
        &[("executor", "process"), ("start_method", "spawn"), ("method", "result")],
    ];
    let allowed = ["GIL", "CPU", "I", "O", "ms", "CPython"];
    for &pairs in variants {
        let (knobs, trace) = run(&LESSON, pairs);
        let ko = (LESSON.findings)(&knobs, &trace, Lang::Ko);
        let en = (LESSON.findings)(&knobs, &trace, Lang::En);
        assert_eq!(ko.details.len(), en.details.len());
        for (k, e) in std::iter::once((&ko.headline, &en.headline)).chain(ko.details.iter().zip(&en.details)) {
            let spans = |t: &str| {
                let mut s: Vec<String> = t.split('`').skip(1).step_by(2).map(String::from).collect();
                s.sort();
                s
            };
            assert_eq!(spans(k), spans(e), "{pairs:?}: {k} / {e}");
            let english: Vec<&str> = k
                .split('`')
                .step_by(2)
                .flat_map(|p| p.split(|c: char| !c.is_ascii_alphabetic()))
                .filter(|w| w.len() >= 2 && !allowed.contains(w))
                .collect();
            assert!(english.is_empty(), "{pairs:?}: {english:?} in {k}");
        }
    }
}
