//! A lesson's words as they cross to the page: the worker holds every lesson's prose and
//! sends the open lesson's, so the page's wasm carries none of it.

use serde::{Deserialize, Serialize};

pub use crate::i18n::Prose;
use crate::lessons::{knob_words, KnobWords, Lesson};

/// What a lesson says of itself: its explanation, what the seed changes in it, and what
/// each knob its form can show means.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProse {
    pub explanation: Prose,
    pub seed_changes: Prose,
    pub knobs: Vec<KnobProse>,
}

/// A knob's label and line of help.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnobProse {
    pub name: String,
    pub label: Prose,
    pub help: Prose,
}

impl From<&KnobWords> for KnobProse {
    fn from(words: &KnobWords) -> KnobProse {
        KnobProse { name: words.name.to_string(), label: words.label.into(), help: words.help.into() }
    }
}

impl LessonProse {
    pub fn of(lesson: &Lesson) -> LessonProse {
        LessonProse {
            explanation: lesson.words.explanation.into(),
            seed_changes: lesson.words.seed_changes.into(),
            knobs: knob_words::of_lesson(lesson).map(KnobProse::from).collect(),
        }
    }

    /// The words of a knob, if the lesson has them.
    pub fn knob(&self, name: &str) -> Option<&KnobProse> {
        self.knobs.iter().find(|k| k.name == name)
    }
}
