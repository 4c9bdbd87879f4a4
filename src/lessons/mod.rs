//! The lessons, one file each. A lesson's id is its file name, its URL value and its CLI
//! name. Each is one description from which both the Program and the Python source are
//! generated, so what is shown and what runs cannot drift. A lesson file gives its
//! [`LessonInfo`] (`INFO`: what the page shows of it, its knobs) and its [`Lesson`]
//! (`LESSON`: how the engine worker builds a run and judges it); the page links only the
//! former. Adding a lesson is its file and one line in [`catalogue!`] below.
//!
//! The catalogue (LESSONS.md), by group:
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
//!
//! Modern Python
//! 14. `futures`               — `ThreadPoolExecutor`, `ProcessPoolExecutor`, `as_completed`
//! 15. `pickling`              — start methods, and what `spawn` and `forkserver` cannot pickle
//! 16. `free_threading`        — `3.13t`: lists stay whole, `counter += 1` does not
//! 17. `asyncio_vs_threads`    — one thread, an event loop, switches only at `await`
//!
//! Your program
//! 18. `your_program`          — the learner's own Python, from a few starters

pub mod explore;
pub mod failures;
pub mod knob_words;
pub mod parts;
pub mod results;
pub mod source;
pub mod sweep;

mod built;
mod setup;
mod size;
#[cfg(test)]
mod words_tests;

pub use built::{Built, Findings, FindingsText};
pub use setup::{shared_variables, Expect, Setup, MAX_EXPECTED_TEXT};
pub use size::{smaller_knobs, suggestion};

use crate::engine::trace::Trace;
use crate::i18n::{Lang, Prose, Text};
use crate::knobs::{Common, FromKnobs, KnobSpec, KnobValues};

/// Declares each lesson's module, and the two lists in catalogue order: [`CATALOGUE`] of
/// what the page shows, [`LESSONS`] of what the worker runs. One line per lesson.
macro_rules! catalogue {
    ($($id:ident),* $(,)?) => {
        $(pub mod $id;)*
        /// Every lesson, in catalogue order, as the page shows it.
        pub const CATALOGUE: &[&LessonInfo] = &[$(&$id::INFO),*];
        /// Every lesson, in catalogue order, as the engine worker runs it.
        pub const LESSONS: &[Lesson] = &[$($id::LESSON),*];
    };
}

catalogue! {
    starting_threads,
    race_counter,
    lock_print,
    dining_philosophers,
    sync_tools,
    gil,
    threads_vs_processes,
    process_basics,
    pool_map,
    shared_value,
    pipe,
    queue,
    job_queue,
    futures,
    pickling,
    free_threading,
    asyncio_vs_threads,
    your_program,
}

/// The index groups lessons as the tutorials do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Threads,
    Synchronisation,
    Gil,
    Processes,
    /// What a learner meets in today's Python: `concurrent.futures`, start methods and
    /// pickling, asyncio, free-threaded builds.
    Modern,
    /// The learner's own program.
    Yours,
}

impl Group {
    pub const ALL: [Group; 6] =
        [Group::Threads, Group::Synchronisation, Group::Gil, Group::Processes, Group::Modern, Group::Yours];
}

/// What the page knows of a lesson: its words, its knobs, which of them a variant shows,
/// and whether it has something to break.
#[derive(Clone, Copy, Debug)]
pub struct LessonInfo {
    pub id: &'static str,
    pub group: Group,
    pub title: Text,
    /// One line for the index.
    pub teaser: Text,
    /// The lesson's own knobs (the common ones are in [`crate::knobs::common`]).
    pub knobs: &'static [KnobSpec],
    /// The common knobs that change this lesson, shown in its form.
    pub common_knobs: &'static [&'static str],
    /// Whether the form shows a lesson knob with the knobs as they are (a knob that changes
    /// nothing in this variant is hidden; its value stays in the link).
    pub shows: fn(&KnobValues, &str) -> bool,
    /// The figure whose non-zero value means a run broke what the lesson's program means
    /// to do (an update lost, a deadlock, a result missed), for exploring over seeds.
    pub breaks: Option<&'static str>,
}

impl PartialEq for LessonInfo {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// What a lesson says of itself in paragraphs: the engine worker sends them to the page with
/// the lesson's Python, so the page's wasm does not carry every lesson's prose.
#[derive(Clone, Copy, Debug)]
pub struct LessonWords {
    /// A short explanation in plain words, shown above the program.
    pub explanation: Text,
    /// One line on what the seed changes in this lesson on the simulated engine (the order
    /// of some lines, a count of lost updates, only the timings...), shown beside the knobs
    /// while the engine is `sim`: the live engine does not use the seed.
    pub seed_changes: Text,
    /// What each of the lesson's own knobs means (the common ones' are [`knob_words::COMMON`]).
    pub knobs: &'static [KnobWords],
}

/// What a knob means, for the form: a short label and a line of help. The knob's id stays
/// beside them (the URL and the CLI use it); its values are identifiers the help may name.
#[derive(Clone, Copy, Debug)]
pub struct KnobWords {
    pub name: &'static str,
    pub label: Text,
    pub help: Text,
}

/// A lesson as the engine worker runs it: its knobs to a Program, a run to its findings.
#[derive(Clone, Copy, Debug)]
pub struct Lesson {
    pub info: &'static LessonInfo,
    pub words: &'static LessonWords,
    /// Knobs to Program and settings; `Err` names what cannot be built.
    pub build: fn(&KnobValues) -> Result<Built, Prose>,
    /// A run to its findings; a figure's name is owned, since a learner's program names its own.
    pub findings: fn(&KnobValues, &Trace, Lang) -> FindingsText,
}

/// What a lesson is, in types: its knobs as one struct, parsed once where a run starts,
/// and the Program and the findings it makes of them. [`Lesson::of`] erases it for the
/// catalogue.
pub trait Teach {
    /// The lesson's own knobs (the common ones come as [`Common`]).
    type Knobs: FromKnobs;
    /// The Program and its run settings.
    fn build(knobs: &Self::Knobs, common: &Common) -> Built;
    /// What to notice about a run, in `lang`.
    fn findings(knobs: &Self::Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings;
    /// Whether the form shows the lesson's knob `name` with these knobs (one that changes
    /// nothing in this variant is hidden).
    fn shows(_knobs: &Self::Knobs, _name: &str) -> bool {
        true
    }
}

impl Lesson {
    /// The lesson `T`, its knobs parsed from a knob set before it builds or judges.
    pub const fn of<T: Teach>(info: &'static LessonInfo, words: &'static LessonWords) -> Lesson {
        Lesson { info, words, build: build_with::<T>, findings: findings_with::<T> }
    }
}

fn build_with<T: Teach>(values: &KnobValues) -> Result<Built, Prose> {
    let knobs = T::Knobs::from_knobs(values).map_err(|e| knob_words::knob_error(&e))?;
    let common = Common::from_knobs(values).map_err(|e| knob_words::knob_error(&e))?;
    Ok(T::build(&knobs, &common))
}

fn findings_with<T: Teach>(values: &KnobValues, trace: &Trace, lang: Lang) -> FindingsText {
    match (T::Knobs::from_knobs(values), Common::from_knobs(values)) {
        (Ok(knobs), Ok(common)) => T::findings(&knobs, &common, trace, lang).into(),
        (Err(e), _) | (_, Err(e)) => {
            FindingsText { headline: knob_words::knob_error(&e).get(lang).to_string(), ..FindingsText::default() }
        }
    }
}

/// [`LessonInfo::shows`] for the lesson `T`.
pub fn shows_with<T: Teach>(values: &KnobValues, name: &str) -> bool {
    T::Knobs::from_knobs(values).map_or(true, |knobs| T::shows(&knobs, name))
}

/// Builds a lesson from raw `name=value` pairs, strictly (for the worker and the CLI).
pub fn build_from_pairs(lesson: &Lesson, pairs: &[(String, String)]) -> Result<(KnobValues, Built), Prose> {
    let knobs = knobs_from_pairs(lesson, pairs)?;
    let built = (lesson.build)(&knobs)?;
    Ok((knobs, built))
}

/// A lesson's knobs from raw `name=value` pairs, strictly: a wrong one is an error.
pub fn knobs_from_pairs(lesson: &Lesson, pairs: &[(String, String)]) -> Result<KnobValues, Prose> {
    let mut knobs = KnobValues::for_lesson(lesson.info.knobs);
    for (name, value) in pairs {
        knobs.set(name, value).map_err(|e| knob_words::knob_error(&e))?;
    }
    Ok(knobs)
}

/// What the page shows of the lesson `id`.
pub fn find(id: &str) -> Option<&'static LessonInfo> {
    CATALOGUE.iter().copied().find(|l| l.id == id)
}

/// The lesson `id`, to run.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.info.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_builds_a_valid_program_with_its_defaults() {
        for lesson in LESSONS {
            let (_, built) = build_from_pairs(lesson, &[]).unwrap_or_else(|e| panic!("{}: {}", lesson.info.id, e.en));
            built.program.validate().unwrap_or_else(|e| panic!("{}: {e}", lesson.info.id));
        }
    }

    #[test]
    fn every_lesson_says_in_one_line_of_its_own_what_the_seed_changes_in_both_languages() {
        let hangul = |text: &str| text.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c));
        for (i, lesson) in LESSONS.iter().map(|l| l.info).enumerate() {
            let line = LESSONS[i].words.seed_changes;
            for lang in Lang::ALL {
                let text = line.get(lang);
                assert!(text.trim().len() > 20, "{} ({lang:?}): {text:?}", lesson.id);
                assert!(!text.contains('\n') && text.ends_with('.'), "{} ({lang:?}): one line, a sentence", lesson.id);
                let twin = LESSONS[..i].iter().find(|other| other.words.seed_changes.get(lang) == text);
                assert!(twin.is_none(), "{} says what {} says", lesson.id, twin.map_or("", |t| t.info.id));
            }
            assert!(hangul(line.ko) && !hangul(line.en), "{}: Korean in ko, English in en", lesson.id);
        }
    }

    #[test]
    fn lesson_ids_are_unique_lowercase_words() {
        for (i, lesson) in CATALOGUE.iter().enumerate() {
            assert!(lesson.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", lesson.id);
            assert!(CATALOGUE[..i].iter().all(|other| other.id != lesson.id), "{} twice", lesson.id);
            assert_eq!(LESSONS[i].info.id, lesson.id, "the two lists are in the same order");
        }
    }
}
