//! How a simulated run is set up, and why one could not go on.

use crate::engine::program::ProgramError;
use crate::engine::schedule::Schedule;
use crate::engine::settings::RunSettings;
use crate::engine::sim::state::ActorState;

/// How a simulated run is set up.
#[derive(Clone, Debug, PartialEq)]
pub struct SimSettings {
    pub run: RunSettings,
    /// Virtual cores of the simulated machine.
    pub cores: u32,
    pub seed: u64,
    /// A run that takes more steps than this ends with [`SimError::StepLimit`].
    pub max_steps: u64,
    /// Turns that go to a named thread instead of the one the engine would choose.
    pub schedule: Schedule,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings {
            run: RunSettings::default(),
            cores: 2,
            seed: 1,
            max_steps: 200_000_000,
            schedule: Schedule::default(),
        }
    }
}

/// Why a simulated run could not go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    Invalid(ProgramError),
    /// The run took more steps than allowed: it may never end, or be too large.
    StepLimit {
        steps: u64,
    },
    /// A schedule's pick names a thread that cannot take that turn.
    ScheduleMismatch {
        turn: u64,
        actor: u16,
        why: Misfit,
    },
}

/// Why a pick does not fit the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misfit {
    NoSuchThread {
        threads: usize,
    },
    /// The thread exists but cannot run now: what it is doing instead, and the name of what
    /// it waits for if it waits ([`ActorState::waits_for`]).
    CannotRun {
        name: String,
        state: ActorState,
        waits_for: Option<String>,
    },
    /// The run had ended before this turn.
    RunEnded,
    /// A wait with no timer to wait for: every thread is runnable or blocked for good.
    NothingToWaitFor,
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Invalid(e) => write!(f, "the program is not valid: {e}"),
            SimError::StepLimit { steps } => write!(
                f,
                "the simulator stopped after {steps} steps and the run had not ended: a loop that never ends \
                 does that, and so does a program too large to simulate (the live engine runs it)"
            ),
            SimError::ScheduleMismatch { turn, actor, why } => {
                write!(f, "the schedule does not fit this lesson and knobs: at turn {turn}, ")?;
                match why {
                    Misfit::NoSuchThread { threads } => {
                        write!(f, "it names thread {actor}, but the run has threads 0 to {}", threads.saturating_sub(1))
                    }
                    Misfit::CannotRun { name, state, waits_for } => {
                        let doing = state.describe(waits_for.as_deref().unwrap_or("?"));
                        write!(f, "thread {actor} ({name}) cannot run: it is {doing}")
                    }
                    Misfit::RunEnded => write!(f, "it gives a turn to thread {actor}, but the run had already ended"),
                    Misfit::NothingToWaitFor => {
                        write!(f, "it lets time pass, but no timer is running (no one sleeps or starts)")
                    }
                }
            }
        }
    }
}

impl std::error::Error for SimError {}
