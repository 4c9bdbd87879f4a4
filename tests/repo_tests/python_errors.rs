//! Python's exceptions are spelled in one place: every name and message the engines raise
//! is a constant of `engine/python/errors.rs`, and no other code of the engine outside
//! `engine/python` writes one in a string (its comments may name them).

use std::collections::BTreeSet;
use std::path::Path;

use super::sources::{rust_sources, string_literals};

/// The words to look for: each exception's name (and its class name alone, for a dotted
/// one such as `threading.BrokenBarrierError`) and each message, from the `raise("name",
/// "message")` constants of `engine/python/errors.rs`.
fn python_words(errors: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    let raised: BTreeSet<usize> =
        errors.lines().enumerate().filter(|(_, l)| l.contains("= raise(")).map(|(i, _)| i + 1).collect();
    for (line, literal) in string_literals(errors) {
        if !raised.contains(&line) || literal.is_empty() {
            continue;
        }
        if let Some((_, class)) = literal.rsplit_once('.').filter(|(_, class)| class.ends_with("Error")) {
            words.insert(class.to_string());
        }
        words.insert(literal);
    }
    words
}

/// What is wrong with these engine sources (path relative to `src/`, text), one line each.
fn violations(sources: &[(&Path, &str)], words: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    for &(path, text) in sources {
        if path.starts_with("engine/python") {
            continue;
        }
        for (line, literal) in string_literals(text) {
            for word in words.iter().filter(|w| literal.contains(w.as_str())) {
                problems.push(format!("src/{}:{line}: {literal:?} spells {word:?}", path.display()));
            }
        }
    }
    problems
}

#[test]
fn pythons_exception_names_and_messages_are_written_only_in_engine_python() {
    let sources = rust_sources();
    let errors = sources.iter().find(|(p, _)| p == Path::new("engine/python/errors.rs")).expect("errors.rs");
    let words = python_words(&errors.1);
    for known in [
        "RuntimeError",
        "ValueError",
        "EOFError",
        "BrokenBarrierError",
        "threading.BrokenBarrierError",
        "release unlocked lock",
        "cannot release un-acquired lock",
        "Semaphore released too many times",
        "[Errno 32] Broken pipe",
    ] {
        assert!(words.contains(known), "{known:?} is not among errors.rs's words: {words:?}");
    }
    let engine: Vec<(&Path, &str)> =
        sources.iter().filter(|(p, _)| p.starts_with("engine")).map(|(p, t)| (p.as_path(), t.as_str())).collect();
    let problems = violations(&engine, &words);
    assert!(problems.is_empty(), "Python's errors outside engine/python (use its constants):\n{}", problems.join("\n"));
}

#[test]
fn a_message_in_a_string_is_found_and_one_in_a_comment_is_not() {
    let words: BTreeSet<String> = ["RuntimeError", "release unlocked lock"].map(String::from).into();
    let sim = "// RuntimeError: release unlocked lock\n\
               /// Raises `RuntimeError`.\n\
               fn f() -> &'static str { \"release unlocked lock\" }\n";
    let python = "fn g() -> &'static str { \"RuntimeError\" }\n";
    let sources = [(Path::new("engine/sim/world.rs"), sim), (Path::new("engine/python/lock.rs"), python)];
    assert_eq!(
        violations(&sources, &words),
        ["src/engine/sim/world.rs:3: \"release unlocked lock\" spells \"release unlocked lock\""]
    );
}
