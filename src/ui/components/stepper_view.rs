use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::sim::ActorState;
use crate::engine::trace::WaitOn;
use crate::i18n::Lang;
use crate::ui::components::code_view::CodeView;
use crate::ui::components::console_view::ConsoleView;
use crate::ui::components::timeline::{Drawings, Timeline};
use crate::ui::html::{message_in, with_code};
use crate::ui::words::{self, t, Key};
use crate::worker::protocol::{StepEnd, StepMove, StepView};

#[derive(Properties, PartialEq)]
pub struct StepperViewProps {
    pub lang: Lang,
    /// The run (its number) after the worker's last answer (none before the first).
    pub view: Option<(u32, Rc<StepView>)>,
    pub drawings: Drawings,
    /// The lesson's Python.
    pub source: AttrValue,
    /// A move the learner made.
    pub onmove: Callback<StepMove>,
    pub onclose: Callback<()>,
}

const SPEEDS: &[u32] = &[2, 10, 50, 250, 2000];

/// The stepper: the simulated run in the engine worker, a turn at a time. Each thread's
/// state, line and next operation; buttons to give it the turn; the console and timeline
/// so far. The worker plays it on or runs it to the end by itself; the page only draws.
#[function_component]
pub fn StepperView(props: &StepperViewProps) -> Html {
    let lang = props.lang;
    let speed = use_state(|| SPEEDS[1]);
    use_effect_with((), |_| {
        // Not passive: a key the stepper takes does nothing else (a digit typed nowhere).
        let options = gloo_events::EventListenerOptions::enable_prevent_default();
        let listener =
            web_sys::window().map(|w| gloo_events::EventListener::new_with_options(&w, "keydown", options, shortcut));
        move || drop(listener)
    });
    let onclose = props.onclose.reform(|_: MouseEvent| ());
    let Some((run, step)) = props.view.clone() else {
        return html! {
            <section class="stepper" id="stepper" data-turns="0" data-over="false">
                <h3>{ t(lang, Key::StepperHeading) }</h3>
                <p class="notice" id="stepper-opening">{ t(lang, Key::StepperOpening) }</p>
                <div class="actions"><button id="step-close" onclick={onclose}>{ t(lang, Key::StepClose) }</button></div>
            </section>
        };
    };
    let view = &step.snapshot;
    let over = step.end.is_some();
    let moving = step.moving;
    let onmove = props.onmove.clone();
    let onstep = onmove.reform(|_: MouseEvent| StepMove::Turn(None));
    let onwait = onmove.reform(|_: MouseEvent| StepMove::Wait);
    let onplay = {
        let per_second = *speed;
        onmove.reform(move |_: MouseEvent| if moving { StepMove::Pause } else { StepMove::Play { per_second } })
    };
    let ontoend = onmove.reform(|_: MouseEvent| StepMove::ToEnd);
    let onspeed = {
        let speed = speed.clone();
        let onmove = onmove.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value().parse().unwrap_or(SPEEDS[1]);
            speed.set(value);
            if moving {
                onmove.emit(StepMove::Play { per_second: value });
            }
        })
    };

    let names: Vec<String> = view.actors.iter().map(|a| a.name.clone()).collect();
    let object_name = |o: usize| step.trace.objects.get(o).cloned().unwrap_or_else(|| "?".to_string());
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
    let at: Vec<(u32, String)> = view
        .actors
        .iter()
        .filter(|a| !matches!(a.state, ActorState::Done | ActorState::NotStarted))
        .map(|a| (a.line, short_name(&a.name)))
        .collect();
    let so_far = Rc::new(step.trace.clone());
    let error = match &step.end {
        Some(StepEnd::Failed(why)) => Some(why.clone()),
        _ => None,
    };
    let finished = matches!(step.end, Some(StepEnd::Finished { .. }));

    html! {
        <section class="stepper" id="stepper" data-turns={view.turns.to_string()} data-over={over.to_string()} data-schedule={step.schedule.clone()}>
            <h3>{ t(lang, Key::StepperHeading) }</h3>
            <p class="explanation">{ with_code(t(lang, Key::StepperExplain)) }</p>
            <div class="actions">
                <button id="step" class="primary" disabled={over || moving} onclick={onstep} aria-keyshortcuts="S">{ t(lang, Key::StepOnce) }</button>
                <button id="step-wait" disabled={over || moving || view.next_timer.is_none()} onclick={onwait} aria-keyshortcuts="W">{ t(lang, Key::StepWait) }</button>
                <button id="step-play" disabled={over} onclick={onplay} aria-keyshortcuts="P">
                    { if moving { t(lang, Key::StepPause) } else { t(lang, Key::StepPlay) } }
                </button>
                <label class="speed">{ t(lang, Key::StepSpeed) }{ " " }
                    <select id="step-speed" onchange={onspeed}>
                        { for SPEEDS.iter().map(|s| html! { <option value={s.to_string()} selected={*s == *speed}>{ s }</option> }) }
                    </select>
                </label>
                <button id="step-end" disabled={over || moving} onclick={ontoend} aria-keyshortcuts="E">{ t(lang, Key::StepToEnd) }</button>
                <button id="step-close" onclick={onclose}>{ t(lang, Key::StepClose) }</button>
            </div>
            <p class="keys" id="stepper-keys">
                { t(lang, Key::KeysHeading) }
                { for KEYS.iter().map(|(keys, what)| html! { <>{ " " }<kbd>{ *keys }</kbd>{ " " }{ t(lang, *what) }</> }) }
            </p>
            <p class="status" id="stepper-status" role="status">
                { words::stepper_status(lang, view.turns, view.now) }
                if !step.schedule.is_empty() {
                    { " · " }{ t(lang, Key::Schedule) }{ " " }<code>{ step.schedule.clone() }</code>
                }
            </p>
            if let Some(error) = error {
                <p class="failed" id="stepper-error">{ with_code(&message_in(lang, &error)) }</p>
            }
            if finished {
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
                        let onrun = onmove.reform(move |_: MouseEvent| StepMove::Turn(Some(i as u16)));
                        // r0 always (a value read as 0 matters), other registers once used.
                        let registers: Vec<String> = a.registers.iter().enumerate().filter(|(r, v)| *r == 0 || **v != 0).map(|(r, v)| format!("r{r}={v}")).collect();
                        html! {
                            <tr data-actor={i.to_string()} data-state={a.state.id()} data-next={a.next.clone().unwrap_or_default()}
                                class={classes!(ready.then_some("ready"), engine_next.then_some("engine-next"))}>
                                <td><span class="actor-name" translate="no">{ a.name.clone() }</span>
                                    if engine_next && !over { <span class="engine-next-mark" title={t(lang, Key::EngineNextMark)}>{ " ●" }</span> }
                                </td>
                                <td class="state">{ with_code(&state_text(a.state)) }</td>
                                <td>{ a.line }</td>
                                <td><code>{ a.next.clone().unwrap_or_default() }</code></td>
                                <td>{ for a.holds.iter().map(|h| html! { <><code>{ h }</code>{ " " }</> }) }</td>
                                <td><code>{ registers.join(" ") }</code></td>
                                <td><button id={format!("step-actor-{i}")} disabled={!ready || over || moving} onclick={onrun}
                                            aria-keyshortcuts={(i < 10).then(|| i.to_string())}>
                                    { t(lang, Key::RunThis) }
                                    if i < 10 { { " " }<kbd>{ i }</kbd> }
                                </button></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <div class="panes">
                <section class="pane">
                    <h3>{ t(lang, Key::CodeHeading) }</h3>
                    <CodeView source={props.source.clone()} at={at} />
                </section>
                <section class="pane">
                    <h3>{ t(lang, Key::ConsoleHeading) }</h3>
                    <ConsoleView lang={lang} writes={Rc::new(so_far.console.clone())} errors={Rc::new(so_far.errors.clone())} names={Rc::new(names.clone())} onselect={Callback::noop()} />
                </section>
            </div>
            <Timeline {lang} {run} version={view.turns} trace={so_far} drawings={props.drawings.clone()}
                caption={t(lang, Key::RunTimelineLabel)} />
        </section>
    }
}

/// The stepper's keys, shown under its buttons: each presses the button it names, so a
/// key does what its button does and nothing when the button is off.
const KEYS: &[(&str, Key)] =
    &[("S", Key::StepOnce), ("0–9", Key::RunThis), ("P", Key::StepPlay), ("W", Key::StepWait), ("E", Key::StepToEnd)];

fn shortcut(event: &Event) {
    let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else { return };
    if key.ctrl_key() || key.meta_key() || key.alt_key() || key.repeat() {
        return;
    }
    // Letters typed into a field are text.
    let typing = key
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    let id = match key.key().to_ascii_lowercase().as_str() {
        _ if typing => return,
        "s" => "step".to_string(),
        "p" => "step-play".to_string(),
        "w" => "step-wait".to_string(),
        "e" => "step-end".to_string(),
        digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => format!("step-actor-{digit}"),
        _ => return,
    };
    let button = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id));
    if let Some(button) = button.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
        key.prevent_default();
        button.click();
    }
}

/// `Thread-1 (work)` → `Thread-1`: short enough to sit at the end of a code line.
fn short_name(name: &str) -> String {
    name.split(" (").next().unwrap_or(name).to_string()
}
