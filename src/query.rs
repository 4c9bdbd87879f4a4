//! The page's state, entirely in the query string, so a link reproduces what the learner
//! saw. Parsing never fails: bad values are clamped or replaced by defaults, and each such
//! fix leaves a [`Note`] the page shows. Serialising writes only what differs from the
//! defaults, in a fixed order, so a link round-trips exactly.

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
}

#[derive(Clone, Debug, PartialEq)]
pub struct PageQuery {
    pub lesson: Option<&'static LessonInfo>,
    /// Common knobs in [`common::ALL`] order; `given` ones are written back to the link.
    common: Vec<Setting>,
    /// The open lesson's knobs, in the lesson's order.
    lesson_knobs: Vec<Setting>,
    pub notes: Vec<Note>,
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
        PageQuery { lesson: None, common: Setting::defaults(common::ALL), lesson_knobs: Vec::new(), notes: Vec::new() }
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
        self.lesson = Some(lesson);
        self.lesson_knobs = Setting::defaults(lesson.knobs);
    }

    /// Back to the index.
    pub fn close_lesson(&mut self) {
        self.lesson = None;
        self.lesson_knobs.clear();
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
        let mut parts = Vec::new();
        if let Some(lesson) = self.lesson {
            parts.push(format!("lesson={}", lesson.id));
        }
        for setting in self.lesson_knobs.iter().chain(&self.common) {
            let is_default = setting.value == setting.spec.default_value();
            if setting.given && !is_default || setting.given && setting.spec.name == "cores" {
                parts.push(format!("{}={}", setting.spec.name, percent_encode(&setting.value.to_string())));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
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
mod tests {
    use super::*;

    #[test]
    fn a_schedule_round_trips_in_the_link_and_a_malformed_one_leaves_a_note() {
        let q = PageQuery::parse("?lesson=race_counter&gil=off&schedule=40t1x3.12t0.2w");
        assert!(q.notes.is_empty(), "{:?}", q.notes);
        assert_eq!(q.to_query_string(), "?lesson=race_counter&gil=off&schedule=40t1x3.12t0.2w");
        let q = PageQuery::parse("?lesson=race_counter&schedule=40t");
        assert_eq!(q.value("schedule").map(|v| v.to_string()), Some(String::new()));
        assert!(
            matches!(&q.notes[0], Note::Knob(KnobError::NotASchedule { value, .. }) if value == "40t"),
            "{:?}",
            q.notes
        );
        assert_eq!(q.to_query_string(), "?lesson=race_counter");
    }

    #[test]
    fn the_empty_link_is_the_default_page() {
        let q = PageQuery::parse("");
        assert!(q.lesson.is_none());
        assert!(q.notes.is_empty());
        assert_eq!(q.lang(), Lang::En);
        assert_eq!(q.to_query_string(), "");
    }

    #[test]
    fn a_bad_link_gives_one_note_per_problem_and_a_usable_page() {
        let q = PageQuery::parse("?lesson=nope&threads=-1&threads=abc&seed=1e999");
        assert!(q.lesson.is_none());
        assert!(
            q.notes.iter().any(|n| matches!(n, Note::UnknownLesson { given, .. } if given == "nope")),
            "{:?}",
            q.notes
        );
        assert!(q.notes.iter().any(
            |n| matches!(n, Note::Knob(KnobError::Repeated { knob, used }) if knob == "threads" && used == "abc")
        ));
        assert!(q.notes.iter().any(|n| matches!(n, Note::IgnoredWithoutLesson { name, .. } if name == "threads")));
        assert!(q.notes.iter().any(|n| matches!(n, Note::Knob(KnobError::NotANumber { knob: "seed", .. }))));
        assert_eq!(q.value("seed"), Some(&KnobValue::Seed(1)));
    }

    #[test]
    fn common_knobs_round_trip_through_the_link() {
        let q = PageQuery::parse("?engine=live&seed=7&cores=2&lang=ko&gil=off&time_scale=0.25");
        assert!(q.notes.is_empty(), "{:?}", q.notes);
        assert_eq!(q.lang(), Lang::Ko);
        let again = PageQuery::parse(&q.to_query_string());
        assert_eq!(again, q);
        assert_eq!(q.to_query_string(), "?engine=live&seed=7&cores=2&time_scale=0.25&gil=off&lang=ko");
    }

    #[test]
    fn switching_language_changes_the_link() {
        let mut q = PageQuery::parse("?seed=3");
        q.set_lang(Lang::Ko);
        assert_eq!(q.to_query_string(), "?seed=3&lang=ko");
        q.set_lang(Lang::En);
        assert_eq!(q.to_query_string(), "?seed=3");
    }

    #[test]
    fn escapes_are_decoded_and_stray_percents_kept() {
        let q = PageQuery::parse("?engine=%6Cive&lesson=a%20b+c%zz%");
        assert_eq!(q.value("engine"), Some(&KnobValue::Choice("live")));
        assert!(matches!(&q.notes[0], Note::UnknownLesson { given, .. } if given == "a b c%zz%"), "{:?}", q.notes);
    }

    /// Regression: a link could echo any amount of text into the notes, as many notes as it
    /// had parameters, and right-to-left controls that turn a note around on screen. (How
    /// the notes read is tested with the page's words, `ui::words`.)
    #[test]
    fn a_hostile_link_gets_short_clean_notes_and_only_so_many() {
        let q = PageQuery::parse(&hostile_link());
        assert_eq!(q.notes.len(), MAX_NOTES + 1);
        assert_eq!(q.notes.last(), Some(&Note::More(5_002 - MAX_NOTES)));
        assert!(
            matches!(&q.notes[1], Note::Knob(KnobError::NotANumber { value, .. }) if value == "evil"),
            "{:?}",
            q.notes[1]
        );
        assert!(
            matches!(&q.notes[0], Note::Knob(KnobError::OutOfRange { value, .. }) if value.chars().count() == 41),
            "{:?}",
            q.notes[0]
        );
    }
}
