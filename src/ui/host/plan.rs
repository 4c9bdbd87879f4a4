//! What a host's command does to the page (the reducer's actions, or an answer), checked
//! in full before anything changes; and the events the page's state gives the host. Pure.

use std::collections::BTreeMap;

use crate::engine::trace::{EngineKind, Outcome, WaitOn};
use crate::i18n::Lang;
use crate::lessons;
use crate::query::{PageQuery, PageSettings, Theme};
use crate::ui::host::protocol::{
    Command, DeadlockEdge, ErrorCode, Event, KnobText, MessageId, Outgoing, PageState, RunResult, StepCommand,
    MAX_KNOBS, MAX_TEXT, VERSION,
};
use crate::ui::state::{Action, ExplorePhase, FinishedRun, ProbePhase, RunPhase, State, WorkerStatus};
use crate::worker::protocol::StepMove;

/// What a command comes to.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Actions for the reducer, in order.
    Act(Vec<Action>),
    /// An answer, nothing changed.
    Answer(Event),
}

pub type Refusal = (ErrorCode, String);

/// The command's effect on `state`, or why it is refused. `link_base` is the page's path,
/// for the link an exported result carries.
pub fn plan(command: &Command, state: &State, link_base: &str) -> Result<Plan, Refusal> {
    Ok(match command {
        // The page is ready once its engine worker is: until then a ping gets no answer (the
        // host pings again), so every command after `ready` finds an engine to run it.
        Command::Ping if state.worker == WorkerStatus::Starting => Plan::Act(Vec::new()),
        Command::Ping => Plan::Answer(ready(state)),
        Command::GetState => Plan::Answer(Event::State(page_state(state))),
        Command::ExportResult => {
            let run = state.finished.as_ref().ok_or((ErrorCode::NoResult, "no run has ended yet".to_string()))?;
            let link = format!("{link_base}{}", run_link(state, run));
            Plan::Answer(Event::Result(run_result(run, state.lang(), Some(link))))
        }
        Command::Load { lesson, knobs } => {
            check_len("lesson", lesson)?;
            let info = lessons::find(lesson).ok_or_else(|| {
                let known: Vec<&str> = lessons::CATALOGUE.iter().map(|l| l.id).collect();
                (
                    ErrorCode::UnknownLesson,
                    format!(
                        "there is no lesson `{}`; the lessons are {}",
                        crate::knobs::echo(lesson),
                        known.join(", ")
                    ),
                )
            })?;
            let mut query = state.query.clone();
            query.open_lesson(info);
            let mut actions = vec![Action::OpenLesson(info)];
            actions.extend(knob_actions(&mut query, knobs)?);
            Plan::Act(actions)
        }
        Command::SetKnobs { knobs } => {
            if state.query.lesson.is_none() {
                return Err((ErrorCode::NoLesson, "no lesson is open: `load` one first".into()));
            }
            Plan::Act(knob_actions(&mut state.query.clone(), knobs)?)
        }
        Command::Run => {
            if !state.can_run() {
                return Err((ErrorCode::Busy, busy(state)));
            }
            Plan::Act(vec![Action::RunLesson])
        }
        Command::Cancel => Plan::Act(vec![Action::Cancel]),
        Command::Step { step, thread, per_second } => {
            let opening = !state.stepping();
            if opening && !state.can_step() && *step != StepCommand::Close {
                return Err((ErrorCode::Busy, busy(state)));
            }
            let mut actions = Vec::new();
            if opening && *step != StepCommand::Close {
                actions.push(Action::OpenStepper);
            }
            let next = match step {
                StepCommand::Open => None,
                StepCommand::Turn => Some(StepMove::Turn(*thread)),
                StepCommand::Wait => Some(StepMove::Wait),
                StepCommand::Play => Some(StepMove::Play { per_second: per_second.unwrap_or(10).clamp(1, 2000) }),
                StepCommand::ToEnd => Some(StepMove::ToEnd),
                StepCommand::Pause => Some(StepMove::Pause),
                StepCommand::Close => {
                    actions.push(Action::CloseStepper);
                    None
                }
            };
            actions.extend(next.map(Action::StepMove));
            Plan::Act(actions)
        }
        Command::SetLang { lang } => {
            let lang = Lang::from_code(lang).ok_or_else(|| bad_value("lang", lang, "en, ko"))?;
            Plan::Act(vec![Action::SetLang(lang)])
        }
        Command::SetTheme { theme } => {
            let theme = Theme::from_word(theme).ok_or_else(|| bad_value("theme", theme, "auto, light, dark"))?;
            Plan::Act(vec![Action::SetTheme(theme)])
        }
    })
}

fn check_len(what: &str, text: &str) -> Result<(), Refusal> {
    if text.chars().count() > MAX_TEXT {
        return Err((ErrorCode::TooLong, format!("`{what}` is longer than {MAX_TEXT} characters")));
    }
    Ok(())
}

fn bad_value(what: &str, given: &str, allowed: &str) -> Refusal {
    (ErrorCode::BadValue, format!("`{what}` is `{}`; it takes {allowed}", crate::knobs::echo(given)))
}

fn busy(state: &State) -> String {
    if state.busy() {
        "the page is busy with another run; cancel it first".into()
    } else {
        "the page cannot run this now (the engine is starting, or live threads need isolation)".into()
    }
}

/// `SetKnob` actions for `knobs`, each checked on `query` first: one knob the lesson does
/// not have, or one value it does not take as given, refuses them all.
fn knob_actions(query: &mut PageQuery, knobs: &BTreeMap<String, KnobText>) -> Result<Vec<Action>, Refusal> {
    if knobs.len() > MAX_KNOBS {
        return Err((ErrorCode::TooLong, format!("more than {MAX_KNOBS} knobs")));
    }
    let mut actions = Vec::new();
    let mut problems = Vec::new();
    for (name, value) in knobs {
        let value = value.to_text();
        check_len("knob", name)?;
        check_len(name, &value)?;
        // The page's own settings and its language are not a run's knobs.
        if PageSettings::owns(name) || name == "lang" {
            problems.push(format!("`{}` is not a knob (use setLang or setTheme)", crate::knobs::echo(name)));
            continue;
        }
        match query.set(name, &value) {
            Ok(()) => actions.push(Action::SetKnob { name: name.clone(), value }),
            Err(note) => problems.push(crate::ui::words::note(Lang::En, &note)),
        }
    }
    if problems.is_empty() {
        Ok(actions)
    } else {
        Err((ErrorCode::BadKnob, problems.join("; ")))
    }
}

/// The answer to `ping`.
pub fn ready(state: &State) -> Event {
    Event::Ready {
        version: VERSION,
        isolated: state.isolated,
        engines: match state.worker {
            WorkerStatus::Ready { .. } if state.isolated => vec!["sim", "live"],
            WorkerStatus::Ready { .. } | WorkerStatus::NoPool => vec!["sim"],
            WorkerStatus::Starting | WorkerStatus::Failed(_) => Vec::new(),
        },
        lang: state.lang().code(),
        theme: state.query.page.theme.word(),
        lesson: state.query.lesson.map(|l| l.id),
    }
}

/// What the page shows now.
pub fn page_state(state: &State) -> PageState {
    // The language has its own field (and `load` or `setKnobs` would refuse it as a knob).
    // Inserted one by one: `collect` would compile a sort for these pairs into the page.
    let mut knobs = BTreeMap::new();
    for (name, value) in state.query.link_knobs().into_iter().filter(|(name, _)| *name != "lang") {
        knobs.insert(name.to_string(), value);
    }
    let phase = if state.stepping() {
        "stepping"
    } else {
        match (state.run_phase(), state.explore_phase(), state.probe_phase()) {
            (RunPhase::Running { .. }, _, _) => "running",
            (RunPhase::Cancelling { .. }, _, _) => "cancelling",
            (_, ExplorePhase::Running { .. } | ExplorePhase::Cancelling { .. }, _) => "exploring",
            (_, _, ProbePhase::Running { .. } | ProbePhase::Cancelling { .. }) => "checking",
            (RunPhase::Failed(_), _, _) => "failed",
            _ => "idle",
        }
    };
    PageState {
        lesson: state.query.lesson.map(|l| l.id),
        knobs,
        phase,
        engine: state.query.value("engine").map(|v| v.to_string()).unwrap_or_default(),
        lang: state.lang().code(),
        theme: state.query.page.theme.word(),
    }
}

/// The full page's link to a finished run: its lesson and the knobs it ran with, whatever
/// the page shows now.
fn run_link(state: &State, run: &FinishedRun) -> String {
    let mut query = state.query.clone();
    query.open_lesson(run.lesson);
    for (name, value) in run.knobs.pairs() {
        // The values were taken once already; a note here could only repeat one.
        let _ = query.set(name, &value);
    }
    query.full_page_query()
}

/// A finished run for the host; with `link`, also its console and the link to it.
pub fn run_result(run: &FinishedRun, lang: Lang, link: Option<String>) -> RunResult {
    let findings = run.findings(lang).cloned().unwrap_or_default();
    let trace = &run.trace;
    RunResult {
        run: run.run,
        lesson: run.lesson.id,
        engine: if trace.engine == EngineKind::Live { "live" } else { "sim" },
        outcome: match trace.outcome {
            Outcome::Completed => "completed",
            Outcome::Deadlock { .. } => "deadlock",
            Outcome::Stuck { .. } => "stuck",
            Outcome::Cancelled => "cancelled",
            Outcome::DeadlineExceeded => "deadline",
            Outcome::Panicked(_) => "panicked",
        },
        headline: findings.headline,
        details: findings.details,
        // Inserted one by one: collecting into a map would sort first, and bring a sort.
        figures: findings.figures.into_iter().fold(BTreeMap::new(), |mut map, (name, value)| {
            map.insert(name, value);
            map
        }),
        time_ms: trace.wall as f64 / 1e6,
        console: link.as_ref().map(|_| trace.console_text()),
        link,
    }
}

/// A deadlocked run's cycle, by name.
pub fn deadlock(run: &FinishedRun) -> Option<Vec<DeadlockEdge>> {
    let Outcome::Deadlock { cycle } = &run.trace.outcome else { return None };
    let trace = &run.trace;
    let actor = |a: crate::engine::program::ActorId| {
        trace.actors.get(a.0 as usize).map_or_else(|| format!("#{}", a.0), |info| info.name.clone())
    };
    Some(
        cycle
            .iter()
            .map(|edge| DeadlockEdge {
                waiter: actor(edge.waiter),
                waits_for: match edge.on {
                    WaitOn::Object(o) => {
                        trace.objects.get(o.0 as usize).cloned().unwrap_or_else(|| format!("#{}", o.0))
                    }
                    WaitOn::Actor(a) => actor(a),
                },
                held_by: actor(edge.holder),
            })
            .collect(),
    )
}

/// What the host has been told, so each change is told once: the page's state, the last
/// finished run, the progress of the run under way; and the host's own run, still owed its
/// answer.
#[derive(Debug, Default)]
pub struct Watcher {
    told_state: Option<PageState>,
    told_run: Option<u32>,
    told_progress: Option<(u64, u64, u64)>,
    /// The host asked for the run under way (with this id, if any): it is answered with
    /// the run's result, or with an error if the run ends without one.
    host_run: Option<Option<MessageId>>,
}

impl Watcher {
    /// The answer to a command whose actions `state` now shows (the reducer applies them
    /// as they are dispatched): `state` for the command's id, or for `run`, nothing yet
    /// (its result comes when it ends) unless the run did not start.
    pub fn applied(&mut self, command: &Command, id: Option<MessageId>, state: &State) -> Vec<Outgoing> {
        if *command == Command::Ping {
            // Not up yet: the host pings again, and hears `ready` when it is.
            return Vec::new();
        }
        if *command == Command::Run {
            if state.lesson_running() {
                self.host_run = Some(id);
                return Vec::new();
            }
            let message = "the run did not start".to_string();
            return vec![Outgoing::new(Event::Error { code: ErrorCode::RunEnded, message }, id)];
        }
        let page = page_state(state);
        self.told_state = Some(page.clone());
        vec![Outgoing::new(Event::State(page), id)]
    }

    /// The events `state` gives since the last call.
    pub fn events(&mut self, state: &State) -> Vec<Outgoing> {
        let mut events = Vec::new();
        let page = page_state(state);
        if self.told_state.as_ref() != Some(&page) {
            self.told_state = Some(page.clone());
            events.push(Outgoing::new(Event::State(page), None));
        }
        let progress = match state.run_phase() {
            // Nothing to tell before the first report.
            RunPhase::Running { done, total, elapsed_ns, .. } if (done, total, elapsed_ns) != (0, 0, 0) => {
                Some((done, total, elapsed_ns))
            }
            _ => None,
        };
        if progress.is_some() && progress != self.told_progress {
            let (done, total, elapsed_ns) = progress.unwrap_or_default();
            events.push(Outgoing::new(Event::Progress { done, total, elapsed_ns }, None));
        }
        self.told_progress = progress;
        if let Some(run) = state.finished.as_ref().filter(|run| Some(run.run) != self.told_run) {
            self.told_run = Some(run.run);
            // The cycle first: `result` ends the run for the host, so all it says is in by then.
            if let Some(cycle) = deadlock(run) {
                events.push(Outgoing::new(Event::Deadlock { cycle }, None));
            }
            let id = self.host_run.take().flatten();
            events.push(Outgoing::new(Event::Result(run_result(run, state.lang(), None)), id));
        } else if self.host_run.is_some() && !state.lesson_running() {
            let id = self.host_run.take().flatten();
            let message = match state.run_phase() {
                RunPhase::Failed(why) => format!("the run failed: {}", why.en),
                _ => "the run was stopped before it ended (another lesson was opened, or the engine restarted)"
                    .to_string(),
            };
            events.push(Outgoing::new(Event::Error { code: ErrorCode::RunEnded, message }, id));
        }
        events
    }
}
