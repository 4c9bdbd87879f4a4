//! The reducer's transitions, without a browser.

use super::*;
use crate::engine::control::StopReason;
use crate::engine::explore::ExploreReport;
use crate::engine::live::probe::{JobReport, ProbeRequest};
use crate::engine::trace::{EngineKind, Outcome};
use crate::worker::protocol::{Prose, Scenario, StepEnd};

fn ready(hardware_concurrency: u32) -> State {
    State::new(PageQuery::default(), true, hardware_concurrency).reduce(Action::WorkerReady {
        isolated: true,
        pool_threads: 17,
        hardware_concurrency,
    })
}

fn report(jobs: u32, wall: u64, stopped: Option<StopReason>) -> ProbeReport {
    ProbeReport {
        request: ProbeRequest::split(PROBE_UNITS, jobs),
        jobs: (0..jobs)
            .map(|j| JobReport { job: j, pool_thread: Some(j), start: 0, end: wall, checksum: 0, stopped })
            .collect(),
        wall,
        stopped,
    }
}

fn empty_trace() -> Trace {
    Trace::from_recorders(EngineKind::Simulated, vec![], vec![], 0, Outcome::Completed)
}

fn running(state: &State) -> (u32, u32) {
    match state.probe_phase() {
        ProbePhase::Running { run, jobs, .. } => (run, jobs),
        ref other => panic!("not running: {other:?}"),
    }
}

#[test]
fn a_pool_check_runs_one_two_then_all_cores_and_computes_speedups() {
    let mut state = ready(4).reduce(Action::StartProbe);
    for (jobs, wall) in [(1, 400), (2, 200), (4, 125)] {
        let (run, running_jobs) = running(&state);
        assert_eq!(running_jobs, jobs);
        assert!(matches!(state.outbox.last(), Some((_, Request::Probe { run: r, .. })) if *r == run));
        state = state.reduce(Action::ProbeFinished { run, report: report(jobs, wall, None), trace: empty_trace() });
    }
    assert_eq!(state.probe_phase(), ProbePhase::Idle);
    let speedups: Vec<Option<f64>> = state.rows.iter().map(|r| r.speedup).collect();
    assert_eq!(speedups, vec![Some(1.0), Some(2.0), Some(3.2)]);
}

#[test]
fn cancel_sends_cancel_and_stops_the_plan() {
    let state = ready(2).reduce(Action::StartProbe);
    let (run, _) = running(&state);
    let state = state.reduce(Action::Cancel);
    assert_eq!(state.outbox.last().map(|(_, r)| r), Some(&Request::Cancel { run }));
    let state = state.reduce(Action::ProbeFinished {
        run,
        report: report(1, 10, Some(StopReason::Cancelled)),
        trace: empty_trace(),
    });
    assert_eq!(state.probe_phase(), ProbePhase::Cancelled);
    assert!(state.pending_jobs.is_empty());
    assert!(state.rows.is_empty());
}

#[test]
fn a_restart_mid_run_ends_the_run_and_says_why() {
    let reason = crate::said!("panic", "패닉");
    let state = ready(2).reduce(Action::StartProbe).reduce(Action::WorkerRestarted { reason: reason.clone() });
    assert_eq!(state.worker, WorkerStatus::Starting);
    assert_eq!(state.probe_phase(), ProbePhase::Cancelled);
    assert_eq!(state.restarted, Some(reason));
    // The fresh worker's handshake makes the check available again.
    let state = state
        .reduce(Action::WorkerReady { isolated: true, pool_threads: 17, hardware_concurrency: 2 })
        .reduce(Action::StartProbe);
    assert!(state.probe_running());
}

#[test]
fn reports_from_an_old_run_are_ignored() {
    let state = ready(2).reduce(Action::StartProbe);
    let (run, _) = running(&state);
    let state =
        state.reduce(Action::ProbeFinished { run: run + 100, report: report(1, 10, None), trace: empty_trace() });
    assert_eq!(running(&state).0, run);
}

#[test]
fn a_lesson_run_sends_the_link_knobs_and_keeps_them_for_the_findings() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let state = ready(2)
        .reduce(Action::OpenLesson(lesson))
        .reduce(Action::SetKnob { name: "threads".into(), value: "3".into() });
    let state = state.reduce(Action::RunLesson);
    let Some((_, Request::Run { run, scenario: Scenario { lesson: id, knobs, code: None } })) =
        state.outbox.last().cloned()
    else {
        panic!("no run sent")
    };
    assert_eq!(id, "race_counter");
    assert!(knobs.contains(&("threads".to_string(), "3".to_string())));
    // The learner changes a knob during the run: the findings still use the run's own.
    let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "8".into() });
    let state = state.reduce(Action::RunFinished { run, trace: empty_trace(), findings: vec![] });
    assert_eq!(state.run_phase(), RunPhase::Idle);
    assert_eq!(state.finished.as_ref().unwrap().knobs.whole("threads"), Ok(3));
}

#[test]
fn a_bad_knob_value_from_the_form_is_clamped_with_a_note_that_goes_once_fixed() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let state = ready(2)
        .reduce(Action::OpenLesson(lesson))
        .reduce(Action::SetKnob { name: "threads".into(), value: "99".into() });
    assert_eq!(state.query.value("threads"), Some(&crate::knobs::KnobValue::Int(16)));
    assert_eq!(state.form_notes.len(), 1);
    let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "5".into() });
    assert!(state.form_notes.is_empty());
}

#[test]
fn one_run_at_a_time() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let state = ready(2).reduce(Action::OpenLesson(lesson)).reduce(Action::RunLesson);
    let sent = state.outbox.len();
    let state = state.reduce(Action::RunLesson).reduce(Action::StartProbe);
    assert_eq!(state.outbox.len(), sent);
    let state = state.reduce(Action::Cancel);
    assert!(matches!(state.outbox.last(), Some((_, Request::Cancel { .. }))));
    assert!(matches!(state.run_phase(), RunPhase::Cancelling { .. }));
}

#[test]
fn an_exploration_runs_in_the_worker_can_be_cancelled_and_its_find_opens_in_the_stepper() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let request = ExploreRequest { seeds: 3, picks: 2, max_runs: 100, stop_at_first_break: true };
    let state = ready(2)
        .reduce(Action::OpenLesson(lesson))
        .reduce(Action::SetKnob { name: "schedule".into(), value: "3t1".into() })
        .reduce(Action::StartExplore(request));
    let Some((_, Request::Explore { run, scenario: Scenario { knobs, .. }, request: sent, .. })) =
        state.outbox.last().cloned()
    else {
        panic!("no exploration sent")
    };
    assert_eq!(sent, request);
    assert!(knobs.iter().all(|(k, _)| k != "schedule"), "explore finds schedules itself: {knobs:?}");
    assert!(state.busy());
    let sent_before = state.outbox.len();
    let state = state.reduce(Action::RunLesson);
    assert_eq!(state.outbox.len(), sent_before, "one thing at a time");
    let state = state.reduce(Action::RunProgress { run, done: 7, total: 100, elapsed_ns: 1 });
    assert!(matches!(state.explore_phase(), ExplorePhase::Running { done: 7, total: 100, .. }));
    let state = state.reduce(Action::Cancel);
    assert_eq!(state.outbox.last().map(|(_, r)| r), Some(&Request::Cancel { run }));
    let report = ExploreReport {
        figure: "lost".into(),
        runs: 9,
        histogram: vec![(0, 8), (1, 1)],
        others: Vec::new(),
        broke: 1,
        shortest: Some(crate::engine::explore::Found {
            seed: 2,
            schedule: crate::engine::schedule::Schedule::parse("4t2").unwrap(),
            value: 1,
            turns: 30,
        }),
        complete: false,
    };
    let state = state.reduce(Action::ExploreFinished { run, report });
    assert!(matches!(state.explore_phase(), ExplorePhase::Done { cancelled: true, .. }));
    let state = state.reduce(Action::OpenFound { seed: 2, schedule: "4t2".into() });
    assert!(state.stepping());
    let Some((_, Request::Step { scenario: Scenario { knobs, .. }, .. })) = state.outbox.last().cloned() else {
        panic!("no stepper opened")
    };
    assert!(knobs.contains(&("schedule".into(), "4t2".into())) && knobs.contains(&("seed".into(), "2".into())));
    let link = state.query.to_query_string();
    assert!(link.contains("seed=2") && link.contains("schedule=4t2"), "{link}");
    // Another knob, another run: the schedule no longer fits and leaves the link.
    let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "3".into() });
    assert!(!state.query.to_query_string().contains("schedule="));
    assert_eq!(state.explore_phase(), ExplorePhase::Idle);
}

fn step_view(turns: u64, schedule: &str, end: Option<StepEnd>) -> Box<StepView> {
    let snapshot =
        crate::engine::sim::Snapshot { now: 0, turns, actors: Vec::new(), engine_next: Vec::new(), next_timer: None };
    Box::new(StepView { snapshot, trace: empty_trace(), schedule: schedule.into(), moving: false, end })
}

/// The requests sent, newest first, without the questions about the lesson's Python.
fn requests(state: &State) -> Vec<Request> {
    state.outbox.iter().rev().map(|(_, r)| r.clone()).filter(|r| !matches!(r, Request::Source { .. })).collect()
}

fn last_request(state: &State) -> Request {
    requests(state).into_iter().next().expect("a request")
}

#[test]
fn the_stepper_is_a_job_in_the_worker_its_picks_go_in_the_link_and_its_end_is_a_finished_run() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let state = ready(2)
        .reduce(Action::OpenLesson(lesson))
        .reduce(Action::SetKnob { name: "engine".into(), value: "live".into() })
        .reduce(Action::OpenStepper);
    let Request::Step { run, scenario: Scenario { lesson: id, knobs, .. } } = last_request(&state) else { panic!() };
    assert_eq!(id, "race_counter");
    assert!(knobs.contains(&("engine".into(), "sim".into())), "the stepper simulates: {knobs:?}");
    assert!(state.stepping() && !state.can_step() && state.step_view().is_none());
    // The engine's own turn leaves the link alone; a pick puts the schedule in it.
    let state = state
        .reduce(Action::StepMove(StepMove::Turn(None)))
        .reduce(Action::Stepped { run, view: step_view(1, "", None) });
    assert_eq!(last_request(&state), Request::StepMove { run, step: StepMove::Turn(None) });
    let state = state
        .reduce(Action::StepMove(StepMove::Turn(Some(1))))
        .reduce(Action::Stepped { run, view: step_view(2, "1t1", None) });
    assert!(state.query.to_query_string().contains("schedule=1t1"));
    // A view of another run is dropped.
    let state = state.reduce(Action::Stepped { run: run + 9, view: step_view(99, "", None) });
    assert_eq!(state.step_view().unwrap().1.snapshot.turns, 2);
    assert!(state.finished.is_none());
    let findings = vec![FindingsText { headline: "Lost 1".into(), ..FindingsText::default() }];
    let state = state.reduce(Action::Stepped { run, view: step_view(3, "1t1", Some(StepEnd::Finished { findings })) });
    let finished = state.finished.clone().expect("the end shows as a finished run");
    assert_eq!((finished.run, finished.findings(Lang::En).unwrap().headline.as_str()), (run, "Lost 1"));
    // Closing answers nothing: the job is gone at once, with no Cancel to wait for.
    let state = state.reduce(Action::CloseStepper);
    assert_eq!(last_request(&state), Request::Cancel { run });
    assert!(!state.stepping() && state.cancelling().is_none() && state.job.is_none());
}

#[test]
fn another_job_or_another_lesson_closes_the_stepper_and_a_new_knob_reopens_it() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let state = ready(2).reduce(Action::OpenLesson(lesson)).reduce(Action::OpenStepper);
    let Request::Step { run, .. } = last_request(&state) else { panic!() };
    let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "3".into() });
    let sent = requests(&state);
    let [Request::Step { run: reopened, scenario: Scenario { knobs, .. } }, Request::Cancel { run: closed }, ..] =
        &sent[..]
    else {
        panic!("{sent:?}")
    };
    assert!(knobs.contains(&("threads".into(), "3".into())));
    assert_eq!(*closed, run);
    let reopened = *reopened;
    let state = state.reduce(Action::RunLesson);
    let sent = requests(&state);
    assert!(matches!(&sent[..], [Request::Run { .. }, Request::Cancel { run }, ..] if *run == reopened), "{sent:?}");
    assert!(state.lesson_running());

    let state = ready(2).reduce(Action::OpenLesson(lesson)).reduce(Action::OpenStepper);
    let Request::Step { run, .. } = last_request(&state) else { panic!() };
    let state = state.reduce(Action::CloseLesson);
    assert!(state.outbox.iter().any(|(_, r)| *r == Request::Cancel { run }));
    assert!(state.job.is_none() && state.cancelling().is_none());
}

#[test]
fn the_lessons_source_is_asked_of_the_worker_once_per_change_and_kept_when_it_answers() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let sources = |state: &State| state.outbox.iter().filter(|(_, r)| matches!(r, Request::Source { .. })).count();
    // Nothing is asked before the worker is up.
    let starting = State::new(PageQuery::default(), true, 2).reduce(Action::OpenLesson(lesson));
    assert_eq!(sources(&starting), 0);
    let state = starting.reduce(Action::WorkerReady { isolated: true, pool_threads: 17, hardware_concurrency: 2 });
    assert_eq!(sources(&state), 1);
    let Some((_, Request::Source { lesson: id, knobs })) = state.outbox.last().cloned() else { panic!() };
    // A knob that does not shape the Python asks nothing more.
    let state = state.reduce(Action::SetKnob { name: "seed".into(), value: "9".into() });
    assert_eq!(sources(&state), 1);
    let said = Prose { en: "Threads race.".into(), ko: "스레드가 경쟁합니다.".into() };
    let state = state.reduce(Action::Source {
        lesson: id.clone(),
        knobs: knobs.clone(),
        text: Ok("import threading\n".into()),
        words: LessonProse { explanation: said.clone(), ..LessonProse::default() },
    });
    assert_eq!(state.source, Some(Ok("import threading\n".into())));
    // What the lesson says of itself comes with it, and stays while its knobs change.
    assert_eq!(state.lesson_words.as_ref().map(|(id, w)| (id.as_str(), &w.explanation)), Some(("race_counter", &said)));
    // Another knob: asked again; the old text stays until the answer, and a stale answer
    // (for the knobs before) is dropped.
    let state = state.reduce(Action::SetKnob { name: "lock".into(), value: "each".into() });
    assert_eq!(sources(&state), 2);
    let words = LessonProse::default();
    let state = state.reduce(Action::Source { lesson: id, knobs, text: Ok("stale".into()), words });
    assert_eq!(state.source, Some(Ok("import threading\n".into())));
    // Another lesson never shows the last one's Python, nor its explanation.
    let state = state.reduce(Action::OpenLesson(crate::lessons::find("gil").unwrap()));
    assert_eq!((sources(&state), state.source.clone(), state.lesson_words.is_none()), (3, None, true));
}

#[test]
fn a_failed_exploration_says_why() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let request = ExploreRequest { seeds: 1, picks: 0, max_runs: 1, stop_at_first_break: false };
    let state = ready(2).reduce(Action::OpenLesson(lesson)).reduce(Action::StartExplore(request));
    let Some((_, Request::Explore { run, .. })) = state.outbox.last().cloned() else { panic!() };
    let no = crate::said!("no", "아니요");
    let state = state.reduce(Action::RunFailed { run, message: no.clone() });
    assert_eq!(state.explore_phase(), ExplorePhase::Failed(no));
}

#[test]
fn without_a_pool_the_check_does_not_start() {
    let state = State::new(PageQuery::default(), false, 2)
        .reduce(Action::WorkerReady { isolated: false, pool_threads: 0, hardware_concurrency: 2 })
        .reduce(Action::StartProbe);
    assert_eq!(state.worker, WorkerStatus::NoPool);
    assert_eq!(state.probe_phase(), ProbePhase::Idle);
    assert!(state.outbox.is_empty());
}

/// Regression: opening another lesson during a run made the finished run's findings be
/// computed with the other lesson's knobs, a knob lookup panicked and the page died.
#[test]
fn leaving_a_lesson_mid_run_cancels_the_run_and_drops_what_it_sends() {
    let race = crate::lessons::find("race_counter").unwrap();
    let pool = crate::lessons::find("pool_map").unwrap();
    for leave in [Action::OpenLesson(pool), Action::CloseLesson] {
        let state = ready(2).reduce(Action::OpenLesson(race)).reduce(Action::RunLesson);
        let Some((_, Request::Run { run, .. })) = state.outbox.last().cloned() else { panic!("no run sent") };
        let state = state.reduce(leave.clone());
        assert_eq!(last_request(&state), Request::Cancel { run }, "{leave:?}");
        assert_eq!(state.cancelling(), Some(run));
        // Nothing runs until the old run is over; then the new lesson runs with its own knobs.
        assert!(!state.can_run());
        let state = state
            .reduce(Action::RunBatch {
                run,
                batch: TraceBatch {
                    console: vec![crate::engine::trace::ConsoleWrite {
                        actor: crate::engine::program::ActorId(0),
                        at: 1,
                        text: "x\n".into(),
                    }],
                    ..TraceBatch::default()
                },
                skipped: 0,
            })
            .reduce(Action::RunFinished { run, trace: empty_trace(), findings: vec![] });
        assert!(state.finished.is_none(), "a run of another lesson is not shown");
        assert!(state.job.is_none());
        if state.query.lesson.is_some() {
            let state = state.reduce(Action::RunLesson);
            assert!(
                matches!(state.outbox.last(), Some((_, Request::Run { scenario, .. })) if scenario.lesson == "pool_map")
            );
            let Some(Job::Run { run, knobs, .. }) = state.job.clone() else { panic!("not running") };
            assert_eq!(knobs.whole("pool_size"), Ok(3));
            let state = state.reduce(Action::RunFinished { run, trace: empty_trace(), findings: vec![] });
            assert_eq!(state.finished.as_ref().map(|f| f.lesson.id), Some("pool_map"));
        }
    }
}

#[test]
fn leaving_a_lesson_mid_exploration_cancels_it_and_drops_its_report() {
    let race = crate::lessons::find("race_counter").unwrap();
    let philosophers = crate::lessons::find("dining_philosophers").unwrap();
    let request = ExploreRequest { seeds: 3, picks: 1, max_runs: 100, stop_at_first_break: false };
    let state = ready(2).reduce(Action::OpenLesson(race)).reduce(Action::StartExplore(request));
    let run = state.job.as_ref().map(Job::run).unwrap();
    let state = state.reduce(Action::OpenLesson(philosophers));
    assert_eq!(last_request(&state), Request::Cancel { run });
    assert!(matches!(state.explore_phase(), ExplorePhase::Cancelling { .. }));
    let report = ExploreReport {
        figure: "lost".into(),
        runs: 1,
        histogram: vec![(0, 1)],
        others: vec![],
        broke: 0,
        shortest: None,
        complete: false,
    };
    let state = state.reduce(Action::ExploreFinished { run, report });
    assert_eq!(state.explore_phase(), ExplorePhase::Idle);
    assert!(state.can_run());
}

#[test]
fn a_finished_run_shows_its_findings_in_the_language_of_the_page() {
    let lesson = crate::lessons::find("race_counter").unwrap();
    let state = ready(2).reduce(Action::OpenLesson(lesson)).reduce(Action::RunLesson);
    let run = state.job.as_ref().map(Job::run).unwrap();
    let text = |headline: &str| FindingsText { headline: headline.into(), details: vec![], figures: vec![] };
    let state = state.reduce(Action::RunFinished { run, trace: empty_trace(), findings: vec![text("en"), text("ko")] });
    let finished = state.finished.clone().unwrap();
    assert_eq!(finished.findings(Lang::En).map(|f| f.headline.as_str()), Some("en"));
    assert_eq!(finished.findings(Lang::Ko).map(|f| f.headline.as_str()), Some("ko"));
    // Its files are written by the worker, asked for by run.
    for file in [ExportFile::Trace, ExportFile::Results] {
        let state = state.clone().reduce(Action::Download(file));
        assert_eq!(state.outbox.last().map(|(_, r)| r.clone()), Some(Request::Export { run, file }));
    }
}

#[test]
fn the_pool_check_leaves_one_pool_thread_free() {
    let state = ready(32);
    assert_eq!(state.probe_plan(17), vec![1, 2, 16]);
    assert_eq!(state.probe_plan(3), vec![1, 2]);
    assert_eq!(state.probe_plan(2), vec![1], "a pool of two keeps one thread free");
}

#[test]
fn a_click_to_load_embed_runs_once_the_worker_is_up_and_one_without_isolation_simulates() {
    let query = PageQuery::parse("?lesson=race_counter&embed=1&load=click&engine=live&increments=10");
    let state = State::new(query.clone(), false, 2);
    assert_eq!(state.query.value("engine"), Some(&crate::knobs::KnobValue::Choice("sim")), "no isolation: simulated");
    assert!(state.outbox.is_empty());
    let state = state.reduce(Action::WorkerReady { isolated: false, pool_threads: 0, hardware_concurrency: 2 });
    assert!(state.lesson_running(), "ran once the worker was up");
    let Some(Request::Run { scenario: Scenario { knobs, .. }, .. }) =
        requests(&state).into_iter().find(|r| matches!(r, Request::Run { .. }))
    else {
        panic!()
    };
    assert!(knobs.contains(&("engine".into(), "sim".into())));
    // Isolated, the link's engine stays; without `load=click` nothing runs by itself.
    let isolated = State::new(query, true, 2);
    assert_eq!(isolated.query.value("engine"), Some(&crate::knobs::KnobValue::Choice("live")));
    let plain = State::new(PageQuery::parse("?lesson=race_counter&embed=1"), true, 2).reduce(Action::WorkerReady {
        isolated: true,
        pool_threads: 17,
        hardware_concurrency: 2,
    });
    assert!(!plain.lesson_running());
}
