//! The Korean page says everything in Korean: a lesson's words and its findings carry no
//! English word outside `backticked` identifiers (which the page sets as code), and the
//! English and the Korean of a text name the same identifiers.

use std::collections::BTreeMap;

use crate::i18n::{Lang, Text};
use crate::lessons::{build_from_pairs, knob_words, LESSONS};

/// Words that are the same in both languages: acronyms, units and a product's name.
const ALLOWED: &[&str] = &["GIL", "CPU", "I", "O", "API", "ms", "µs", "pid", "CPython"];

/// The `backticked` parts of a text, counted.
fn spans(text: &str) -> BTreeMap<&str, usize> {
    let mut spans = BTreeMap::new();
    for span in text.split('`').skip(1).step_by(2) {
        *spans.entry(span).or_insert(0) += 1;
    }
    spans
}

/// The ASCII words of two letters or more outside the backticked parts, but the allowed ones.
fn english_words(text: &str) -> Vec<&str> {
    let outside = text.split('`').step_by(2);
    outside
        .flat_map(|part| part.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| w.len() >= 2 && !ALLOWED.contains(w))
        .collect()
}

fn assert_korean(what: &str, text: &str) {
    assert!(text.matches('`').count().is_multiple_of(2), "{what}: a backtick without its pair in {text:?}");
    let english = english_words(text);
    assert!(english.is_empty(), "{what}: English {english:?} outside backticks in {text:?}");
}

fn assert_same_spans(what: &str, text: &Text) {
    assert!(text.en.matches('`').count().is_multiple_of(2), "{what}: a backtick without its pair in {:?}", text.en);
    assert_eq!(spans(text.en), spans(text.ko), "{what}: the English and the Korean name different identifiers");
}

/// Every text a lesson says of itself (title, teaser, explanation, what the seed changes,
/// each knob's label and help), named.
fn lesson_texts(lesson: &crate::lessons::Lesson) -> Vec<(String, Text)> {
    let id = lesson.info.id;
    let mut texts = vec![
        (format!("{id} title"), lesson.info.title),
        (format!("{id} teaser"), lesson.info.teaser),
        (format!("{id} explanation"), lesson.words.explanation),
        (format!("{id} seed_changes"), lesson.words.seed_changes),
    ];
    for knob in lesson.words.knobs {
        texts.push((format!("{id} `{}` label", knob.name), knob.label));
        texts.push((format!("{id} `{}` help", knob.name), knob.help));
    }
    texts
}

#[test]
fn the_korean_words_of_every_lesson_have_no_english_outside_identifiers() {
    for lesson in LESSONS {
        for (what, text) in lesson_texts(lesson) {
            assert_korean(&what, text.ko);
        }
    }
    for knob in knob_words::COMMON {
        assert_korean(&format!("common `{}` label", knob.name), knob.label.ko);
        assert_korean(&format!("common `{}` help", knob.name), knob.help.ko);
    }
}

#[test]
fn the_english_and_the_korean_of_every_lesson_text_name_the_same_identifiers() {
    for lesson in LESSONS {
        for (what, text) in lesson_texts(lesson) {
            assert_same_spans(&what, &text);
        }
    }
    for knob in knob_words::COMMON {
        assert_same_spans(&format!("common `{}` label", knob.name), &knob.label);
        assert_same_spans(&format!("common `{}` help", knob.name), &knob.help);
    }
}

#[test]
fn the_korean_findings_of_every_lesson_run_with_its_defaults_have_no_english_outside_identifiers() {
    for lesson in LESSONS {
        let id = lesson.info.id;
        let (knobs, built) = build_from_pairs(lesson, &[]).unwrap_or_else(|e| panic!("{id}: {}", e.en));
        let (program, settings) = built.into_sim();
        let trace = crate::engine::sim::run(program, settings).unwrap_or_else(|e| panic!("{id}: {e}"));
        let ko = (lesson.findings)(&knobs, &trace, Lang::Ko);
        let en = (lesson.findings)(&knobs, &trace, Lang::En);
        assert!(!ko.headline.is_empty(), "{id}: no headline");
        assert_korean(&format!("{id} headline"), &ko.headline);
        for detail in &ko.details {
            assert_korean(&format!("{id} detail"), detail);
        }
        // The two languages name the same identifiers, in the headline and in each detail.
        assert_eq!(spans(&en.headline), spans(&ko.headline), "{id}: {:?} / {:?}", en.headline, ko.headline);
        assert_eq!(en.details.len(), ko.details.len(), "{id}");
        for (e, k) in en.details.iter().zip(&ko.details) {
            assert_eq!(spans(e), spans(k), "{id}: {e:?} / {k:?}");
        }
    }
}

#[test]
fn the_check_finds_english_where_there_is_some() {
    assert_eq!(english_words("스레드 waits `here` at `lock.acquire()` for 5 ms"), ["waits", "at", "for"]);
    assert!(english_words("GIL이 CPU 작업과 I/O 작업에서 `join()`을 기다립니다(12 µs, pid).").is_empty());
    let text = Text { en: "`a` and `b`", ko: "`b`와 `a`" };
    assert_eq!(spans(text.en), spans(text.ko));
}
