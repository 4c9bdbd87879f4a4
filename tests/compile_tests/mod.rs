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
    compile(source).expect_err("refused")
}

/// Each program of `cases` refused at its line and column, with words that say so.
fn refused_as(cases: &[(&str, (u32, u32), &str)]) {
    for (source, (line, column), says) in cases {
        let e = refused(source);
        assert_eq!((e.line, e.column), (*line, *column), "{e}\n{source}");
        assert!(e.message.contains(says), "{e}");
    }
}
