//! The host's commands against the reducer, without a browser: every command a host may
//! send, and every malformed one refused with nothing changed.

use super::plan::{deadlock, page_state, plan, run_result, Plan};
use super::protocol::{Command, ErrorCode, Event, Incoming, MessageId, Outgoing};
use crate::engine::program::{ActorId, ObjectId, ProcessId};
use crate::engine::trace::{ActorInfo, EngineKind, Outcome, Trace, WaitEdge, WaitOn};
use crate::lessons::FindingsText;
use crate::query::PageQuery;
use crate::ui::state::{Action, FinishedRun, State};
use crate::worker::protocol::StepMove;

fn command(json: &str) -> Command {
    let incoming: Incoming = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
    assert_eq!(incoming.interleave, 1);
    incoming.command().unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// Decoded and made a command, or why not.
fn malformed(json: &str) -> bool {
    serde_json::from_str::<Incoming>(json).map_err(|e| e.to_string()).and_then(Incoming::command).is_err()
}

fn ready_state(link: &str) -> State {
    State::new(PageQuery::parse(link), true, 2).reduce(Action::WorkerReady {
        isolated: true,
        pool_threads: 17,
        hardware_concurrency: 2,
    })
}

fn apply(state: State, plan: Plan) -> State {
    let Plan::Act(actions) = plan else { panic!("not actions: {plan:?}") };
    actions.into_iter().fold(state, State::reduce)
}

#[test]
fn a_ping_is_answered_once_the_engine_worker_is_up() {
    let ping = command(r#"{"interleave":1,"type":"ping"}"#);
    let starting = State::new(PageQuery::parse("?embed=1&lesson=gil"), true, 2);
    assert_eq!(plan(&ping, &starting, "/").unwrap(), Plan::Act(Vec::new()));
    let silence = super::plan::Watcher::default().applied(&ping, Some(MessageId::Number(1.0)), &starting);
    assert!(silence.is_empty(), "{silence:?}");
    let Plan::Answer(Event::Ready { engines, lesson, .. }) =
        plan(&ping, &ready_state("?embed=1&lesson=gil"), "/").unwrap()
    else {
        panic!("no ready")
    };
    assert_eq!((engines, lesson), (vec!["sim", "live"], Some("gil")));
    let no_pool = starting.reduce(Action::WorkerReady { isolated: false, pool_threads: 0, hardware_concurrency: 2 });
    let Plan::Answer(Event::Ready { engines, .. }) = plan(&ping, &no_pool, "/").unwrap() else { panic!("no ready") };
    assert_eq!(engines, vec!["sim"]);
}

#[test]
fn a_host_loads_a_lesson_with_knobs_runs_it_and_reads_the_state() {
    let state = ready_state("?embed=1");
    let load =
        command(r#"{"interleave":1,"id":7,"type":"load","lesson":"race_counter","knobs":{"threads":3,"lock":"each"}}"#);
    let state = apply(state.clone(), plan(&load, &state, "/").unwrap());
    assert_eq!(state.query.to_query_string(), "?lesson=race_counter&threads=3&lock=each&cores=2&embed=1");
    let run = command(r#"{"interleave":1,"type":"run"}"#);
    let state = apply(state.clone(), plan(&run, &state, "/").unwrap());
    assert!(state.lesson_running());
    // A second run while one goes on is refused, with the reason.
    assert_eq!(plan(&run, &state, "/").unwrap_err().0, ErrorCode::Busy);
    let Plan::Answer(Event::State(page)) =
        plan(&command(r#"{"interleave":1,"type":"getState"}"#), &state, "/").unwrap()
    else {
        panic!()
    };
    assert_eq!((page.lesson, page.phase, page.engine.as_str()), (Some("race_counter"), "running", "sim"));
    assert_eq!(page.knobs.get("threads").map(String::as_str), Some("3"));
    let state = apply(state.clone(), plan(&command(r#"{"interleave":1,"type":"cancel"}"#), &state, "/").unwrap());
    assert!(state.cancelling().is_some());
}

#[test]
fn malformed_or_out_of_range_commands_are_refused_and_change_nothing() {
    let state = ready_state("?lesson=race_counter&embed=1");
    let before = state.query.to_query_string();
    for (json, code) in [
        (r#"{"interleave":1,"type":"setKnobs","knobs":{"threads":99}}"#, ErrorCode::BadKnob),
        (r#"{"interleave":1,"type":"setKnobs","knobs":{"threads":"2","nope":"1"}}"#, ErrorCode::BadKnob),
        (r#"{"interleave":1,"type":"setKnobs","knobs":{"embed":"0"}}"#, ErrorCode::BadKnob),
        (r#"{"interleave":1,"type":"load","lesson":"<img src=x onerror=alert(1)>"}"#, ErrorCode::UnknownLesson),
        (r#"{"interleave":1,"type":"setLang","lang":"fr"}"#, ErrorCode::BadValue),
        (r#"{"interleave":1,"type":"setTheme","theme":"pink"}"#, ErrorCode::BadValue),
        (r#"{"interleave":1,"type":"exportResult"}"#, ErrorCode::NoResult),
    ] {
        let refused = plan(&command(json), &state, "/").unwrap_err();
        assert_eq!(refused.0, code, "{json}: {}", refused.1);
        assert!(!refused.1.contains('<') || json.contains("img"), "{}", refused.1);
    }
    let long = format!(r#"{{"interleave":1,"type":"load","lesson":"{}"}}"#, "x".repeat(10_000));
    assert_eq!(plan(&command(&long), &state, "/").unwrap_err().0, ErrorCode::TooLong);
    assert_eq!(state.query.to_query_string(), before);
    // Not a command of this version at all: the browser's side answers `malformed`.
    for json in [
        r#"{"interleave":1,"type":"format"}"#,
        r#"{"interleave":1}"#,
        r#"{"interleave":"one","type":"run"}"#,
        r#"{"interleave":1,"type":"load"}"#,
    ] {
        assert!(malformed(json), "{json}");
    }
    // Without a lesson there are no knobs to set.
    let index = ready_state("?embed=1");
    let set = command(r#"{"interleave":1,"type":"setKnobs","knobs":{"threads":2}}"#);
    assert_eq!(plan(&set, &index, "/").unwrap_err().0, ErrorCode::NoLesson);
}

#[test]
fn the_stepper_language_and_theme_follow_the_host() {
    let state = ready_state("?lesson=race_counter&embed=1");
    let turn = command(r#"{"interleave":1,"type":"step","move":"turn","thread":2}"#);
    let Plan::Act(actions) = plan(&turn, &state, "/").unwrap() else { panic!() };
    assert_eq!(actions, vec![Action::OpenStepper, Action::StepMove(StepMove::Turn(Some(2)))]);
    let state = actions.into_iter().fold(state, State::reduce);
    let play = command(r#"{"interleave":1,"type":"step","move":"play","perSecond":50}"#);
    let Plan::Act(actions) = plan(&play, &state, "/").unwrap() else { panic!() };
    assert_eq!(actions, vec![Action::StepMove(StepMove::Play { per_second: 50 })], "already open");
    let close = command(r#"{"interleave":1,"type":"step","move":"close"}"#);
    let state = apply(state.clone(), plan(&close, &state, "/").unwrap());
    assert!(!state.stepping());
    let state =
        apply(state.clone(), plan(&command(r#"{"interleave":1,"type":"setLang","lang":"ko"}"#), &state, "/").unwrap());
    let state = apply(
        state.clone(),
        plan(&command(r#"{"interleave":1,"type":"setTheme","theme":"dark"}"#), &state, "/").unwrap(),
    );
    let Plan::Answer(Event::Ready { lang, theme, engines, .. }) =
        plan(&command(r#"{"interleave":1,"type":"ping"}"#), &state, "/").unwrap()
    else {
        panic!()
    };
    assert_eq!((lang, theme, engines), ("ko", "dark", vec!["sim", "live"]));
}

fn deadlocked_run() -> FinishedRun {
    let actors = ["MainThread", "philosopher-0", "philosopher-1"]
        .iter()
        .map(|name| ActorInfo { name: name.to_string(), process: ProcessId(0), pool_thread: None })
        .collect();
    let cycle = vec![
        WaitEdge { waiter: ActorId(1), on: WaitOn::Object(ObjectId(1)), holder: ActorId(2) },
        WaitEdge { waiter: ActorId(2), on: WaitOn::Object(ObjectId(0)), holder: ActorId(1) },
    ];
    let mut trace =
        Trace::from_recorders(EngineKind::Simulated, actors, vec![], 2_500_000, Outcome::Deadlock { cycle });
    trace.objects = vec!["forks[0]".into(), "forks[1]".into()];
    trace.console.push(crate::engine::trace::ConsoleWrite { actor: ActorId(1), at: 5, text: "eats\n".into() });
    let lesson = crate::lessons::find("dining_philosophers").unwrap();
    let findings = vec![FindingsText {
        headline: "Deadlock".into(),
        details: vec!["Each holds one fork.".into()],
        figures: vec![("deadlock".into(), 1)],
    }];
    FinishedRun::new(4, lesson, crate::knobs::KnobValues::for_lesson(lesson.knobs), String::new(), trace, findings)
}

#[test]
fn a_result_and_a_deadlock_are_told_by_name_and_exported_with_the_console() {
    let run = deadlocked_run();
    let result = run_result(&run, crate::i18n::Lang::En, None);
    assert_eq!((result.outcome, result.headline.as_str(), result.time_ms), ("deadlock", "Deadlock", 2.5));
    assert_eq!(result.figures.get("deadlock"), Some(&1));
    assert!(result.console.is_none() && result.link.is_none());
    let cycle = deadlock(&run).unwrap();
    assert_eq!(
        (cycle[0].waiter.as_str(), cycle[0].waits_for.as_str(), cycle[0].held_by.as_str()),
        ("philosopher-0", "forks[1]", "philosopher-1")
    );
    let exported = run_result(&run, crate::i18n::Lang::En, Some("/?lesson=dining_philosophers".into()));
    assert_eq!(exported.console.as_deref(), Some("eats\n"));
    // As the host receives it: the envelope, the type, camelCase fields.
    let json =
        serde_json::to_value(Outgoing::new(Event::Result(exported.clone()), Some(MessageId::Number(3.0)))).unwrap();
    assert_eq!(json["interleave"], 1);
    assert_eq!(json["id"], 3.0);
    let json =
        serde_json::to_value(Outgoing::new(Event::Result(exported), Some(MessageId::Text("a-1".into())))).unwrap();
    assert_eq!(json["id"], "a-1");
    assert_eq!(json["type"], "result");
    assert_eq!(json["timeMs"], 2.5);
    let json = serde_json::to_value(Outgoing::new(Event::Deadlock { cycle }, None)).unwrap();
    assert_eq!(json["cycle"][1]["waitsFor"], "forks[0]");
    assert!(json.get("id").is_none());
}

#[test]
fn the_state_a_host_reads_has_the_links_knobs_and_the_phase() {
    let state = ready_state("?lesson=pipe&messages=2&embed=1&theme=dark");
    let page = page_state(&state);
    assert_eq!((page.lesson, page.phase, page.theme), (Some("pipe"), "idle", "dark"));
    assert_eq!(page.knobs.get("messages").map(String::as_str), Some("2"));
    assert!(!page.knobs.contains_key("embed"), "page settings are not knobs: {:?}", page.knobs);
}

#[test]
fn the_host_hears_each_change_once_and_a_finished_run_with_its_deadlock() {
    let mut watcher = super::plan::Watcher::default();
    let state = ready_state("?lesson=dining_philosophers&embed=1");
    let first = watcher.events(&state);
    assert!(
        matches!(&first[..], [Outgoing { event: Event::State(page), id: None, .. }] if page.phase == "idle"),
        "{first:?}"
    );
    assert!(watcher.events(&state).is_empty(), "nothing new");
    let state = state.reduce(Action::RunLesson);
    let Some(crate::ui::state::Job::Run { run, .. }) = state.job.clone() else { panic!() };
    let running = watcher.events(&state);
    assert!(
        matches!(&running[..], [Outgoing { event: Event::State(page), .. }] if page.phase == "running"),
        "{running:?}"
    );
    let state = state.reduce(Action::RunProgress { run, done: 5, total: 10, elapsed_ns: 7 });
    assert_eq!(
        watcher.events(&state),
        vec![Outgoing::new(Event::Progress { done: 5, total: 10, elapsed_ns: 7 }, None)]
    );
    let done = deadlocked_run();
    let state = state.reduce(Action::RunFinished {
        run,
        trace: (*done.trace).clone(),
        findings: vec![FindingsText { headline: "Deadlock".into(), ..FindingsText::default() }],
    });
    let events = watcher.events(&state);
    let types: Vec<&str> = events
        .iter()
        .map(|e| match e.event {
            Event::State(_) => "state",
            Event::Result(_) => "result",
            Event::Deadlock { .. } => "deadlock",
            _ => "other",
        })
        .collect();
    assert_eq!(types, ["state", "deadlock", "result"]);
    assert!(watcher.events(&state).is_empty(), "told once");
}

#[test]
fn a_hosts_run_is_answered_with_its_result_or_an_error_with_its_id_and_other_commands_with_the_state() {
    let id = |n: f64| Some(MessageId::Number(n));
    let mut watcher = super::plan::Watcher::default();
    let state = ready_state("?lesson=dining_philosophers&embed=1");
    watcher.events(&state);
    // setKnobs: answered at once with the state that shows it.
    let set = command(r#"{"interleave":1,"type":"setKnobs","knobs":{"philosophers":3}}"#);
    let state = apply(state.clone(), plan(&set, &state, "/").unwrap());
    let answer = watcher.applied(&set, id(1.0), &state);
    assert!(
        matches!(&answer[..], [Outgoing { event: Event::State(page), id: Some(MessageId::Number(n)), .. }]
        if *n == 1.0 && page.knobs.get("philosophers").map(String::as_str) == Some("3")),
        "{answer:?}"
    );
    assert!(watcher.events(&state).is_empty(), "the answer was the news");
    // run: answered with its result when it ends, carrying the run command's id.
    let run = command(r#"{"interleave":1,"type":"run"}"#);
    let state = apply(state.clone(), plan(&run, &state, "/").unwrap());
    assert!(watcher.applied(&run, id(2.0), &state).is_empty());
    let Some(crate::ui::state::Job::Run { run: number, .. }) = state.job.clone() else { panic!() };
    let done = deadlocked_run();
    let finished =
        state.clone().reduce(Action::RunFinished { run: number, trace: (*done.trace).clone(), findings: vec![] });
    let events = watcher.events(&finished);
    let result = events.iter().find(|e| matches!(e.event, Event::Result(_))).expect("a result");
    assert_eq!(result.id, id(2.0));
    // A run the host started and another lesson stopped: an error with its id, not silence.
    let mut watcher = super::plan::Watcher::default();
    assert!(watcher.applied(&run, id(3.0), &state).is_empty());
    let moved = state.reduce(Action::OpenLesson(crate::lessons::find("gil").unwrap()));
    assert!(watcher.events(&moved).iter().all(|e| e.id.is_none()), "cancelling: not over yet");
    let dropped = moved.reduce(Action::RunFinished { run: number, trace: (*done.trace).clone(), findings: vec![] });
    assert!(dropped.finished.is_none(), "the other lesson's result is dropped");
    let events = watcher.events(&dropped);
    let ended = events.iter().find(|e| matches!(e.event, Event::Error { code: ErrorCode::RunEnded, .. }));
    assert_eq!(ended.map(|e| e.id.clone()), Some(id(3.0)), "{events:?}");
    // A run that cannot start is refused at once.
    let idle = ready_state("?lesson=gil&embed=1");
    let refused = super::plan::Watcher::default().applied(&run, id(4.0), &idle);
    assert!(matches!(&refused[..], [Outgoing { event: Event::Error { code: ErrorCode::RunEnded, .. }, .. }]));
}

#[test]
fn an_id_may_be_a_number_or_a_text_and_comes_back_as_given() {
    let incoming: Incoming = serde_json::from_str(r#"{"interleave":1,"id":"3f2b-9","type":"getState"}"#).unwrap();
    assert_eq!(incoming.id, Some(MessageId::Text("3f2b-9".into())));
    let incoming: Incoming = serde_json::from_str(r#"{"interleave":1,"id":7,"type":"getState"}"#).unwrap();
    assert_eq!(incoming.id, Some(MessageId::Number(7.0)));
    assert!(serde_json::from_str::<Incoming>(r#"{"interleave":1,"id":true,"type":"getState"}"#).is_err());
}

#[test]
fn an_exported_result_links_to_the_run_as_it_ran_not_to_the_knobs_changed_since() {
    let state = ready_state("?lesson=race_counter&threads=3&embed=1");
    let state = state.reduce(Action::RunLesson);
    let Some(crate::ui::state::Job::Run { run, .. }) = state.job.clone() else { panic!() };
    let trace = deadlocked_run().trace;
    let state = state.reduce(Action::RunFinished { run, trace: (*trace).clone(), findings: vec![] });
    let set = command(r#"{"interleave":1,"type":"setKnobs","knobs":{"threads":7}}"#);
    let state = apply(state.clone(), plan(&set, &state, "/").unwrap());
    let export = command(r#"{"interleave":1,"type":"exportResult"}"#);
    let Plan::Answer(Event::Result(result)) = plan(&export, &state, "/").unwrap() else { panic!() };
    let link = result.link.unwrap();
    assert!(link.contains("threads=3") && !link.contains("threads=7"), "{link}");
}
