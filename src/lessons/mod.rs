//! The lessons, one file each. A lesson's id is its file name, its URL value and its CLI
//! name. Each is one description from which both the Program and the Python source are
//! generated, so what is shown and what runs cannot drift.
//!
//! The catalogue (LESSONS.md), by group; a lesson is listed in [`LESSONS`] once its file
//! lands:
//!
//! Threads
//!  1. `starting_threads`      — start, join, `_thread` vs `threading`
//!  2. `race_counter`          — lost updates on `counter += 1`
//!  3. `lock_print`            — a lock keeps two printed lines together
//!
//! Synchronisation
//!  4. `dining_philosophers`   — deadlock and four ways out
//!  5. `sync_tools`            — RLock, Semaphore, Condition, Event, Barrier
//!
//! The GIL
//!  6. `gil`                   — CPU-bound vs I/O-bound in threads and processes
//!  7. `threads_vs_processes`  — what each shares and costs
//!
//! Processes
//!  8. `process_basics`        — `Process`, `start`, `join`, daemons
//!  9. `pool_map`              — `Pool.map`, chunks and pool size
//! 10. `shared_value`          — `Value`, `get_lock()` and a plain global
//! 11. `pipe`                  — duplex pipes and `EOFError`
//! 12. `queue`                 — producers, consumers, bounded queues
//! 13. `job_queue`             — `apply_async` and a result queue

pub mod dining_philosophers;
pub mod explore;
pub mod gil;
pub mod job_queue;
pub mod lock_print;
pub mod parts;
pub mod pipe;
pub mod pool_map;
pub mod process_basics;
pub mod queue;
pub mod race_counter;
pub mod shared_value;
pub mod source;
pub mod starting_threads;
pub mod sync_tools;
pub mod threads_vs_processes;

use serde::{Deserialize, Serialize};

use crate::engine::program::Program;
use crate::engine::settings::{OutputMode, PythonModel, RunSettings};
use crate::engine::trace::Trace;
use crate::i18n::{Lang, Text};
use crate::knobs::{KnobSpec, KnobValues};

/// The index groups lessons as the tutorials do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Threads,
    Synchronisation,
    Gil,
    Processes,
}

impl Group {
    pub const ALL: [Group; 4] = [Group::Threads, Group::Synchronisation, Group::Gil, Group::Processes];
}

/// A lesson as the engines need it: the Program to run and how to run it.
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    pub program: Program,
    pub settings: RunSettings,
}

/// What the learner should notice, computed from a run and worded by its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Findings {
    /// The one-sentence result ("Lost 6 212 of 40 000 updates.").
    pub headline: String,
    /// Why, and what to try next.
    pub details: Vec<String>,
    /// The lesson's own figures, by name, for tests and the CLI's JSON.
    pub figures: Vec<(&'static str, i64)>,
}

/// Findings as they cross from the engine worker to the page: the same text and figures,
/// owned. The worker computes them from the whole trace (the page's copy may be cut).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsText {
    pub headline: String,
    pub details: Vec<String>,
    pub figures: Vec<(String, i64)>,
}

impl From<Findings> for FindingsText {
    fn from(findings: Findings) -> Self {
        FindingsText {
            headline: findings.headline,
            details: findings.details,
            figures: findings.figures.into_iter().map(|(name, value)| (name.to_string(), value)).collect(),
        }
    }
}

/// A run's findings in every language of the page, in [`Lang::ALL`] order.
pub fn findings_in_every_language(lesson: &LessonInfo, knobs: &KnobValues, trace: &Trace) -> Vec<FindingsText> {
    Lang::ALL.iter().map(|lang| (lesson.findings)(knobs, trace, *lang).into()).collect()
}

/// Everything about a lesson: its words, its knobs, and the two functions that make it
/// run and explain the run. One file per lesson provides one of these.
#[derive(Clone, Copy, Debug)]
pub struct LessonInfo {
    pub id: &'static str,
    pub group: Group,
    pub title: Text,
    /// One line for the index.
    pub teaser: Text,
    /// A short explanation in plain words, shown above the program.
    pub explanation: Text,
    /// The lesson's own knobs (the common ones are in [`crate::knobs::common`]).
    pub knobs: &'static [KnobSpec],
    /// The common knobs that change this lesson, shown in its form.
    pub common_knobs: &'static [&'static str],
    /// Knobs to Program and settings; `Err` names what cannot be built.
    pub build: fn(&KnobValues) -> Result<Built, String>,
    pub findings: fn(&KnobValues, &Trace, Lang) -> Findings,
    /// Whether the form shows a lesson knob with the knobs as they are (a knob that changes
    /// nothing in this variant is hidden; its value stays in the link).
    pub shows: fn(&KnobValues, &str) -> bool,
    /// The figure whose non-zero value means a run broke what the lesson's program means
    /// to do (an update lost, a deadlock, a result missed), for exploring over seeds.
    pub breaks: Option<&'static str>,
}

/// For lessons whose every knob always matters.
pub fn every_knob(_: &KnobValues, _: &str) -> bool {
    true
}

impl PartialEq for LessonInfo {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// Every lesson that has landed, in catalogue order.
pub const LESSONS: &[LessonInfo] = &[
    starting_threads::LESSON,
    race_counter::LESSON,
    lock_print::LESSON,
    dining_philosophers::LESSON,
    sync_tools::LESSON,
    gil::LESSON,
    threads_vs_processes::LESSON,
    process_basics::LESSON,
    pool_map::LESSON,
    shared_value::LESSON,
    pipe::LESSON,
    queue::LESSON,
    job_queue::LESSON,
];

/// Run settings from the common knobs (`gil`, `python`, `output`, `time_scale`).
pub fn settings_from(knobs: &KnobValues) -> RunSettings {
    RunSettings {
        gil: knobs.choice("gil") == "on",
        python: PythonModel::from_knob(knobs.choice("python")).unwrap_or(PythonModel::V3_11),
        output: match knobs.choice("output") {
            "pipe" => OutputMode::Pipe,
            "unbuffered" => OutputMode::Unbuffered,
            _ => OutputMode::Tty,
        },
        time_scale: knobs.decimal("time_scale"),
        panic_for_test: knobs.get("test_panic") == Some(&crate::knobs::KnobValue::Choice("yes")),
        ..RunSettings::default()
    }
}

/// Simulated-engine settings from the common knobs (`cores`, `seed`) and the run settings.
pub fn sim_settings(knobs: &KnobValues, run: RunSettings) -> crate::engine::sim::SimSettings {
    crate::engine::sim::SimSettings {
        run,
        cores: knobs.int("cores") as u32,
        seed: knobs.seed(),
        schedule: knobs.schedule(),
        ..crate::engine::sim::SimSettings::default()
    }
}

/// A simulated run of a built lesson, ready to go: refused up front, with the loop to
/// blame and smaller knob values that would do, if it is too large to simulate.
pub fn simulation(lesson: &LessonInfo, knobs: &KnobValues, built: Built) -> Result<crate::engine::sim::Sim, String> {
    use crate::engine::sim::size;
    if let Err(too_large) = size::check(&built.program, &built.settings, size::MAX_PLANNED_STEPS) {
        let fits = |b: &Built| size::estimate(&b.program, &b.settings).steps <= size::MAX_PLANNED_STEPS;
        return Err(format!("{too_large}{}", suggestion(&smaller_knobs(lesson, knobs, fits))));
    }
    crate::engine::sim::Sim::new(built.program, sim_settings(knobs, built.settings)).map_err(|e| e.to_string())
}

/// For a lesson too large with these knobs: for each of its whole-number knobs, the largest
/// round value below the current one with which `fits` holds (the others as they are),
/// least change first, at most two.
pub fn smaller_knobs(
    lesson: &LessonInfo,
    knobs: &KnobValues,
    fits: impl Fn(&Built) -> bool,
) -> Vec<(&'static str, i64)> {
    let with = |name: &str, value: i64| {
        let mut changed = knobs.clone();
        changed.set(name, &value.to_string()).ok()?;
        (lesson.build)(&changed).ok().filter(|b| fits(b))
    };
    let mut found: Vec<(&'static str, i64, f64)> = Vec::new();
    for spec in lesson.knobs {
        let crate::knobs::KnobKind::Int { min, .. } = spec.kind else { continue };
        let Some(crate::knobs::KnobValue::Int(current)) = knobs.get(spec.name).cloned() else { continue };
        if current <= min || with(spec.name, min).is_none() {
            continue;
        }
        // The largest value that fits, then the largest round one (1, 2 or 5 times a power
        // of ten) at or below it.
        let (mut low, mut high) = (min, current - 1);
        while low < high {
            let middle = low + (high - low + 1) / 2;
            if with(spec.name, middle).is_some() {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        let round = round_down(low).max(min);
        let value = if with(spec.name, round).is_some() { round } else { low };
        found.push((spec.name, value, value as f64 / current as f64));
    }
    found.sort_by(|a, b| b.2.total_cmp(&a.2));
    found.into_iter().take(2).map(|(name, value, _)| (name, value)).collect()
}

/// The largest of 1, 2 or 5 times a power of ten at or below `n` (`n` itself below 10).
fn round_down(n: i64) -> i64 {
    if n < 10 {
        return n;
    }
    let mut power = 1;
    while power * 10 <= n {
        power *= 10;
    }
    [5, 2, 1].into_iter().map(|m| m * power).find(|v| *v <= n).unwrap_or(power)
}

/// `: increments=20000 or threads=2 would do` for the knobs found, or nothing.
pub fn suggestion(knobs: &[(&str, i64)]) -> String {
    if knobs.is_empty() {
        return String::new();
    }
    let each: Vec<String> = knobs.iter().map(|(name, value)| format!("`{name}={value}`")).collect();
    format!(" (with the other knobs as they are, {} or less would do)", each.join(" or "))
}

/// Builds a lesson from raw `name=value` pairs, strictly (for the worker and the CLI).
pub fn build_from_pairs(lesson: &LessonInfo, pairs: &[(String, String)]) -> Result<(KnobValues, Built), String> {
    let mut knobs = KnobValues::for_lesson(lesson.knobs);
    for (name, value) in pairs {
        knobs.set(name, value).map_err(|e| e.to_string())?;
    }
    let built = (lesson.build)(&knobs)?;
    Ok((knobs, built))
}

pub fn find(id: &str) -> Option<&'static LessonInfo> {
    LESSONS.iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_builds_a_valid_program_with_its_defaults() {
        for lesson in LESSONS {
            let (_, built) = build_from_pairs(lesson, &[]).unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
            built.program.validate().unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
        }
    }

    #[test]
    fn lesson_ids_are_unique_lowercase_words() {
        for (i, lesson) in LESSONS.iter().enumerate() {
            assert!(lesson.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", lesson.id);
            assert!(LESSONS[..i].iter().all(|other| other.id != lesson.id), "{} twice", lesson.id);
        }
    }
}
