//! The app: reads the link, starts the engine worker, and wires the reducer to the page.
//! Side effects live here (worker messages, history, timers); decisions live in the reducer.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::i18n::{Lang, Prose};
use crate::lessons::LessonInfo;
use crate::query::{PageQuery, Theme};
use crate::ui::components::engine_panel::EnginePanel;
use crate::ui::components::header::Header;
use crate::ui::components::isolation_banner::IsolationBanner;
use crate::ui::components::lesson_index::LessonIndex;
use crate::ui::components::lesson_page::{open_lesson, LessonPage};
use crate::ui::components::link_notes::LinkNotes;
use crate::ui::components::timeline::Drawings;
use crate::ui::html::with_code;
use crate::ui::state::{Action, State, WorkerStatus};
use crate::ui::words::{t, Key};
use crate::worker::client::{ClientEvent, EngineClient};
use crate::worker::protocol::{Response, HEARTBEAT_MS, SILENCE_MS};

/// How long a Cancel may go unanswered before the worker is terminated and restarted.
const CANCEL_GRACE_MS: u32 = 2000;
/// How long a new worker may take to say anything (its wasm compiles first).
const FIRST_WORD_MS: f64 = 20_000.0;

/// The last resort for a worker that panicked, crashed, hangs or did not answer: a fresh
/// one. Runs outside the worker's own event handler.
fn restart_worker(slot: Rc<RefCell<Option<EngineClient>>>, dispatcher: UseReducerDispatcher<State>, reason: Prose) {
    set_timeout(0, move || {
        if let Some(client) = slot.borrow().as_ref() {
            if let Err(error) = client.restart() {
                dispatcher.dispatch(Action::WorkerFailed(error));
                return;
            }
        }
        dispatcher.dispatch(Action::WorkerRestarted { reason });
    });
}

/// Draws the page. A panic in its code traps (the page's build aborts at once, see
/// Cargo.toml's `profile.app`), and www/startup.js tells the learner.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Every action renders: a comparison of the whole state, to skip the few that change
        // nothing, would cost the page's wasm more than those renders cost.
        Rc::new((*self).clone().reduce(action))
    }
}

fn initial_state() -> State {
    let window = web_sys::window().expect("a window");
    let search = window.location().search().unwrap_or_default();
    let isolated = Reflect::get(&window, &"crossOriginIsolated".into()).map(|v| v.is_truthy()).unwrap_or(false);
    let cores = window.navigator().hardware_concurrency() as u32;
    let state = State::new(PageQuery::parse(&search), isolated, cores);
    // A reload of an entry that showed a run, or a return to one from another site: the run
    // is run again (the page kept nothing).
    if our_entry(&window) == Some(true) {
        return state.reduce(Action::HistoryMoved { search, ran: true });
    }
    state
}

/// The page's own history entry, if the current one is (whether it showed a run); `None`
/// for a page opened from a link.
fn our_entry(window: &web_sys::Window) -> Option<bool> {
    window.history().ok().and_then(|h| h.state().ok()).and_then(|s| s.as_bool())
}

/// Runs `f` once after `ms` milliseconds.
fn set_timeout(ms: u32, f: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(ms, f).forget();
}

fn to_action(response: Response) -> Option<Action> {
    Some(match response {
        Response::Ready { isolated, pool_threads, hardware_concurrency } => {
            Action::WorkerReady { isolated, pool_threads, hardware_concurrency }
        }
        Response::Progress { run, done, total, elapsed_ns } => Action::RunProgress { run, done, total, elapsed_ns },
        Response::ProbeDone { run, report, trace } => Action::ProbeFinished { run, report, trace: *trace },
        Response::RunDone { run, trace, findings } => Action::RunFinished { run, trace, findings },
        Response::Failed { run, message } => Action::RunFailed { run, message },
        Response::Trace { run, batch, skipped } => Action::RunBatch { run, batch, skipped },
        Response::ExploreDone { run, report } => Action::ExploreFinished { run, report },
        Response::SweepDone { run, result } => Action::SweepFinished { run, result },
        Response::Stepped { run, view } => Action::Stepped { run, view },
        Response::Source { lesson, knobs, text, words } => Action::Source { lesson, knobs, text, words },
        Response::Checked { id, result, took_ns } => Action::CodeChecked { id, result, took_ns },
        Response::Timeline { run, version, frame, markup } => crate::ui::state::drawn(run, version, frame, markup),
        Response::Panicked { .. } | Response::PoolStalled | Response::Heartbeat { .. } | Response::Export { .. } => {
            return None
        }
    })
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    let client: Rc<RefCell<Option<EngineClient>>> = use_mut_ref(|| None);
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let sent_upto = use_mut_ref(|| 0u64);

    // Start the engine worker once; restart it when it panics or crashes.
    {
        let dispatcher = state.dispatcher();
        let client = client.clone();
        use_effect_with((), move |_| {
            let slot = client.clone();
            let on_failure = dispatcher.clone();
            let on_event = move |event: ClientEvent| {
                let restart_reason = match event {
                    ClientEvent::Response(Response::Panicked { message }) => {
                        Some(crate::said!("a pool thread panicked: {message}", "풀 스레드가 패닉했습니다: `{message}`"))
                    }
                    ClientEvent::Response(Response::PoolStalled) => Some(crate::said!(
                        "its thread pool stopped taking work",
                        "스레드 풀이 더 이상 작업을 받지 않았습니다"
                    )),
                    ClientEvent::Crashed(message) => Some(message),
                    // A file the learner asked for: saved, never drawn.
                    ClientEvent::Response(Response::Export { run, file, text: Some(text) }) => {
                        crate::ui::download::save_text(&format!("interleave-run-{run}{}", file.suffix()), &text);
                        None
                    }
                    ClientEvent::Response(response) => {
                        if let Some(action) = to_action(response) {
                            dispatcher.dispatch(action);
                        }
                        None
                    }
                };
                if let Some(reason) = restart_reason {
                    restart_worker(slot.clone(), dispatcher.clone(), reason);
                }
            };
            match EngineClient::start(on_event) {
                Ok(started) => *client.borrow_mut() = Some(started),
                Err(error) => on_failure.dispatch(Action::WorkerFailed(error)),
            }
            || ()
        });
    }

    // Deliver what the reducer queued for the worker, each request once.
    {
        let client = client.clone();
        let newest = state.outbox.last().map(|(seq, _)| *seq).unwrap_or(0);
        let outbox = state.outbox.clone();
        let sent_upto = sent_upto.clone();
        use_effect_with(newest, move |_| {
            let mut sent = sent_upto.borrow_mut();
            if let Some(client) = client.borrow().as_ref() {
                let already = *sent;
                for (seq, request) in outbox.iter().filter(|(seq, _)| *seq > already) {
                    client.send(request);
                    *sent = *seq;
                }
            }
            || ()
        });
    }

    // Keep the link in step with the state (a new history entry when the reducer asks for
    // one), and the document's language with the page's.
    {
        // `None`: the page was opened from a link, and its entry is not yet the page's own.
        let pushed = use_mut_ref(|| web_sys::window().and_then(|w| our_entry(&w)).map(|_| 0u32));
        let query = state.query.to_query_string();
        // Until the page's first entry is written: the index's link, to put before a lesson.
        let first = pushed.borrow().is_none();
        let index = (first && state.query.lesson.is_some() && !state.query.page.embed).then(|| {
            let mut index = state.query.clone();
            index.close_lesson();
            index.to_query_string()
        });
        let lang = state.lang();
        use_effect_with((query, lang, state.history), move |(query, lang, entry)| {
            if let Some(window) = web_sys::window() {
                let path = window.location().pathname().unwrap_or_default();
                if let Ok(history) = window.history() {
                    let ran = JsValue::from_bool(entry.ran);
                    let url = format!("{path}{query}");
                    let mut pushed = pushed.borrow_mut();
                    match *pushed {
                        // Opened at a lesson: the index is one Back away.
                        None if index.is_some() => {
                            let index = format!("{path}{}", index.as_deref().unwrap_or_default());
                            let _ = history.replace_state_with_url(&JsValue::FALSE, "", Some(&index));
                            let _ = history.push_state_with_url(&ran, "", Some(&url));
                        }
                        Some(seen) if entry.pushes > seen => {
                            let _ = history.push_state_with_url(&ran, "", Some(&url));
                        }
                        _ => {
                            let _ = history.replace_state_with_url(&ran, "", Some(&url));
                        }
                    }
                    *pushed = Some(entry.pushes);
                }
                if let Some(root) = window.document().and_then(|d| d.document_element()) {
                    let _ = root.set_attribute("lang", lang.code());
                }
            }
            || ()
        });
    }

    // Back and Forward: the page of the entry's link, with its run if it showed one.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                gloo_events::EventListener::new(&window, "popstate", move |event| {
                    let ran =
                        event.dyn_ref::<web_sys::PopStateEvent>().is_some_and(|e| e.state().as_bool() == Some(true));
                    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
                    dispatcher.dispatch(Action::HistoryMoved { search, ran });
                })
            });
            move || drop(listener)
        });
    }

    // The host page's API, when the page is embedded: commands in, changes out.
    let host = use_mut_ref(|| None::<Rc<crate::ui::host::link::HostLink>>);
    {
        let host = host.clone();
        let latest = latest.clone();
        use_effect_with((), move |_| {
            *host.borrow_mut() = crate::ui::host::link::HostLink::install(latest);
            || ()
        });
    }
    {
        let host = host.clone();
        let state = state.clone();
        use_effect(move || {
            if let Some(link) = host.borrow().as_ref() {
                link.notify(&state);
            }
            || ()
        });
    }

    // The theme on the root element, following the system's while it is `auto`.
    {
        let theme = state.query.page.theme;
        use_effect_with(theme, move |theme| {
            let follow = crate::ui::theme::apply(*theme);
            move || drop(follow)
        });
    }

    // `window.__interleave`, in test builds only (see `ui::test_hooks`).
    {
        let client = client.clone();
        let latest = latest.clone();
        use_effect_with((), move |_| {
            if crate::TEST_HOOKS {
                crate::ui::test_hooks::install(client, latest);
            }
            || ()
        });
    }
    let onlang = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lang: Lang| dispatcher.dispatch(Action::SetLang(lang)))
    };
    let ontheme = {
        let dispatcher = state.dispatcher();
        Callback::from(move |theme: Theme| dispatcher.dispatch(Action::SetTheme(theme)))
    };
    let onstart = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::StartProbe))
    };
    // A Cancel (from the button, or from leaving a lesson mid-run) that the worker does not
    // answer in time gets the last resort: a fresh worker.
    {
        let dispatcher = state.dispatcher();
        let client = client.clone();
        let latest = latest.clone();
        use_effect_with(state.cancelling(), move |cancelling| {
            if let Some(run) = *cancelling {
                set_timeout(CANCEL_GRACE_MS, move || {
                    if latest.borrow().cancelling() == Some(run) {
                        let reason =
                            crate::said!("it did not answer Cancel in time", "취소 요청에 제때 답하지 않았습니다");
                        restart_worker(client, dispatcher, reason);
                    }
                });
            }
            || ()
        });
    }

    // A worker that stops talking (its heartbeat comes every half second) is dead or hangs:
    // noticed within about two seconds, whether or not anything runs.
    {
        let dispatcher = state.dispatcher();
        let client = client.clone();
        let latest = latest.clone();
        use_effect_with((), move |_| {
            gloo_timers::callback::Interval::new(HEARTBEAT_MS as u32, move || {
                let Some(silence) = client.borrow().as_ref().map(EngineClient::silence_ms) else { return };
                let worker = latest.borrow().worker.clone();
                let limit = if worker == WorkerStatus::Starting { FIRST_WORD_MS } else { SILENCE_MS };
                if silence > limit && !matches!(worker, WorkerStatus::Failed(_)) {
                    let seconds = silence / 1000.0;
                    let reason = crate::said!(
                        "it stopped answering for {seconds:.1} s",
                        "{seconds:.1}초 동안 답하지 않았습니다"
                    );
                    restart_worker(client.clone(), dispatcher.clone(), reason);
                }
            })
            .forget();
            || ()
        });
    }
    let oncancel = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Cancel))
    };

    let onopen = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lesson: &'static LessonInfo| dispatcher.dispatch(Action::OpenLesson(lesson)))
    };
    let onback = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::CloseLesson))
    };
    let onknob = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(name, value): (String, String)| dispatcher.dispatch(Action::SetKnob { name, value }))
    };
    let onrun = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::RunLesson))
    };
    let onaction = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };

    let drawings = Drawings {
        drawn: state.drawings(),
        ondraw: {
            let dispatcher = state.dispatcher();
            Callback::from(move |(run, version, frame)| {
                dispatcher.dispatch(Action::DrawTimeline { run, version, frame })
            })
        },
    };

    let lang = state.lang();
    // Why the worker was restarted, in the page's language.
    let restarted = state.restarted.as_ref().map(|reason| reason.get(lang).to_string());
    let live = state.query.value("engine") == Some(&crate::knobs::KnobValue::Choice("live"));
    let lesson_page = open_lesson(&state).map(|lesson| {
        html! {
            <LessonPage lang={lang} lesson={lesson} query={state.query.clone()} form_notes={state.form_notes.clone()}
                run_phase={state.run_phase()} can_run={state.can_run()} can_step={state.can_step()}
                needs_pool={live && state.worker == WorkerStatus::NoPool} restarted={restarted.clone()}
                source={state.source.clone()}
                words={state.lesson_words.clone().filter(|(id, _)| *id == lesson.id).map(|(_, words)| words)}
                finished={state.finished.clone()} pinned={state.pinned()}
                editing={state.editor_open()} code_error={state.code_error().cloned()} compile_ns={state.code_check.took_ns}
                compile_answers={state.code_check.answers}
                code_variables={state.code_variables().to_vec()} written={state.written()} expect={state.expect.clone()}
                restorable={state.code_before_reset().is_some()}
                streamed={state.lesson_running().then(|| Rc::new(state.streamed()))}
                stepping={state.stepping()} step_view={state.step_view()} explore_phase={state.explore_phase()} sweep_phase={state.sweep_phase()}
                page={state.query.page.clone()}
                onknob={onknob.clone()} onrun={onrun.clone()} oncancel={oncancel.clone()} onback={onback.clone()}
                onaction={onaction.clone()} drawings={drawings.clone()} />
        }
    });
    if state.query.page.embed {
        // One lesson, the panels asked for, and the way to the whole page.
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        let full = format!("{path}{}", state.query.full_page_query());
        let title = open_lesson(&state).map_or("Interleave", |l| l.title.get(lang));
        return html! {
            <main class="embed" id="embed">
                <div class="embed-bar">
                    <strong class="embed-title">{ with_code(title) }</strong>
                    <a id="open-full" href={full} target="_blank" rel="noopener">{ t(lang, Key::OpenInInterleave) }</a>
                </div>
                if !state.isolated { <p class="embed-note" id="embed-sim-only">{ t(lang, Key::EmbedSimOnly) }</p> }
                <LinkNotes lang={lang} notes={state.query.notes.clone()} />
                if let Some(page) = lesson_page {
                    { page }
                } else {
                    <p class="notice" id="embed-no-lesson">{ with_code(t(lang, Key::EmbedNoLesson)) }</p>
                }
            </main>
        };
    }
    html! {
        <>
            <Header lang={lang} theme={state.query.page.theme} onlang={onlang} ontheme={ontheme} />
            <main>
                if !state.isolated { <IsolationBanner lang={lang} /> }
                <LinkNotes lang={lang} notes={state.query.notes.clone()} />
                if let Some(page) = lesson_page {
                    { page }
                } else {
                    <LessonIndex lang={lang} onopen={onopen} />
                    <EnginePanel lang={lang} worker={state.worker.clone()} isolated={state.isolated}
                        hardware_concurrency={state.hardware_concurrency} restarted={restarted.clone()}
                        phase={state.probe_phase()} rows={Rc::new(state.rows.clone())} last_trace={state.last_trace.clone()}
                        {drawings} onstart={onstart} oncancel={oncancel} />
                }
            </main>
        </>
    }
}
