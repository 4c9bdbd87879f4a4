//! What an actor is doing between two turns: the stepper shows it, and a schedule's pick
//! that does not fit says it.

use crate::engine::program::Program;
use crate::engine::trace::WaitOn;

/// What an actor is doing between two turns, as the stepper shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ActorState {
    NotStarted,
    /// Could take the next turn.
    Ready,
    /// Runnable, but every core is taken.
    WaitingForCore,
    WaitingForGil,
    Sleeping,
    /// A new process's interpreter starting up.
    Starting,
    /// Outside the interpreter for a while (a write to the console, a start).
    Busy,
    /// Blocked until another actor does something.
    Waiting(WaitOn),
    Done,
}

impl ActorState {
    /// Its name as an identifier (`Ready`, `Waiting`): the page's `data-state`, which its
    /// tests read (the page's build formats no `Debug`).
    pub fn id(&self) -> &'static str {
        match self {
            ActorState::NotStarted => "NotStarted",
            ActorState::Ready => "Ready",
            ActorState::WaitingForCore => "WaitingForCore",
            ActorState::WaitingForGil => "WaitingForGil",
            ActorState::Sleeping => "Sleeping",
            ActorState::Starting => "Starting",
            ActorState::Busy => "Busy",
            ActorState::Waiting(_) => "Waiting",
            ActorState::Done => "Done",
        }
    }

    /// The name of what it waits for in `program`: an object, or the actor whose end it
    /// waits for (`?` if the program has no such thing); `None` unless it waits.
    pub fn waits_for(&self, program: &Program) -> Option<String> {
        let name = match *self {
            ActorState::Waiting(WaitOn::Object(o)) => program.objects.get(o.0 as usize).map(|d| d.name.as_str()),
            ActorState::Waiting(WaitOn::Actor(a)) => program.actors.get(a.0 as usize).map(|d| d.name.as_str()),
            _ => return None,
        };
        Some(name.unwrap_or("?").to_string())
    }

    /// In English, for messages, with the name of what it waits for (see
    /// [`ActorState::waits_for`]); the page and the worker word it in the learner's language.
    pub fn describe(&self, waits_for: &str) -> String {
        match *self {
            ActorState::NotStarted => "not started yet".into(),
            ActorState::Ready => "ready".into(),
            ActorState::WaitingForCore => "waiting for a free core".into(),
            ActorState::WaitingForGil => "waiting for the GIL".into(),
            ActorState::Sleeping => "sleeping".into(),
            ActorState::Starting => "starting".into(),
            ActorState::Busy => "busy outside Python".into(),
            ActorState::Waiting(WaitOn::Object(_)) => format!("waiting for {waits_for}"),
            ActorState::Waiting(WaitOn::Actor(_)) => format!("waiting for {waits_for} to end"),
            ActorState::Done => "finished".into(),
        }
    }
}
