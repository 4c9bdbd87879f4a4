use std::sync::Arc;

use super::*;
use crate::engine::clock::HostClock;
use crate::engine::live::probe::ProbeRequest;
use crate::engine::sim::ActorState;
use crate::lessons::failures::tests::assert_worded;
use crate::worker::protocol::{ExportFile, StepEnd, StepMove, StepView};

pub(super) fn driver(pool_threads: u32) -> Driver {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap();
    Driver::new(Arc::new(pool), Arc::new(HostClock), pool_threads)
}

pub(super) fn knobs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    super::pairs(pairs)
}

/// A lesson's scenario, its own program.
pub(super) fn scenario(lesson: String, knobs: Vec<(String, String)>) -> Scenario {
    Scenario { lesson, knobs, code: None }
}

/// Polls until nothing is under way (or moving by itself); every response on the way.
pub(super) fn settle(driver: &mut Driver) -> Vec<Response> {
    let mut out = driver.take_responses();
    for _ in 0..100_000 {
        match driver.poll() {
            Next::Idle => break,
            Next::PollIn(ms) => std::thread::sleep(std::time::Duration::from_millis(ms.max(0) as u64)),
        }
        out.extend(driver.take_responses());
    }
    out.extend(driver.take_responses());
    out
}

fn run_done(responses: &[Response]) -> (&Trace, &Vec<crate::lessons::FindingsText>) {
    responses
        .iter()
        .find_map(|r| match r {
            Response::RunDone { trace, findings, .. } => Some((trace, findings)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no RunDone in {responses:?}"))
}

/// Why the job failed, in English; it is worded in Korean too.
fn failed(responses: &[Response]) -> &str {
    let message = responses
        .iter()
        .find_map(|r| match r {
            Response::Failed { message, .. } => Some(message),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Failed in {responses:?}"));
    assert_worded(message);
    &message.en
}

fn last_view(responses: &[Response]) -> &StepView {
    responses
        .iter()
        .rev()
        .find_map(|r| match r {
            Response::Stepped { view, .. } => Some(view.as_ref()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Stepped in {responses:?}"))
}

#[test]
fn a_simulated_run_ends_with_its_findings_and_its_whole_console_stays_for_a_download() {
    let mut d = driver(0);
    d.handle(Request::Run { run: 3, scenario: scenario("lock_print".into(), knobs(&[("iterations", "3000")])) });
    // One job at a time.
    d.handle(Request::Run { run: 4, scenario: scenario("race_counter".into(), vec![]) });
    assert_eq!(failed(&d.take_responses()), "run 3 is still going");
    let out = settle(&mut d);
    let (trace, findings) = run_done(&out);
    assert_eq!(findings.len(), crate::i18n::Lang::ALL.len());
    assert!(trace.omitted.is_some(), "12 000 lines are cut for the page");
    d.handle(Request::Export { run: 3, file: ExportFile::Console });
    let Some(Response::Export { text: Some(text), .. }) = d.take_responses().pop() else { panic!() };
    // Two threads, two lines an iteration.
    assert_eq!(text.lines().count(), 12_000);
    d.handle(Request::Export { run: 2, file: ExportFile::Console });
    assert_eq!(d.take_responses(), vec![Response::Export { run: 2, file: ExportFile::Console, text: None }]);
}

#[test]
fn a_cancelled_simulated_run_ends_as_cancelled_and_bad_requests_are_refused_by_name() {
    let mut d = driver(0);
    d.handle(Request::Run {
        run: 1,
        scenario: scenario("race_counter".into(), knobs(&[("increments", "5000000"), ("lock", "each")])),
    });
    d.poll();
    d.handle(Request::Cancel { run: 1 });
    let out = settle(&mut d);
    assert_eq!(run_done(&out).0.outcome, Outcome::Cancelled);

    d.handle(Request::Run { run: 2, scenario: scenario("no_such\u{202e}lesson".into(), vec![]) });
    let message = failed(&d.take_responses()).to_string();
    assert!(message.starts_with("there is no lesson") && !message.contains('\u{202e}'), "{message}");
    d.handle(Request::Run { run: 3, scenario: scenario("race_counter".into(), knobs(&[("engine", "live")])) });
    assert!(failed(&d.take_responses()).contains("thread pool"));
    d.handle(Request::Probe { run: 4, request: ProbeRequest { jobs: 0, units_per_job: 1 } });
    assert!(failed(&d.take_responses()).contains("a probe takes 1 to"));
    assert_eq!(d.next(), Next::Idle);
}

#[test]
fn a_live_run_streams_its_console_and_ends_with_its_findings() {
    let mut d = driver(POOL_THREADS as u32);
    let pairs = knobs(&[("engine", "live"), ("iterations", "2000")]);
    d.handle(Request::Run { run: 7, scenario: scenario("lock_print".into(), pairs) });
    let out = settle(&mut d);
    let (trace, findings) = run_done(&out);
    assert_eq!(trace.outcome, Outcome::Completed);
    assert!(!findings[0].headline.is_empty());
}

#[test]
fn the_stepper_takes_turns_as_asked_and_its_end_is_the_whole_run() {
    let mut d = driver(0);
    let pairs = knobs(&[("threads", "2"), ("increments", "2")]);
    d.handle(Request::Step { run: 5, scenario: scenario("race_counter".into(), pairs.clone()) });
    let opened = d.take_responses();
    assert_eq!(last_view(&opened).snapshot.turns, 0);
    assert_eq!(last_view(&opened).snapshot.actors[0].state, ActorState::Ready);
    // Nothing moves by itself, and nothing else runs meanwhile.
    assert_eq!(d.poll(), Next::Idle);
    d.handle(Request::Run { run: 6, scenario: scenario("race_counter".into(), vec![]) });
    assert_eq!(failed(&d.take_responses()), "run 5 is still going");

    let mut turns = 0;
    loop {
        d.handle(Request::StepMove { run: 5, step: StepMove::Turn(None) });
        let view = last_view(&d.take_responses()).clone();
        turns += 1;
        assert_eq!(view.snapshot.turns, turns);
        if let Some(end) = view.end {
            let StepEnd::Finished { findings } = end else { panic!("{end:?}") };
            assert_eq!(findings[0].figures.iter().find(|(n, _)| n == "lost").map(|(_, v)| *v), Some(0));
            assert_eq!(view.trace.console_text(), "counter = 4 (expected 4)\n");
            assert!(view.snapshot.actors.iter().all(|a| a.state == ActorState::Done));
            assert!(view.schedule.is_empty(), "no picks: {}", view.schedule);
            break;
        }
        assert!(turns < 10_000);
    }
    // The whole run equals the one taken at once.
    let (_, built) = lessons::build_from_pairs(lessons::lesson("race_counter").unwrap(), &pairs).unwrap();
    let (program, settings) = built.into_sim();
    let whole = crate::engine::sim::run(program, settings).unwrap();
    d.handle(Request::Export { run: 5, file: ExportFile::Console });
    let text = Some(whole.console_text());
    assert_eq!(d.take_responses(), vec![Response::Export { run: 5, file: ExportFile::Console, text }]);
    // A stepped run, once ended, is a whole run like any: its trace and results too.
    d.handle(Request::Export { run: 5, file: ExportFile::Trace });
    let [Response::Export { run: 5, text: Some(json), .. }] = &d.take_responses()[..] else { panic!() };
    let document: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(document["traceEvents"].as_array().is_some_and(|e| !e.is_empty()));
    d.handle(Request::Export { run: 5, file: ExportFile::Results });
    let [Response::Export { run: 5, text: Some(json), .. }] = &d.take_responses()[..] else { panic!() };
    let results: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(results["lesson"], "race_counter");
    assert_eq!(results["console"], whole.console_text());
    // Closing frees the worker at once.
    d.handle(Request::Cancel { run: 5 });
    assert_eq!(d.next(), Next::Idle);
    d.handle(Request::Source { lesson: "race_counter".into(), knobs: vec![] });
    d.handle(Request::Run { run: 6, scenario: scenario("race_counter".into(), knobs(&[("increments", "10")])) });
    assert!(matches!(&settle(&mut d)[..], [Response::Source { text: Ok(_), .. }, .., Response::RunDone { .. }]));
}

/// Regression: a click on a thread that could no longer run (the view had moved on, as
/// when playing) ended the stepper with an error.
#[test]
fn a_pick_shows_in_the_schedule_one_that_no_longer_applies_is_ignored_and_a_misfit_fails() {
    let mut d = driver(0);
    let pairs = knobs(&[("threads", "2"), ("increments", "2"), ("gil", "off")]);
    d.handle(Request::Step { run: 1, scenario: scenario("race_counter".into(), pairs) });
    // main starts Thread-1 and waits for it to run; it runs its first line (a turn of
    // its own); then waiting, while it could run on, is a pick.
    d.handle(Request::StepMove { run: 1, step: StepMove::Turn(None) });
    d.handle(Request::StepMove { run: 1, step: StepMove::Wait });
    d.handle(Request::StepMove { run: 1, step: StepMove::Turn(None) });
    d.handle(Request::StepMove { run: 1, step: StepMove::Wait });
    let before = last_view(&d.take_responses()).clone();
    assert_eq!(before.schedule, "2w");
    // Thread-2 is not started yet, and there is no 99th thread.
    d.handle(Request::StepMove { run: 1, step: StepMove::Turn(Some(2)) });
    d.handle(Request::StepMove { run: 1, step: StepMove::Turn(Some(99)) });
    let view = last_view(&d.take_responses()).clone();
    assert_eq!((view.snapshot.turns, view.end), (before.snapshot.turns, None), "nothing moved");
    // A move for another run changes nothing and is not answered.
    d.handle(Request::StepMove { run: 9, step: StepMove::Turn(None) });
    assert!(d.take_responses().is_empty());
    d.handle(Request::Cancel { run: 1 });

    let pairs = knobs(&[("threads", "2"), ("increments", "2"), ("schedule", "0t2")]);
    d.handle(Request::Step { run: 2, scenario: scenario("race_counter".into(), pairs) });
    d.handle(Request::StepMove { run: 2, step: StepMove::Turn(None) });
    let Some(StepEnd::Failed(why)) = last_view(&d.take_responses()).end.clone() else { panic!() };
    assert!(why.en.contains("cannot run: it is not started yet"), "{why:?}");
    assert!(why.ko.contains("아직 시작하지 않았습니다"), "{why:?}");
}

#[test]
fn the_stepper_plays_and_runs_to_the_end_by_itself_and_pauses_when_asked() {
    let mut d = driver(0);
    let pairs = knobs(&[("threads", "2"), ("increments", "20000")]);
    d.handle(Request::Step { run: 1, scenario: scenario("race_counter".into(), pairs) });
    d.handle(Request::StepMove { run: 1, step: StepMove::Play { per_second: 2000 } });
    assert!(last_view(&d.take_responses()).moving);
    assert_eq!(d.next(), Next::PollIn(step_tick()));
    d.poll();
    d.poll();
    assert_eq!(last_view(&d.take_responses()).snapshot.turns, 200, "100 turns a tick");
    d.handle(Request::StepMove { run: 1, step: StepMove::Pause });
    assert!(!last_view(&d.take_responses()).moving);
    assert_eq!(d.next(), Next::Idle);
    d.handle(Request::StepMove { run: 1, step: StepMove::ToEnd });
    let out = settle(&mut d);
    let view = last_view(&out);
    assert!(!view.moving);
    assert_eq!(view.trace.console_text(), "counter = 40000 (expected 40000)\n");
    assert!(matches!(view.end, Some(StepEnd::Finished { .. })));
}

fn step_tick() -> i32 {
    match step::StepSession::open(Setup::new(lessons::lesson("race_counter").unwrap(), &[], None).unwrap()) {
        Ok(mut session) => {
            session.make(StepMove::Play { per_second: 2 }, 0);
            match session.next() {
                Next::PollIn(ms) => ms,
                Next::Idle => panic!("a playing stepper polls"),
            }
        }
        Err(e) => panic!("{}", e.en),
    }
}

#[test]
fn the_source_of_a_lesson_comes_with_its_knobs() {
    let mut d = driver(0);
    let pairs = knobs(&[("lock", "each")]);
    d.handle(Request::Source { lesson: "race_counter".into(), knobs: pairs.clone() });
    let [Response::Source { lesson, knobs: asked, text: Ok(text), words: said }] = &d.take_responses()[..] else {
        panic!()
    };
    assert_eq!((lesson.as_str(), asked), ("race_counter", &pairs));
    assert!(text.contains("with lock:"), "{text}");
    // And what the lesson says of itself, in both languages (the page does not carry it).
    let words = crate::lessons::lesson("race_counter").unwrap().words;
    assert_eq!(
        (said.explanation.en.as_str(), said.explanation.ko.as_str()),
        (words.explanation.en, words.explanation.ko)
    );
    assert_eq!(said.seed_changes.en, words.seed_changes.en);
    // What each knob its form shows means: its own, then the common ones it takes.
    let names: Vec<&str> = said.knobs.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["threads", "increments", "lock", "between", "engine", "seed", "cores", "gil", "python"]);
    let lock = said.knob("lock").unwrap();
    assert_eq!((lock.label.en.as_str(), lock.help.ko.as_str()), (words.knobs[2].label.en, words.knobs[2].help.ko));
    d.handle(Request::Source { lesson: "race_counter".into(), knobs: knobs(&[("threads", "x")]) });
    let [Response::Source { text: Err(why), .. }] = &d.take_responses()[..] else { panic!() };
    assert!(why.en.contains("threads") && why.ko.contains("`threads=x`"), "{why:?}");
}

#[test]
fn a_panic_or_a_stalled_pool_is_reported_once_and_then_nothing_runs() {
    let mut d = driver(POOL_THREADS as u32);
    assert!(d.heartbeat(None, 1, 100));
    assert_eq!(d.take_responses(), vec![Response::Heartbeat { memory_bytes: 100 }]);
    // The pool's count stops moving: stalled after four quiet beats.
    for _ in 0..3 {
        assert!(d.heartbeat(None, 1, 100));
    }
    assert!(!d.heartbeat(None, 1, 100));
    assert_eq!(d.take_responses().pop(), Some(Response::PoolStalled));
    assert!(!d.heartbeat(Some("boom".into()), 1, 100));
    assert!(d.take_responses().is_empty(), "told once");

    let mut d = driver(0);
    assert!(!d.heartbeat(Some("boom".into()), 0, 100), "no pool, no heartbeat job");
    assert_eq!(d.take_responses(), vec![Response::Panicked { message: "boom".into() }]);
    d.handle(Request::Run { run: 1, scenario: scenario("race_counter".into(), vec![]) });
    assert_eq!(d.poll(), Next::Idle, "a broken worker runs nothing more");
}

#[test]
fn the_learners_text_is_checked_at_once_and_runs_in_place_of_the_lessons_program() {
    let mut d = driver(0);
    let code = "import threading\n\ntotal = 0\n\n\ndef add():\n    global total\n    total += 5\n\n\n\
                t = threading.Thread(target=add)\nt.start()\nt.join()\nprint(f\"total = {total}\")\n";
    d.handle(Request::Check { id: 4, code: code.into() });
    let [Response::Checked { id: 4, result: Ok(names), .. }] = &d.take_responses()[..] else { panic!() };
    assert_eq!(names, &vec!["total".to_string()]);
    d.handle(Request::Check { id: 5, code: "class A:\n    pass\n".into() });
    let [Response::Checked { id: 5, result: Err(e), .. }] = &d.take_responses()[..] else { panic!() };
    assert_eq!((e.line, e.column), (1, 1));

    let edited = Scenario { lesson: "race_counter".into(), knobs: knobs(&[("threads", "8")]), code: Some(code.into()) };
    d.handle(Request::Run { run: 6, scenario: edited });
    let out = settle(&mut d);
    let Some(Response::RunDone { trace, findings, .. }) = out.iter().find(|r| matches!(r, Response::RunDone { .. }))
    else {
        panic!("{out:?}")
    };
    assert_eq!(trace.console_text(), "total = 5\n");
    assert_eq!(trace.actors.len(), 2, "the learner's one thread, not the lesson's eight");
    assert!(findings[0].headline.starts_with("Your program ran to its end"), "{findings:?}");
    assert!(findings[1].headline.contains("끝까지 실행"), "{findings:?}");
    // A refused text fails the run with its place.
    let refused = Scenario { lesson: "race_counter".into(), knobs: vec![], code: Some("x = (\n".into()) };
    d.handle(Request::Run { run: 7, scenario: refused });
    assert!(failed(&d.take_responses()).starts_with("line "), "the refusal names its line");
}

#[test]
fn the_last_run_is_written_as_a_chrome_trace_on_request_and_no_other() {
    let mut d = driver(0);
    let pairs = knobs(&[("messages", "2"), ("seed", "3")]);
    d.handle(Request::Run { run: 8, scenario: scenario("pipe".into(), pairs) });
    assert!(matches!(settle(&mut d).last(), Some(Response::RunDone { .. })));
    d.handle(Request::Export { run: 8, file: ExportFile::Trace });
    let [Response::Export { run: 8, text: Some(json), .. }] = &d.take_responses()[..] else { panic!() };
    let document: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(document["otherData"]["seed"], "3");
    assert_eq!(document["otherData"]["knobs"]["messages"], "2");
    let arrows = document["traceEvents"].as_array().unwrap().iter().filter(|e| e["ph"] == "s").count();
    assert_eq!(arrows, 3, "two messages and `thanks`");
    // An earlier run's trace is gone: nothing is written for it.
    d.handle(Request::Export { run: 7, file: ExportFile::Trace });
    assert_eq!(d.take_responses(), vec![Response::Export { run: 7, file: ExportFile::Trace, text: None }]);
}

#[test]
fn the_last_run_is_written_as_results_the_shape_the_command_line_prints() {
    let mut d = driver(0);
    let pairs = knobs(&[("threads", "3"), ("increments", "2000"), ("seed", "5")]);
    d.handle(Request::Run { run: 4, scenario: scenario("race_counter".into(), pairs) });
    assert!(matches!(settle(&mut d).last(), Some(Response::RunDone { .. })));
    d.handle(Request::Export { run: 4, file: ExportFile::Results });
    let [Response::Export { run: 4, text: Some(json), .. }] = &d.take_responses()[..] else { panic!() };
    let results: serde_json::Value = serde_json::from_str(json).unwrap();
    // The same run from the command line's code: the same document.
    let lesson = lessons::lesson("race_counter").unwrap();
    let setup = Setup::new(lesson, &knobs(&[("threads", "3"), ("increments", "2000"), ("seed", "5")]), None).unwrap();
    let (program, settings) = setup.build().unwrap().into_sim();
    let trace = crate::engine::sim::run(program, settings).unwrap();
    let findings = setup.findings(&trace, crate::i18n::Lang::En);
    let pairs = setup.knobs.pairs();
    let cli = crate::lessons::results::RunResults::new("race_counter", &pairs, 5, false, &trace, &findings).to_json();
    assert_eq!(results, serde_json::from_str::<serde_json::Value>(&cli).unwrap());
    assert_eq!(results["knobs"]["threads"], "3");
    assert_eq!(results["outcome"], "completed");
    assert_eq!(results["findings"]["figures"]["expected"], 6000);
    let hangul = |h: &str| h.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c));
    assert!(results["findings"]["headline"].as_str().is_some_and(|h| !hangul(h)), "in English");
    // Its timeline, drawn whole, titled in the language asked for: a lane per thread.
    d.handle(Request::Export { run: 4, file: ExportFile::Timeline(crate::i18n::Lang::Ko) });
    let [Response::Export { run: 4, text: Some(svg), .. }] = &d.take_responses()[..] else { panic!() };
    assert!(svg.starts_with("<?xml") && hangul(svg));
    assert!(svg.matches(r#"<g class="lane"#).count() >= 4, "MainThread and three threads");
}

#[test]
fn a_sweep_is_drawn_a_plot_per_figure_and_cancel_keeps_the_runs_so_far() {
    use crate::lessons::sweep::SweepRequest;
    let gil = |values: &str, seeds: u32| SweepRequest {
        knob: "workers".into(),
        values: values.into(),
        series: Some("mode".into()),
        seeds,
    };
    let mut d = driver(0);
    let base = knobs(&[("work", "cpu"), ("size", "100")]);
    let en = crate::i18n::Lang::En;
    d.handle(Request::Sweep {
        run: 3,
        scenario: scenario("gil".into(), base.clone()),
        request: gil("1-2", 1),
        lang: en,
    });
    let out = settle(&mut d);
    let Some(Response::SweepDone { run: 3, result }) = out.last() else { panic!("{out:?}") };
    assert_eq!((result.runs, result.planned), (6, 6));
    // A plot per figure, the speed-up shown, a curve for each mode in each.
    assert!(result.markup.contains(r#"<option value="speedup" selected>"#), "{}", result.markup);
    assert!(result.markup.contains(r#"<figure class="sweep-plot" data-figure="speedup">"#));
    assert!(result.markup.contains(r#"data-figure="python_ms" hidden>"#));
    let speedup = result.markup.split(r#"data-figure="speedup">"#).nth(1).unwrap().split("</figure>").next().unwrap();
    assert_eq!(speedup.matches("<polyline").count(), 2, "threads and processes (serial work has no speed-up)");
    assert_eq!(result.csv.lines().count(), 7);
    // A long sweep, cancelled after its first runs: what ran is drawn.
    d.handle(Request::Sweep {
        run: 4,
        scenario: scenario("gil".into(), knobs(&[("work", "cpu"), ("size", "5000")])),
        request: gil("1-8", 10),
        lang: en,
    });
    let mut ran = 0;
    while ran < 2 {
        d.poll();
        for response in d.take_responses() {
            if let Response::Progress { run: 4, done, .. } = response {
                ran = done;
            }
        }
    }
    d.handle(Request::Cancel { run: 4 });
    let out = settle(&mut d);
    let Some(Response::SweepDone { run: 4, result }) = out.last() else { panic!("{out:?}") };
    assert!(result.runs >= 2 && result.runs < result.planned, "{} of {}", result.runs, result.planned);
    assert_eq!(result.csv.lines().count() as u64, result.runs + 1);
    // A bad request is refused by name, and the worker takes the next job.
    d.handle(Request::Sweep { run: 5, scenario: scenario("gil".into(), base), request: gil("0-3", 1), lang: en });
    assert!(failed(&d.take_responses()).contains("workers"));
}
