//! `pin=`: a run pinned to compare the next ones with, by its knobs (those the link would
//! carry for it), written as a query string of their own: `pin=threads%3D4%26lock%3Dnone`.
//! A shared link with a pin reopens both runs.

use super::{echo, joined, percent_encode, Note, PageQuery, Setting};
use crate::knobs::common;

/// Knobs a pin may carry, at most (a lesson has fewer than twenty).
const MAX_PINNED: usize = 32;

impl PageQuery {
    /// Reads `pin=`: each knob checked as the link's own are; a bad one is left out, and
    /// the first of them gets a note.
    pub(super) fn set_pin(&mut self, raw: &str) -> Result<(), Note> {
        if self.lesson.is_none() {
            return Err(Note::IgnoredWithoutLesson { name: "pin".into(), value: echo(raw) });
        }
        let mut scratch = self.with_defaults();
        let mut pairs = Vec::new();
        let mut first_note = None;
        for (name, value) in form_urlencoded::parse(raw.as_bytes()).take(MAX_PINNED) {
            if name == "lang" || name == "pin" {
                continue;
            }
            match scratch.set(&name, &value) {
                Ok(()) => pairs.push((name.into_owned(), value.into_owned())),
                Err(note) => {
                    first_note.get_or_insert(note);
                }
            }
        }
        self.pin = Some(pairs);
        first_note.map_or(Ok(()), Err)
    }

    /// The pinned run's knobs, if a run is pinned.
    pub fn pin(&self) -> Option<&[(String, String)]> {
        self.pin.as_deref()
    }

    /// Pins the run of `key` ([`PageQuery::run_key`]): its knobs, not its program.
    pub fn set_pin_from_key(&mut self, key: &str) {
        let run = PageQuery::parse(key);
        let pairs = run.link_knobs().into_iter().filter(|(name, _)| *name != "lang");
        self.pin = Some(pairs.map(|(name, value)| (name.to_string(), value)).collect());
    }

    pub fn unpin(&mut self) {
        self.pin = None;
    }

    /// The link of the pinned run: this page with the pin's knobs in place of its own.
    pub fn pinned_query(&self) -> Option<PageQuery> {
        let mut pinned = self.with_defaults();
        for (name, value) in self.pin.as_ref()? {
            let _ = pinned.set(name, value);
        }
        pinned.pin = None;
        Some(pinned)
    }

    /// This page with every knob of the run at its default (the language kept).
    fn with_defaults(&self) -> PageQuery {
        let mut fresh = self.clone();
        fresh.common = Setting::defaults(common::ALL);
        fresh.lesson_knobs = self.lesson.map(|l| Setting::defaults(l.knobs)).unwrap_or_default();
        fresh.set_lang(self.lang());
        fresh
    }

    /// `pin=...` as a link part.
    pub(super) fn pin_part(&self) -> Option<String> {
        let pairs = self.pin.as_ref()?;
        let inner = joined(pairs.iter().map(|(name, value)| format!("{name}={}", percent_encode(value))).collect());
        Some(format!("pin={}", percent_encode(inner.trim_start_matches('?'))))
    }
}
