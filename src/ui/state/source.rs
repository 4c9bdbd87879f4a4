//! The open lesson's Python: the worker writes it for the link's knobs (the page holds no
//! lesson builder), asked again whenever the lesson or a knob that shapes it changes.

use super::{State, WorkerStatus};
use std::rc::Rc;

use crate::worker::protocol::{LessonProse, Prose, Request};

/// A lesson and the knobs its Python was asked for.
pub(super) type SourceKey = (String, Vec<(String, String)>);

/// Knobs that never change a lesson's Python.
const NOT_IN_THE_SOURCE: &[&str] = &["lang", "seed", "schedule", "engine", "cores"];

impl State {
    /// After every action: asks the worker for the open lesson's Python if the lesson or its
    /// knobs changed since it last asked. A new lesson's Python replaces the old one's only
    /// when it comes; another lesson's is never shown meanwhile.
    pub(super) fn ask_for_source(&mut self) {
        if !matches!(self.worker, WorkerStatus::Ready { .. } | WorkerStatus::NoPool) {
            return;
        }
        let (Some(lesson), Some(knobs)) = (self.query.lesson, self.knob_values()) else {
            self.source = None;
            self.source_asked = None;
            self.lesson_words = None;
            return;
        };
        let pairs: Vec<(String, String)> = knobs
            .pairs()
            .into_iter()
            .filter(|(name, _)| !NOT_IN_THE_SOURCE.contains(name))
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        let key = (lesson.id.to_string(), pairs);
        if self.source_asked.as_ref() == Some(&key) {
            return;
        }
        if self.source_asked.as_ref().is_none_or(|(asked, _)| *asked != key.0) {
            self.source = None;
        }
        if self.lesson_words.as_ref().is_some_and(|(words_of, _)| *words_of != key.0) {
            self.lesson_words = None;
        }
        self.send(Request::Source { lesson: key.0.clone(), knobs: key.1.clone() });
        self.source_asked = Some(key);
    }

    /// The worker's answer: kept if it is for what was last asked.
    pub(super) fn source_written(
        &mut self,
        lesson: String,
        knobs: Vec<(String, String)>,
        text: Result<String, Prose>,
        words: LessonProse,
    ) {
        if self.source_asked.as_ref().is_some_and(|(asked, _)| *asked == lesson) {
            self.lesson_words = Some((lesson.clone(), Rc::new(words)));
        }
        if self.source_asked.as_ref() == Some(&(lesson, knobs)) {
            self.source = Some(text);
            // The editor shows the lesson's new program until the learner changes it.
            if self.query.code().is_none() {
                self.check_code();
            }
        }
    }
}
