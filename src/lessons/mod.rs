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

use crate::i18n::Text;
use crate::knobs::KnobSpec;

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

/// What the index and the knob form need to know about a lesson.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LessonInfo {
    pub id: &'static str,
    pub group: Group,
    pub title: Text,
    /// One line for the index.
    pub teaser: Text,
    /// The lesson's own knobs (the common ones are in [`crate::knobs::common`]).
    pub knobs: &'static [KnobSpec],
}

/// Every lesson that has landed, in catalogue order.
pub const LESSONS: &[LessonInfo] = &[];

pub fn find(id: &str) -> Option<&'static LessonInfo> {
    LESSONS.iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_ids_are_unique_lowercase_words() {
        for (i, lesson) in LESSONS.iter().enumerate() {
            assert!(lesson.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", lesson.id);
            assert!(LESSONS[..i].iter().all(|other| other.id != lesson.id), "{} twice", lesson.id);
        }
    }
}
