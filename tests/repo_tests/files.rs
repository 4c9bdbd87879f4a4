//! The shape of the source files: none too long to read through, and each of the engine's
//! opening with what it is for.

use std::path::Path;

use super::sources::rust_sources;

/// The most lines a source file may have: past it, a file holds more than one
/// responsibility, and is split by them.
const MOST_LINES: usize = 600;

#[test]
fn no_rs_file_under_src_is_longer_than_600_lines() {
    let too_long: Vec<String> = rust_sources()
        .iter()
        .map(|(path, text)| (path, text.lines().count()))
        .filter(|&(_, lines)| lines > MOST_LINES)
        .map(|(path, lines)| format!("src/{}: {lines} lines", path.display()))
        .collect();
    assert!(too_long.is_empty(), "longer than {MOST_LINES} lines:\n{}", too_long.join("\n"));
}

#[test]
fn every_file_of_the_engine_opens_with_a_module_comment() {
    let sources = rust_sources();
    let engine: Vec<_> = sources.iter().filter(|(path, _)| path.starts_with(Path::new("engine"))).collect();
    assert!(engine.len() > 20, "the engine's files were found: {}", engine.len());
    let bare: Vec<String> = engine
        .iter()
        .filter(|(_, text)| {
            !text.lines().next().and_then(|l| l.strip_prefix("//! ")).is_some_and(|l| !l.trim().is_empty())
        })
        .map(|(path, text)| format!("src/{}: {:?}", path.display(), text.lines().next().unwrap_or("")))
        .collect();
    assert!(bare.is_empty(), "no `//! ...` line first:\n{}", bare.join("\n"));
}
