use std::rc::Rc;

use yew::prelude::*;

use crate::engine::trace::Nanos;
use crate::i18n::Lang;
use crate::knobs::{common, KnobValue};
use crate::lessons::{self, knob_words, LessonInfo};
use crate::query::{Controls, Note, PageQuery, PageSettings, Panel};
use crate::ui::components::code_pane::CodePane;
use crate::ui::components::compare_view::CompareView;
use crate::ui::components::console_view::{ConsoleGap, ConsoleView};
use crate::ui::components::copy_link::CopyLink;
use crate::ui::components::embed_dialog::EmbedDialog;
use crate::ui::components::explore_panel::ExplorePanel;
use crate::ui::components::knob_form::KnobForm;
use crate::ui::components::run_summary::RunSummary;
use crate::ui::components::stepper_view::StepperView;
use crate::ui::components::sweep_panel::SweepPanel;
use crate::ui::components::timeline::{Drawings, Timeline};
use crate::ui::html::{message_in, progress, with_code};
use crate::ui::state::{Action, ExplorePhase, FinishedRun, RunPhase, State, StreamedWrites, SweepPhase};
use crate::ui::words::{self, t, Key};
use crate::worker::protocol::{ExportFile, LessonProse, Prose, StepView};

#[derive(Properties, PartialEq)]
pub struct LessonPageProps {
    pub lang: Lang,
    /// The timelines the worker drew, and how to ask for one.
    pub drawings: Drawings,
    pub lesson: &'static LessonInfo,
    /// The link: the form's values.
    pub query: PageQuery,
    /// Notes about values the learner typed (clamped or refused).
    pub form_notes: Vec<Note>,
    pub run_phase: RunPhase,
    pub can_run: bool,
    pub can_step: bool,
    /// The live engine is chosen, but the worker has no pool to run it.
    pub needs_pool: bool,
    /// Why the engine worker was last restarted.
    pub restarted: Option<String>,
    /// The lesson's Python for the link's knobs (`None` until the worker has written it).
    pub source: Option<Result<String, Prose>>,
    /// The lesson's explanation and what the seed changes in it, from the worker.
    pub words: Option<Rc<LessonProse>>,
    /// The code view is the editor.
    pub editing: bool,
    /// Where the compiler refuses the editor's text, if it does.
    pub code_error: Option<crate::worker::protocol::CompileError>,
    /// How long the worker took to compile it.
    pub compile_ns: u64,
    pub compile_answers: u32,
    /// The shared variables of the editor's text (explore can expect a value of one).
    pub code_variables: Vec<String>,
    /// The program is Python the learner writes (explore can judge it by a variable).
    pub written: bool,
    /// Explore's figure for a written program: a variable and the value it should end at.
    pub expect: Option<crate::lessons::Expect>,
    /// The learner reset their program to the lesson's: it can be restored.
    pub restorable: bool,
    pub finished: Option<Rc<FinishedRun>>,
    /// The run pinned to compare with, if any.
    pub pinned: Option<Rc<FinishedRun>>,
    /// The console of the run under way as streamed so far, and where its gap is.
    pub streamed: Option<Rc<StreamedWrites>>,
    /// The stepper is open, with its last view once the worker has answered.
    pub stepping: bool,
    pub step_view: Option<(u32, Rc<StepView>)>,
    pub explore_phase: ExplorePhase,
    pub sweep_phase: SweepPhase,
    /// How the page is shown: embedded (with which panels and controls) or whole.
    pub page: PageSettings,
    pub onknob: Callback<(String, String)>,
    pub onrun: Callback<()>,
    pub oncancel: Callback<()>,
    pub onback: Callback<()>,
    /// Everything else the page does (the stepper, exploring) goes straight to the reducer.
    pub onaction: Callback<Action>,
}

/// A lesson: its explanation and program, the knobs, Run and Cancel, and the run view
/// (console, timeline, timings, what to notice), all drawn from the last trace.
#[function_component]
pub fn LessonPage(props: &LessonPageProps) -> Html {
    let lesson = props.lesson;
    let lang = props.lang;
    let selected = use_state(|| None::<u32>);
    let embedding = use_state(|| false);
    // A new run clears the picked console line.
    {
        let selected = selected.clone();
        use_effect_with(props.finished.clone(), move |_| {
            selected.set(None);
            || ()
        });
    }

    // The learner's program, or the source as the worker wrote it for the knobs in the link
    // (a moment after a change).
    let edited = props.query.code().is_some();
    let source: AttrValue = match (props.query.code(), &props.source) {
        (Some(code), _) => code.to_string().into(),
        (None, Some(Ok(text))) => text.clone().into(),
        (None, Some(Err(why))) => format!("# {}", why.get(lang)).into(),
        (None, None) => AttrValue::default(),
    };
    let has_source = edited || props.source.is_some();
    // The lesson's knobs that matter with the others as they are (none once the learner's
    // program replaces the lesson's), then the common ones.
    let knobs = props.query.values();
    let mut specs: Vec<_> = match &knobs {
        _ if edited => Vec::new(),
        Some(knobs) => lesson.knobs.iter().filter(|k| (lesson.shows)(knobs, k.name)).copied().collect(),
        None => lesson.knobs.to_vec(),
    };
    // The common ones that matter on the chosen engine (the seed and cores are the
    // simulated machine's; the time scale the live engine's).
    let engine = match props.query.value("engine") {
        Some(KnobValue::Choice(engine)) => *engine,
        _ => "sim",
    };
    specs.extend(
        common::ALL
            .iter()
            .filter(|c| lesson.common_knobs.contains(&c.name) && knob_words::matters_on(c.name, engine))
            .copied(),
    );

    let onexport = {
        let onaction = props.onaction.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(button) = e.target_dyn_into::<web_sys::Element>() else { return };
            onaction.emit(match button.id().as_str() {
                "pin-run" => Action::Pin,
                "trace-download" => Action::Download(ExportFile::Trace),
                "results-download" => Action::Download(ExportFile::Results),
                "timeline-download" => Action::Download(ExportFile::Timeline(lang)),
                _ => return,
            })
        })
    };
    // The pinned run beside the one on show (not beside itself).
    let pinned_shown = matches!((&props.pinned, &props.finished), (Some(p), Some(f)) if p.run == f.run);
    let beside = props.pinned.clone().filter(|_| props.finished.is_some() && !pinned_shown);
    let run_phase = props.run_phase.clone();
    let running = matches!(run_phase, RunPhase::Running { .. } | RunPhase::Cancelling { .. });
    let can_run = props.can_run;
    let finished = props.finished.clone();

    // The finished run's console, or the one streaming in.
    let console = use_memo((finished.clone(), props.streamed.clone()), |(finished, streamed)| {
        match (finished, streamed.as_deref()) {
            (_, Some((writes, gap))) => {
                let gap = gap.map(|(at, writes)| ConsoleGap { at, writes, lines: None });
                (Rc::new(writes.clone()), Rc::new(Vec::new()), Rc::new(Vec::new()), gap)
            }
            (Some(run), None) => {
                let gap =
                    run.trace.omitted.map(|o| ConsoleGap { at: o.at as usize, writes: o.writes, lines: Some(o.lines) });
                let names = run.trace.actors.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
                (Rc::new(run.trace.console.clone()), Rc::new(run.trace.errors.clone()), Rc::new(names), gap)
            }
            (None, None) => Default::default(),
        }
    });
    let (writes, errors, names, gap) = (*console).clone();
    let focus: Option<Nanos> = selected.and_then(|i| writes.get(i as usize)).map(|w| w.at);
    let marked_line = selected.and_then(|i| {
        let run = finished.as_ref()?;
        run.trace.marks.iter().find(|m| m.kind == crate::engine::trace::MarkKind::Printed(i)).map(|m| m.line)
    });
    let onselect = {
        let selected = selected.clone();
        Callback::from(move |i: u32| selected.set(Some(i)))
    };

    let progress = match &run_phase {
        // A live run knows its total work; a simulated one reports how far Python time got.
        RunPhase::Running { done, total, elapsed_ns, .. } if *total > 0 => {
            progress("run-progress", Some((*done, *total)), words::elapsed(lang, *elapsed_ns))
        }
        RunPhase::Running { elapsed_ns, .. } => {
            progress("run-progress", Some((0, 0)), words::simulated_so_far(lang, *elapsed_ns))
        }
        RunPhase::Cancelling { .. } => progress("run-progress", None, t(lang, Key::Cancelling).into()),
        RunPhase::Failed(message) => {
            html! { <p class="failed" id="run-failed">{ with_code(&message_in(lang, message)) }</p> }
        }
        RunPhase::Idle => html! {},
    };
    let notice = props.needs_pool.then(|| {
        let onknob = props.onknob.clone();
        html! {
            <p class="notice" id="engine-notice">
                { with_code(t(lang, Key::LiveNeedsIsolation)) }{ " " }
                <button id="use-sim" onclick={move |_| onknob.emit(("engine".into(), "sim".into()))}>{ t(lang, Key::UseSim) }</button>
            </p>
        }
    });
    let onrun = props.onrun.reform(|_: MouseEvent| ());
    let onaction = props.onaction.clone();
    let onstepper = onaction.reform(|_: MouseEvent| Action::OpenStepper);
    let ondownload = finished
        .as_ref()
        .filter(|run| run.omitted_console())
        .map(|_| props.onaction.reform(|_| Action::Download(ExportFile::Console)));
    let stepping = props.stepping;
    let stepper = stepping.then(|| {
        html! {
            <StepperView lang={lang} view={props.step_view.clone()} source={source.clone()}
                drawings={props.drawings.clone()} onmove={onaction.reform(Action::StepMove)}
                onclose={onaction.reform(|_| Action::CloseStepper)} />
        }
    });
    let explore = (lesson.breaks.is_some() || props.written).then(|| {
        html! {
            <ExplorePanel lang={lang} phase={props.explore_phase.clone()} can_start={can_run}
                written={props.written} variables={props.code_variables.clone()} expect={props.expect.clone()}
                onexpect={onaction.reform(Action::SetExpect)}
                onstart={onaction.reform(Action::StartExplore)}
                oncancel={props.oncancel.clone()}
                onopen={onaction.reform(|(seed, schedule): (u64, String)| Action::OpenFound { seed, schedule })} />
        }
    });
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let onback = {
        let onback = props.onback.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            onback.emit(())
        })
    };

    // What the seed changes is the lesson's to say of its own program, not of the learner's.
    let seed_changes: String = match (edited, &props.words) {
        (true, _) => lessons::your_program::WRITTEN_SEED_CHANGES.get(lang).to_string(),
        (false, Some(words)) => words.seed_changes.get(lang).to_string(),
        (false, None) => String::new(),
    };
    let explanation = props.words.as_ref().map_or("", |words| words.explanation.get(lang));
    let left_out_of_link = props.query.code_left_out().map(|problem| words::code_left_out(lang, problem));
    let page = &props.page;
    let shows = |panel: Panel| page.shows(panel);
    let knobs_shown = !page.embed || page.controls == Controls::Full;
    let single_pane = !(shows(Panel::Code) && shows(Panel::Console));
    let buttons_shown = !page.embed || page.controls != Controls::None;
    // The live engine does not use the seed.
    let simulated = engine != "live";
    html! {
        <article class={classes!("lesson", page.embed.then_some("embedded"))} id="lesson" data-lesson={lesson.id}>
            if !page.embed {
                <a class="back" href="?" onclick={onback}>{ "← " }{ t(lang, Key::LessonsHeading) }</a>
                <h2>{ with_code(lesson.title.get(lang)) }</h2>
                <p class="explanation">{ with_code(explanation) }</p>
            }
            <section class={classes!("controls", (!buttons_shown).then_some("bare"))}>
                if knobs_shown {
                    <KnobForm {lang} query={props.query.clone()} {specs} words={props.words.clone()} disabled={running} onchange={props.onknob.clone()} />
                    if edited && !lesson.knobs.is_empty() {
                        <p class="notice" id="knobs-fixed">{ t(lang, Key::KnobsFixedByCode) }</p>
                    }
                    // Beside the seed knob, for the learner who runs again with another seed.
                    if simulated && !seed_changes.is_empty() {
                        <p class="seed-changes" id="seed-changes">
                            <span class="label">{ t(lang, Key::SeedChanges) }</span>{ " " }{ with_code(&seed_changes) }
                        </p>
                    }
                }
                if !props.form_notes.is_empty() {
                    <ul class="form-notes" id="form-notes">
                        { for props.form_notes.iter().map(|n| html! { <li>{ with_code(&words::note(lang, n)) }</li> }) }
                    </ul>
                }
                { notice.unwrap_or_default() }
                if buttons_shown {
                    <div class="actions">
                        <button id="run" class="primary" disabled={!can_run} onclick={onrun}>{ t(lang, Key::Run) }</button>
                        <button id="cancel" disabled={!matches!(run_phase, RunPhase::Running { .. })} onclick={oncancel}>{ t(lang, Key::Cancel) }</button>
                        if shows(Panel::Stepper) && knobs_shown {
                            <button id="open-stepper" disabled={!props.can_step} onclick={onstepper}>{ t(lang, Key::StepperOpen) }</button>
                        }
                        <CopyLink lang={lang} query={AttrValue::from(props.query.full_page_query())} />
                        if !page.embed {
                            <button id="open-embed" class="quiet" onclick={
                                let embedding = embedding.clone();
                                move |_: MouseEvent| embedding.set(!*embedding)
                            }>{ t(lang, Key::EmbedOpen) }</button>
                        }
                    </div>
                }
                if *embedding && !page.embed {
                    <EmbedDialog lang={lang} query={props.query.clone()} title={lesson.title.get(lang).replace('`', "")}
                        onclose={let embedding = embedding.clone(); move |_| embedding.set(false)} />
                }
                { progress }
                // Always there, so a screen reader hears each run's result as it comes.
                <p class="sr-only" id="run-announce" role="status">
                    { finished.as_ref().and_then(|f| f.findings(lang)).map(|f| with_code(&f.headline)).unwrap_or_default() }
                </p>
                if let Some(reason) = &props.restarted {
                    <p class="restarted" id="worker-restarted">{ words::worker_restarted(lang, reason) }</p>
                }
            </section>
            if stepping {
                { stepper.unwrap_or_default() }
                if let (Some(run), true) = (&finished, shows(Panel::Findings)) {
                    <RunSummary lang={lang} run={run.clone()} />
                }
            } else {
                <div class={classes!("panes", single_pane.then_some("single"))}>
                    if shows(Panel::Code) {
                        <section class="pane">
                            <CodePane lang={lang} text={has_source.then(|| source.clone())} editing={props.editing}
                                edited={edited} error={props.code_error.clone()} took_ns={props.compile_ns} answers={props.compile_answers} left_out_of_link={left_out_of_link}
                                editable={buttons_shown} busy={running || props.explore_phase.is_running()}
                                restorable={props.restorable} marked={marked_line} onaction={onaction.clone()}
                                onrun={props.onrun.clone()} />
                        </section>
                    }
                    if shows(Panel::Console) {
                        <section class="pane">
                            <h3>{ t(lang, Key::ConsoleHeading) }</h3>
                            <ConsoleView lang={lang} writes={writes} errors={errors} names={names} selected={*selected} onselect={onselect.clone()}
                                gap={gap} ondownload={ondownload} follow={running} />
                        </section>
                    }
                </div>
                if let (Some(run), false) = (&finished, running) {
                    if shows(Panel::Timeline) {
                        <Timeline {lang} run={run.run} trace={run.trace.clone()} drawings={props.drawings.clone()}
                            caption={t(lang, Key::RunTimelineLabel)} focus={focus} onprint={onselect}
                            until={beside.as_ref().map_or(0, |p| p.trace.wall)} />
                        <p class="exports" onclick={onexport}>{ exports_markup(lang, !page.embed, pinned_shown) }</p>
                    }
                    if shows(Panel::Findings) {
                        <RunSummary lang={lang} run={run.clone()} />
                    }
                    if let Some(pinned) = beside.clone() {
                        <CompareView lang={lang} pinned={pinned} current={run.clone()}
                            onunpin={onaction.reform(|_| Action::Unpin)} drawings={props.drawings.clone()} />
                    }
                }
            }
            if shows(Panel::Explore) {
                { explore.unwrap_or_default() }
            }
            if !page.embed && !edited {
                <SweepPanel lang={lang} lesson={lesson} phase={props.sweep_phase.clone()} can_start={can_run}
                    onstart={onaction.reform(Action::StartSweep)} oncancel={props.oncancel.clone()} />
            }
        </article>
    }
}

/// The buttons under a finished run's timeline, as markup (their clicks are caught once,
/// on their row, by id): pin it, and download it as a trace, results or a picture.
fn exports_markup(lang: Lang, pin: bool, pinned: bool) -> Html {
    let button = |id: &str, label: Key, help: Key, disabled: bool| {
        let disabled = if disabled { " disabled" } else { "" };
        format!(r#"<button id="{id}" title="{}"{disabled}>{}</button>"#, t(lang, help), t(lang, label))
    };
    let mut markup = if pin { button("pin-run", Key::PinRun, Key::PinRunHelp, pinned) } else { String::new() };
    markup.push_str(&button("trace-download", Key::TraceDownload, Key::TraceDownloadHelp, false));
    markup.push_str(&button("results-download", Key::ResultsDownload, Key::ResultsDownloadHelp, false));
    markup.push_str(&button("timeline-download", Key::TimelineDownload, Key::TimelineDownloadHelp, false));
    Html::from_html_unchecked(AttrValue::from(markup))
}

/// The lesson for the link, if one is open.
pub fn open_lesson(state: &State) -> Option<&'static LessonInfo> {
    state.query.lesson.and_then(|l| lessons::find(l.id))
}
