//! The page's state, entirely in the query string, so a link reproduces what the learner
//! saw. Parsing never fails: bad values are clamped or replaced by defaults, and each such
//! fix leaves a [`Note`] the page shows. Serialising writes only what differs from the
//! defaults, in a fixed order, so a link round-trips exactly.

pub mod code;
mod page;
mod pin;

pub use code::CodeProblem;
pub use page::{origin, Controls, PageSettings, Panel, SettingProblem, Theme, MAX_HOSTS};

use crate::i18n::Lang;
use crate::knobs::{common, echo, KnobError, KnobSpec, KnobValue, KnobValues};
use crate::lessons::{self, LessonInfo};

/// Notes a link gets at most; the rest are counted in one more ([`Note::More`]).
pub const MAX_NOTES: usize = 8;

/// Something in the link that was not used as given.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// More notes than [`MAX_NOTES`]: how many were left out.
    More(usize),
    UnknownLesson {
        given: String,
        known: Vec<&'static str>,
    },
    /// A lesson knob given while no lesson is open.
    IgnoredWithoutLesson {
        name: String,
        value: String,
    },
    Knob(KnobError),
    /// The learner's program in the link (`code=`) could not be used: the lesson's own is
    /// shown.
    Code(CodeProblem),
    /// One of the page's own settings ([`PageSettings`]) not used as given.
    Setting {
        name: String,
        given: String,
        why: SettingProblem,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct PageQuery {
    pub lesson: Option<&'static LessonInfo>,
    /// Common knobs in [`common::ALL`] order; `given` ones are written back to the link.
    common: Vec<Setting>,
    /// The open lesson's knobs, in the lesson's order.
    lesson_knobs: Vec<Setting>,
    /// The learner's own program in place of the open lesson's, once they edit it, and its
    /// `code=` value (encoded once per change: the link is written after every action).
    code: Option<(String, Result<String, CodeProblem>)>,
    /// How the page is shown: embedded or not, its theme, ...
    pub page: PageSettings,
    pub notes: Vec<Note>,
    /// The knobs of a run pinned to compare with (see `pin`).
    pin: Option<Vec<(String, String)>>,
}

#[derive(Clone, Debug, PartialEq)]
struct Setting {
    spec: KnobSpec,
    value: KnobValue,
    /// Given in the link (or set by the learner) rather than defaulted.
    given: bool,
}

impl Setting {
    fn defaults(specs: &[KnobSpec]) -> Vec<Setting> {
        specs.iter().map(|spec| Setting { spec: *spec, value: spec.default_value(), given: false }).collect()
    }
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            lesson: None,
            common: Setting::defaults(common::ALL),
            lesson_knobs: Vec::new(),
            code: None,
            page: PageSettings::default(),
            notes: Vec::new(),
            pin: None,
        }
    }
}

impl PageQuery {
    /// Parses `?a=1&b=2` (with or without the `?`). Percent-escapes and `+` are decoded.
    /// Time is linear in the link's length, and a link with thousands of bad parameters
    /// gets [`MAX_NOTES`] notes and a count of the rest.
    pub fn parse(search: &str) -> PageQuery {
        let mut query = PageQuery::default();
        // The last of repeated keys wins, with a note; first appearance sets the order.
        let mut unique: Vec<(String, String, usize)> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (key, value) in form_urlencoded::parse(search.trim_start_matches('?').as_bytes()) {
            match index.get(key.as_ref()) {
                Some(&slot) => {
                    unique[slot].1 = value.into_owned();
                    unique[slot].2 += 1;
                }
                None => {
                    index.insert(key.to_string(), unique.len());
                    unique.push((key.into_owned(), value.into_owned(), 1));
                }
            }
        }
        // The lesson first, so its knobs are known; then every key in link order, each with
        // its notes (repeated, then the value's own) together.
        let lesson = unique.iter().position(|(k, _, _)| k == "lesson");
        let order = lesson.into_iter().chain((0..unique.len()).filter(|i| Some(*i) != lesson));
        for i in order {
            let (key, value, times) = &unique[i];
            if *times > 1 {
                query.notes.push(Note::Knob(KnobError::Repeated { knob: echo(key), used: echo(value) }));
            }
            if key == "lesson" {
                match lessons::find(value) {
                    Some(lesson) => query.open_lesson(lesson),
                    None => query.notes.push(Note::UnknownLesson {
                        given: echo(value),
                        known: lessons::CATALOGUE.iter().map(|l| l.id).collect(),
                    }),
                }
            } else if key == "code" {
                match (query.lesson, code::decode(value)) {
                    (None, _) => query.notes.push(Note::IgnoredWithoutLesson { name: echo(key), value: echo(value) }),
                    (Some(_), Ok(text)) => query.set_code(Some(text)),
                    (Some(_), Err(problem)) => query.notes.push(Note::Code(problem)),
                }
            } else if key == "pin" {
                if let Err(note) = query.set_pin(value) {
                    query.notes.push(note);
                }
            } else if PageSettings::owns(key) {
                if let Err(note) = query.page.set(key, value) {
                    query.notes.push(note);
                }
            } else if let Err(note) = query.set(key, value) {
                query.notes.push(note);
            }
        }
        if query.notes.len() > MAX_NOTES {
            let more = query.notes.len() - MAX_NOTES;
            query.notes.truncate(MAX_NOTES);
            query.notes.push(Note::More(more));
        }
        query
    }

    /// Opens a lesson with its default knobs.
    pub fn open_lesson(&mut self, lesson: &'static LessonInfo) {
        self.pin = None;
        self.lesson = Some(lesson);
        self.lesson_knobs = Setting::defaults(lesson.knobs);
        self.code = None;
    }

    /// Back to the index.
    pub fn close_lesson(&mut self) {
        self.pin = None;
        self.lesson = None;
        self.lesson_knobs.clear();
        self.code = None;
    }

    /// The learner's program, if they wrote one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_ref().map(|(text, _)| text.as_str())
    }

    /// Puts the learner's program in place of the lesson's (`None`: the lesson's again).
    pub fn set_code(&mut self, text: Option<String>) {
        self.code = text.map(|text| {
            let value = code::encode(&text);
            (text, value)
        });
    }

    /// Why the learner's program is not in the link, if it is not: too long to share.
    pub fn code_left_out(&self) -> Option<CodeProblem> {
        self.code.as_ref()?.1.as_ref().err().copied()
    }

    /// Sets a knob from a raw value. The value used (clamped or default) is kept either way;
    /// `Err` carries the note to show.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), Note> {
        let lesson = self.lesson;
        let slot = self.common.iter_mut().chain(self.lesson_knobs.iter_mut()).find(|s| s.spec.name == name);
        let Some(slot) = slot else {
            return Err(match lesson {
                None => Note::IgnoredWithoutLesson { name: echo(name), value: echo(raw) },
                Some(lesson) => Note::Knob(KnobError::Unknown {
                    knob: echo(name),
                    allowed: lesson.knobs.iter().chain(common::ALL).map(|s| s.name).collect(),
                }),
            });
        };
        let (value, error) = slot.spec.parse_or_fix(raw);
        slot.value = value;
        slot.given = true;
        error.map_or(Ok(()), |e| Err(Note::Knob(e)))
    }

    pub fn value(&self, name: &str) -> Option<&KnobValue> {
        self.common.iter().chain(&self.lesson_knobs).find(|s| s.spec.name == name).map(|s| &s.value)
    }

    pub fn lang(&self) -> Lang {
        match self.value("lang") {
            Some(KnobValue::Choice(code)) => Lang::from_code(code).unwrap_or_default(),
            _ => Lang::default(),
        }
    }

    pub fn set_lang(&mut self, lang: Lang) {
        // A language code from `Lang` always parses.
        let _ = self.set("lang", lang.code());
    }

    /// Whether a knob was given in the link or by the learner (e.g. `cores`, whose default
    /// in the page is the learner's own core count until chosen).
    pub fn is_given(&self, name: &str) -> bool {
        self.common.iter().chain(&self.lesson_knobs).any(|s| s.spec.name == name && s.given)
    }

    /// The values of the common knobs and the open lesson's, for a run.
    pub fn knob_values(&self) -> Vec<(&'static str, String)> {
        self.common.iter().chain(&self.lesson_knobs).map(|s| (s.spec.name, s.value.to_string())).collect()
    }

    /// The open lesson's full set of knob values, as a run gets them (the link's values are
    /// always valid).
    pub fn values(&self) -> Option<KnobValues> {
        let lesson = self.lesson?;
        let mut values = KnobValues::for_lesson(lesson.knobs);
        for (name, value) in self.knob_values() {
            values.set(name, &value).ok()?;
        }
        Some(values)
    }

    /// The query string, `?`-prefixed, or empty for the default page.
    pub fn to_query_string(&self) -> String {
        let mut parts = self.run_parts();
        parts.extend(self.pin_part());
        parts.extend(self.page.link_parts());
        joined(parts)
    }

    /// The same lesson and knobs on the full page (theme and language kept): where an
    /// embed's "Open in Interleave" goes.
    pub fn full_page_query(&self) -> String {
        let mut parts = self.run_parts();
        parts.extend(self.pin_part());
        if self.page.theme != Theme::Auto {
            parts.push(format!("theme={}", self.page.theme.word()));
        }
        joined(parts)
    }

    /// What makes a run, as link text: the lesson, its knobs (the page's language aside)
    /// and the learner's program. Two runs with one key ran the same thing.
    pub fn run_key(&self) -> String {
        joined(self.run_parts().into_iter().filter(|part| !part.starts_with("lang=")).collect())
    }

    /// The knobs the link carries, by name, in its order: those given that differ from
    /// their defaults (and `cores`, which depends on the machine).
    pub fn link_knobs(&self) -> Vec<(&'static str, String)> {
        self.lesson_knobs
            .iter()
            .chain(&self.common)
            .filter(|setting| {
                setting.given && (setting.value != setting.spec.default_value() || setting.spec.name == "cores")
            })
            .map(|setting| (setting.spec.name, setting.value.to_string()))
            .collect()
    }

    /// The lesson, the knobs that differ from their defaults and the learner's program (if
    /// it fits in a link), as link parts.
    fn run_parts(&self) -> Vec<String> {
        let lesson = self.lesson.map(|lesson| format!("lesson={}", lesson.id));
        let knobs = self.link_knobs().into_iter().map(|(name, value)| format!("{name}={}", percent_encode(&value)));
        let code = self.code.as_ref().and_then(|(_, value)| value.as_ref().ok()).map(|value| format!("code={value}"));
        lesson.into_iter().chain(knobs).chain(code).collect()
    }
}

fn joined(parts: Vec<String>) -> String {
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A link with a 5 000-digit value, a value wrapped in right-to-left controls and 5 000
/// unknown parameters.
#[cfg(test)]
pub(crate) fn hostile_link() -> String {
    let mut link = String::from("?lesson=race_counter&threads=");
    link.push_str(&"9".repeat(5_000));
    link.push_str("&seed=%E2%80%AEevil%E2%80%AC");
    for i in 0..5_000 {
        link.push_str(&format!("&x{i}=1"));
    }
    link
}

#[cfg(test)]
mod tests;
