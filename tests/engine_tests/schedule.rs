//! Being the scheduler: turns given to a chosen thread, schedules that replay a run
//! exactly, and schedules that do not fit refused with the reason.

use interleave::engine::schedule::{Pick, Schedule};
use interleave::engine::sim::{self, ActorState, Misfit, Sim, SimError, SimSettings, TurnResult};
use interleave::engine::trace::{Outcome, Trace};
use interleave::knobs::KnobValues;
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::{tally, LESSON};

/// The race lesson's knobs, typed, from a knob set.
fn race_knobs(values: &interleave::knobs::KnobValues) -> interleave::lessons::race_counter::Knobs {
    <interleave::lessons::race_counter::Knobs as interleave::knobs::FromKnobs>::from_knobs(values).unwrap()
}

/// The race lesson with these knobs, ready to step.
fn race(pairs: &[(&str, &str)], schedule: Schedule) -> (KnobValues, Sim) {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (knobs, built) = build_from_pairs(&LESSON, &pairs).unwrap();
    let settings = SimSettings { schedule, ..built.sim_settings() };
    (knobs.clone(), Sim::new(built.program, settings).unwrap())
}

const TWO_FREE: &[(&str, &str)] = &[("threads", "2"), ("increments", "1"), ("gil", "off"), ("cores", "4")];

fn to_the_end(sim: &mut Sim) -> Trace {
    loop {
        if let TurnResult::Finished(trace) = sim.take_turn(None).unwrap() {
            return *trace;
        }
    }
}

/// Takes turns, never giving one to `held` (the engine's choice otherwise), until actor
/// `who` could run and its next operation is `next`.
fn run_until_next(sim: &mut Sim, held: Option<usize>, who: usize, next: &str) {
    for _ in 0..10_000 {
        let view = sim.snapshot().unwrap();
        if view.actors[who].next.as_deref() == Some(next) && view.actors[who].state == ActorState::Ready {
            return;
        }
        // Someone else runs, or else time passes (a thread still starting gets going).
        let pick = held.filter(|h| view.engine_next.contains(&(*h as u16))).map(|h| {
            let other = view.actors.iter().enumerate().position(|(i, a)| i != h && a.state == ActorState::Ready);
            other.map_or(Pick::WAIT, |o| o as u16)
        });
        assert!(matches!(sim.take_turn(pick).unwrap(), TurnResult::Turned), "the run ended first");
    }
    panic!("{who} never reached `{next}`");
}

#[test]
fn choosing_who_runs_between_a_read_and_its_write_loses_an_update_and_the_schedule_replays_it() {
    let (knobs, mut sim) = race(TWO_FREE, Schedule::default());
    // Thread-1 reads the counter; Thread-2 then reads, adds and writes; Thread-1 writes its
    // stale value over that.
    run_until_next(&mut sim, None, 1, "r0 = counter");
    run_until_next(&mut sim, Some(1), 2, "r0 = counter");
    sim.take_turn(Some(1)).unwrap();
    assert_eq!(sim.snapshot().unwrap().actors[1].next.as_deref(), Some("r0 += 1"));
    run_until_next(&mut sim, Some(1), 2, "loop back (1 times in all)");
    let view = sim.snapshot().unwrap();
    assert_eq!(view.actors[1].registers[0], 0, "Thread-1 read 0 before Thread-2 wrote");
    let trace = to_the_end(&mut sim);
    assert_eq!(tally(&race_knobs(&knobs), &trace).lost, 1);
    let schedule = sim.schedule();
    assert!(!schedule.is_empty());

    // The seed and the schedule replay it exactly, through the compact text too.
    let text = schedule.to_string();
    let (_, mut again) = race(TWO_FREE, Schedule::parse(&text).unwrap());
    assert_eq!(to_the_end(&mut again), trace, "replaying {text}");

    // Without the picks the engine interleaves otherwise (and here loses nothing).
    let (_, mut engine_only) = race(TWO_FREE, Schedule::default());
    assert_eq!(tally(&race_knobs(&knobs), &to_the_end(&mut engine_only)).lost, 0);
}

#[test]
fn picking_the_engines_own_choice_changes_nothing() {
    let (_, mut plain) = race(TWO_FREE, Schedule::default());
    let (_, mut picked) = race(TWO_FREE, Schedule::default());
    loop {
        let view = picked.snapshot().unwrap();
        let own = view.engine_next.first().copied();
        let (a, b) =
            (plain.take_turn(None).unwrap(), picked.take_turn(own.filter(|_| view.engine_next.len() == 1)).unwrap());
        match (a, b) {
            (TurnResult::Turned, TurnResult::Turned) => {}
            (TurnResult::Finished(a), TurnResult::Finished(b)) => {
                assert_eq!(a, b);
                break;
            }
            _ => panic!("one ended before the other"),
        }
    }
    assert!(picked.schedule().is_empty(), "{}", picked.schedule());
}

#[test]
fn a_schedule_that_does_not_fit_says_where_and_why() {
    let run = |text: &str| {
        let pairs: Vec<(String, String)> = TWO_FREE.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (_, built) = build_from_pairs(&LESSON, &pairs).unwrap();
        let settings = SimSettings { schedule: Schedule::parse(text).unwrap(), ..built.sim_settings() };
        sim::run(built.program, settings)
    };
    let e = run("0t9").unwrap_err();
    assert!(matches!(e, SimError::ScheduleMismatch { turn: 0, actor: 9, why: Misfit::NoSuchThread { threads: 3 } }));
    assert!(e.to_string().contains("the run has threads 0 to 2"), "{e}");
    // At turn 0 only the main thread has started.
    let e = run("0t1").unwrap_err();
    assert!(e.to_string().contains("at turn 0, thread 1 (Thread-1 (work)) cannot run: it is not started yet"), "{e}");
    let e = run("100000t0").unwrap_err();
    assert!(matches!(e, SimError::ScheduleMismatch { why: Misfit::RunEnded, .. }), "{e}");
    assert!(run("").is_ok());
}

#[test]
fn the_snapshot_shows_states_holders_and_the_trace_so_far_grows() {
    let (_, mut sim) = race(&[("threads", "2"), ("increments", "3"), ("lock", "each")], Schedule::default());
    let mut saw_holder = false;
    let mut console = 0;
    for _ in 0..200 {
        let view = sim.snapshot().unwrap();
        assert_eq!(view.actors[0].name, "MainThread");
        if let Some(holder) = view.actors.iter().find(|a| a.holds.iter().any(|h| h == "lock")) {
            saw_holder = true;
            // With the GIL on, a thread holding the lock waits for nothing but the GIL.
            assert!(matches!(holder.state, ActorState::Ready | ActorState::WaitingForGil | ActorState::WaitingForCore));
        }
        let so_far = sim.trace_so_far();
        assert!(so_far.console.len() >= console);
        console = so_far.console.len();
        if let TurnResult::Finished(trace) = sim.take_turn(None).unwrap() {
            assert_eq!(trace.outcome, Outcome::Completed);
            assert_eq!(trace.console_text(), "counter = 6 (expected 6)\n");
            assert!(saw_holder);
            return;
        }
    }
    panic!("200 turns did not end a run of 6 increments");
}

#[test]
fn with_the_gil_on_a_waiting_thread_cannot_be_picked() {
    let (_, mut sim) = race(&[("threads", "2"), ("increments", "100000")], Schedule::default());
    for _ in 0..20_000 {
        let view = sim.snapshot().unwrap();
        if let Some(waiting) = view.actors.iter().position(|a| a.state == ActorState::WaitingForGil) {
            let e = sim.take_turn(Some(waiting as u16)).unwrap_err();
            assert!(e.to_string().contains("cannot run: it is waiting for the GIL"), "{e}");
            return;
        }
        sim.take_turn(None).unwrap();
    }
    panic!("no thread ever waited for the GIL");
}

#[test]
fn picks_keep_their_turns_through_the_compact_text() {
    let s =
        Schedule::from_picks(vec![Pick { turn: 3, actor: 1 }, Pick { turn: 4, actor: 1 }, Pick { turn: 9, actor: 2 }]);
    assert_eq!(Schedule::parse(&s.to_string()).unwrap(), s);
}

#[test]
fn a_run_is_the_same_taken_turn_by_turn_as_run_whole() {
    // Run whole, loops that run alone are batched; turn by turn they are not.
    for pairs in [
        &[("threads", "3"), ("increments", "3000")][..],
        &[("threads", "3"), ("increments", "3000"), ("between", "call")],
        &[("threads", "3"), ("increments", "3000"), ("python", "3.9")],
        &[("threads", "2"), ("increments", "3000"), ("gil", "off")],
        &[("threads", "3"), ("increments", "2000"), ("lock", "loop")],
        &[("threads", "2"), ("increments", "2000"), ("between", "sleep0")],
    ] {
        for seed in ["1", "7"] {
            let mut with_seed = pairs.to_vec();
            with_seed.push(("seed", seed));
            let (_, mut stepped) = race(&with_seed, Schedule::default());
            let by_turns = to_the_end(&mut stepped);
            let pairs: Vec<(String, String)> = with_seed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let (_, built) = build_from_pairs(&LESSON, &pairs).unwrap();
            let (program, settings) = built.into_sim();
            let at_once = sim::run(program, settings).unwrap();
            assert_eq!(by_turns, at_once, "{with_seed:?}");
        }
    }
}

/// The gil lesson's countdowns touch only their own registers: beside other threads and
/// processes they run many iterations at once, and the run is the one taken turn by turn.
#[test]
fn a_private_loop_beside_other_threads_is_batched_and_the_run_is_the_one_taken_turn_by_turn() {
    let gil = interleave::lessons::lesson("gil").unwrap();
    for pairs in [
        &[("mode", "processes"), ("workers", "3"), ("size", "2"), ("cores", "2")][..],
        &[("mode", "processes"), ("workers", "2"), ("size", "2"), ("cores", "4")],
        &[("mode", "threads"), ("workers", "3"), ("size", "2"), ("gil", "off"), ("cores", "2")],
        &[("mode", "threads"), ("workers", "2"), ("size", "2"), ("cores", "2")],
    ] {
        for seed in ["1", "5"] {
            let mut with_seed = pairs.to_vec();
            with_seed.push(("seed", seed));
            let pairs: Vec<(String, String)> = with_seed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let (_, built) = build_from_pairs(gil, &pairs).unwrap();
            let settings = built.sim_settings();
            let mut stepped = Sim::new(built.program.clone(), settings.clone()).unwrap();
            let by_turns = to_the_end(&mut stepped);
            let mut whole = Sim::new(built.program, settings).unwrap();
            let at_once = loop {
                if let sim::StepResult::Finished(trace) = whole.run_slice(u64::MAX).unwrap() {
                    break *trace;
                }
            };
            assert_eq!(by_turns, at_once, "{with_seed:?}");
            // Run whole, the countdowns went in batches: far fewer steps than operations.
            let ops: u64 = at_once.metrics.iter().map(|m| m.ops).sum();
            assert!(whole.steps() * 50 < ops, "{with_seed:?}: {} steps for {ops} operations", whole.steps());
        }
    }
}
