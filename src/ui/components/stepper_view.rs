use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::sim::ActorState;
use crate::engine::trace::{Trace, WaitOn};
use crate::i18n::Lang;
use crate::knobs::KnobValues;
use crate::lessons::LessonInfo;
use crate::ui::components::code_view::CodeView;
use crate::ui::components::console_view::ConsoleView;
use crate::ui::components::timeline::Timeline;
use crate::ui::html::with_code;
use crate::ui::stepper::Stepper;
use crate::ui::words::{self, t, Key};

#[derive(Properties, PartialEq)]
pub struct StepperViewProps {
    pub lang: Lang,
    pub lesson: &'static LessonInfo,
    /// The link's knobs; their schedule is replayed as its turns come.
    pub knobs: KnobValues,
    /// The learner made a pick: the schedule for the link.
    pub onschedule: Callback<String>,
    /// The run ended: its whole trace.
    pub onfinished: Callback<Trace>,
    pub onclose: Callback<()>,
}

/// How the stepper moves on by itself.
#[derive(Clone, Copy, PartialEq)]
enum Motion {
    Still,
    /// So many turns a second.
    Playing(u32),
    /// As fast as the page can, in slices.
    ToEnd,
}

/// Steps per slice when running to the end: some milliseconds of work between frames.
const TO_END_STEPS: u64 = 150_000;
const SPEEDS: &[u32] = &[2, 10, 50, 250, 2000];

type Shared = Rc<RefCell<Option<(Vec<(&'static str, String)>, Stepper)>>>;

/// The knobs that make the run, without the schedule (the stepper's own picks change it).
fn run_key(knobs: &KnobValues) -> Vec<(&'static str, String)> {
    knobs.pairs().into_iter().filter(|(k, _)| *k != "schedule" && *k != "lang").collect()
}

/// The stepper: the simulated run in the page, a turn at a time. Each thread's state, line
/// and next operation; buttons to give it the turn; the console and timeline so far.
#[function_component]
pub fn StepperView(props: &StepperViewProps) -> Html {
    let lang = props.lang;
    let shared: Shared = use_mut_ref(|| None);
    let redraw = use_force_update();
    let motion = use_state(|| Motion::Still);
    let speed = use_state(|| SPEEDS[1]);
    let tick = use_state(|| 0u64);
    let reported = use_mut_ref(|| false);

    // (Re)build when the run's knobs change.
    let key = run_key(&props.knobs);
    let build_error = {
        let mut slot = shared.borrow_mut();
        if slot.as_ref().map(|(k, _)| k) != Some(&key) {
            *reported.borrow_mut() = false;
            match Stepper::new(props.lesson, &props.knobs) {
                Ok(stepper) => {
                    *slot = Some((key.clone(), stepper));
                    None
                }
                Err(e) => {
                    *slot = None;
                    Some(e)
                }
            }
        } else {
            None
        }
    };

    // Report the end once, so the page shows the findings.
    let after_move = {
        let shared = shared.clone();
        let onfinished = props.onfinished.clone();
        let reported = reported.clone();
        let motion = motion.clone();
        move || {
            let slot = shared.borrow();
            let Some((_, stepper)) = slot.as_ref() else { return };
            if stepper.is_over() {
                motion.set(Motion::Still);
                if let Some(trace) = &stepper.finished {
                    if !std::mem::replace(&mut *reported.borrow_mut(), true) {
                        onfinished.emit((**trace).clone());
                    }
                }
            }
        }
    };

    // Playing and running to the end: a move per timer tick.
    {
        let shared = shared.clone();
        let redraw = redraw.clone();
        let tick = tick.clone();
        let after_move = after_move.clone();
        use_effect_with((*motion, *tick), move |(motion, count)| {
            let (motion, count) = (*motion, *count);
            let delay = match motion {
                Motion::Still => None,
                Motion::Playing(per_second) => Some(1000 / per_second.clamp(1, 20)),
                Motion::ToEnd => Some(0),
            };
            if let Some(delay) = delay {
                gloo_timers::callback::Timeout::new(delay, move || {
                    if let Some((_, stepper)) = shared.borrow_mut().as_mut() {
                        match motion {
                            Motion::Playing(per_second) => stepper.turns(None, (per_second as u64 / 20).max(1)),
                            Motion::ToEnd => stepper.run_on(TO_END_STEPS),
                            Motion::Still => {}
                        }
                    }
                    after_move();
                    redraw.force_update();
                    tick.set(count + 1);
                })
                .forget();
            }
            || ()
        });
    }

    let slot = shared.borrow();
    let Some((_, stepper)) = slot.as_ref() else {
        return html! { <section class="stepper" id="stepper"><p class="failed" id="stepper-error">{ build_error.unwrap_or_default() }</p></section> };
    };
    let view = &stepper.view;
    let over = stepper.is_over();
    let moving = *motion != Motion::Still;

    // A learner's move: the turn to someone (or to no one), then the link's schedule.
    let act = {
        let shared = shared.clone();
        let redraw = redraw.clone();
        let onschedule = props.onschedule.clone();
        let after_move = after_move.clone();
        Callback::from(move |pick: Option<u16>| {
            let schedule = {
                let mut slot = shared.borrow_mut();
                let Some((_, stepper)) = slot.as_mut() else { return };
                match pick {
                    Some(crate::engine::schedule::Pick::WAIT) => stepper.wait(),
                    pick => stepper.turn(pick),
                }
                pick.map(|_| stepper.schedule.clone())
            };
            if let Some(schedule) = schedule {
                onschedule.emit(schedule);
            }
            after_move();
            redraw.force_update();
        })
    };
    let onstep = act.reform(|_: MouseEvent| None);
    let onwait = act.reform(|_: MouseEvent| Some(crate::engine::schedule::Pick::WAIT));
    let onplay = {
        let motion = motion.clone();
        let speed = *speed;
        Callback::from(move |_: MouseEvent| {
            motion.set(if *motion == Motion::Still { Motion::Playing(speed) } else { Motion::Still })
        })
    };
    let ontoend = {
        let motion = motion.clone();
        Callback::from(move |_: MouseEvent| motion.set(Motion::ToEnd))
    };
    let onspeed = {
        let speed = speed.clone();
        let motion = motion.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value().parse().unwrap_or(SPEEDS[1]);
            speed.set(value);
            if matches!(*motion, Motion::Playing(_)) {
                motion.set(Motion::Playing(value));
            }
        })
    };
    let onclose = props.onclose.reform(|_: MouseEvent| ());

    let names: Vec<String> = view.actors.iter().map(|a| a.name.clone()).collect();
    let program = crate::lessons::lesson(props.lesson.id).and_then(|l| (l.build)(&props.knobs).ok()).map(|b| b.program);
    let object_name =
        |o: usize| program.as_ref().and_then(|p| p.objects.get(o)).map_or_else(|| "?".to_string(), |o| o.name.clone());
    let state_text = |state: ActorState| -> String {
        match state {
            ActorState::NotStarted => t(lang, Key::ActorNotStarted).into(),
            ActorState::Ready => t(lang, Key::ActorReady).into(),
            ActorState::WaitingForCore => t(lang, Key::ActorWaitingCore).into(),
            ActorState::WaitingForGil => t(lang, Key::ActorWaitingGil).into(),
            ActorState::Sleeping => t(lang, Key::ActorSleeping).into(),
            ActorState::Starting => t(lang, Key::ActorStarting).into(),
            ActorState::Busy => t(lang, Key::ActorBusy).into(),
            ActorState::Waiting(WaitOn::Object(o)) => words::waiting_for(lang, &object_name(o.0 as usize), false),
            ActorState::Waiting(WaitOn::Actor(a)) => {
                words::waiting_for(lang, names.get(a.0 as usize).map_or("?", String::as_str), true)
            }
            ActorState::Done => t(lang, Key::ActorDone).into(),
        }
    };
    let source = program.as_ref().map(|p| p.source.clone()).unwrap_or_default();
    let at: Vec<(u32, String)> = view
        .actors
        .iter()
        .filter(|a| !matches!(a.state, ActorState::Done | ActorState::NotStarted))
        .map(|a| (a.line, short_name(&a.name)))
        .collect();
    let so_far = stepper.so_far.clone();

    html! {
        <section class="stepper" id="stepper" data-turns={view.turns.to_string()} data-over={over.to_string()} data-schedule={stepper.schedule.clone()}>
            <h3>{ t(lang, Key::StepperHeading) }</h3>
            <p class="explanation">{ with_code(t(lang, Key::StepperExplain)) }</p>
            <div class="actions">
                <button id="step" class="primary" disabled={over || moving} onclick={onstep}>{ t(lang, Key::StepOnce) }</button>
                <button id="step-wait" disabled={over || moving || view.next_timer.is_none()} onclick={onwait}>{ t(lang, Key::StepWait) }</button>
                <button id="step-play" disabled={over} onclick={onplay}>
                    { if moving { t(lang, Key::StepPause) } else { t(lang, Key::StepPlay) } }
                </button>
                <label class="speed">{ t(lang, Key::StepSpeed) }{ " " }
                    <select id="step-speed" onchange={onspeed}>
                        { for SPEEDS.iter().map(|s| html! { <option value={s.to_string()} selected={*s == *speed}>{ s }</option> }) }
                    </select>
                </label>
                <button id="step-end" disabled={over || *motion == Motion::ToEnd} onclick={ontoend}>{ t(lang, Key::StepToEnd) }</button>
                <button id="step-close" onclick={onclose}>{ t(lang, Key::StepClose) }</button>
            </div>
            <p class="status" id="stepper-status">
                { words::stepper_status(lang, view.turns, view.now) }
                if !stepper.schedule.is_empty() {
                    { " · schedule " }<code>{ stepper.schedule.clone() }</code>
                }
            </p>
            if let Some(error) = &stepper.error {
                <p class="failed" id="stepper-error">{ error.clone() }</p>
            }
            if stepper.finished.is_some() {
                <p class="notice" id="stepper-ended">{ t(lang, Key::StepperEnded) }</p>
            }
            <table class="actors" id="stepper-actors">
                <thead><tr>
                    <th>{ t(lang, Key::ColumnThread) }</th>
                    <th>{ t(lang, Key::ColumnState) }</th>
                    <th>{ t(lang, Key::ColumnLine) }</th>
                    <th>{ t(lang, Key::ColumnNext) }</th>
                    <th>{ t(lang, Key::ColumnHolds) }</th>
                    <th>{ t(lang, Key::ColumnRegisters) }</th>
                    <th></th>
                </tr></thead>
                <tbody>
                    { for view.actors.iter().enumerate().map(|(i, a)| {
                        let ready = a.state == ActorState::Ready;
                        let engine_next = view.engine_next.contains(&(i as u16));
                        let onrun = act.reform(move |_: MouseEvent| Some(i as u16));
                        // r0 always (a value read as 0 matters), other registers once used.
                        let registers: Vec<String> = a.registers.iter().enumerate().filter(|(r, v)| *r == 0 || **v != 0).map(|(r, v)| format!("r{r}={v}")).collect();
                        html! {
                            <tr data-actor={i.to_string()} data-state={format!("{:?}", a.state)} data-next={a.next.clone().unwrap_or_default()}
                                class={classes!(ready.then_some("ready"), engine_next.then_some("engine-next"))}>
                                <td>{ a.name.clone() }
                                    if engine_next && !over { <span class="engine-next-mark" title={t(lang, Key::EngineNextMark)}>{ " ●" }</span> }
                                </td>
                                <td class="state">{ state_text(a.state) }</td>
                                <td>{ a.line }</td>
                                <td><code>{ a.next.clone().unwrap_or_default() }</code></td>
                                <td>{ a.holds.join(", ") }</td>
                                <td><code>{ registers.join(" ") }</code></td>
                                <td><button id={format!("step-actor-{i}")} disabled={!ready || over || moving} onclick={onrun}>{ t(lang, Key::RunThis) }</button></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <div class="panes">
                <section class="pane">
                    <h3>{ t(lang, Key::CodeHeading) }</h3>
                    <CodeView source={source} at={at} />
                </section>
                <section class="pane">
                    <h3>{ t(lang, Key::ConsoleHeading) }</h3>
                    <ConsoleView lang={lang} writes={Rc::new(so_far.console.clone())} errors={Rc::new(so_far.errors.clone())} names={Rc::new(names.clone())} onselect={Callback::noop()} />
                </section>
            </div>
            <Timeline lang={lang} trace={so_far} caption={t(lang, Key::RunTimelineLabel)} />
        </section>
    }
}

/// `Thread-1 (work)` → `Thread-1`: short enough to sit at the end of a code line.
fn short_name(name: &str) -> String {
    name.split(" (").next().unwrap_or(name).to_string()
}
