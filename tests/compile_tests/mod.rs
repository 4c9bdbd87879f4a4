//! The compiler's tests, one module a line.

mod language;
mod refusals;
mod round_trips;

use interleave::compile::{compile, CompileError};
use interleave::engine::program::OpKind;
use interleave::engine::sim;
use interleave::lessons::{self, build_from_pairs};

/// The lesson's own Program and its source compiled, for these knobs.
fn round_trip(lesson: &str, pairs: &[(&str, &str)]) {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (_, built) = build_from_pairs(lessons::lesson(lesson).unwrap(), &pairs).unwrap();
    let own = built.program.clone();
    let compiled = compile(&own.source).unwrap_or_else(|e| panic!("{lesson} {pairs:?}: {e}\n{}", own.source));
    assert_eq!(compiled, own, "{lesson} {pairs:?}:\n{}", own.source);
}

fn refused(source: &str) -> CompileError {
    let e = compile(source).expect_err("refused");
    said_in_korean_too(&e);
    e
}

/// A refusal says the same in Korean: in Korean words, naming the same code.
fn said_in_korean_too(e: &CompileError) {
    let codes = |text: &str| {
        let mut codes: Vec<String> = text.split('`').skip(1).step_by(2).map(str::to_string).collect();
        codes.sort_unstable();
        codes
    };
    let (en, ko) = (&e.message.en, &e.message.ko);
    assert!(ko.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)), "not in Korean: {ko}");
    assert_eq!(codes(en), codes(ko), "the same code in both: {en} | {ko}");
}

/// Each program of `cases` refused at its line and column, with words that say so.
fn refused_as(cases: &[(&str, (u32, u32), &str)]) {
    for (source, (line, column), says) in cases {
        let e = refused(source);
        assert_eq!((e.line, e.column), (*line, *column), "{e}\n{source}");
        assert!(e.message.en.contains(says), "{e}");
    }
}
