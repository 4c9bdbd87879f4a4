//! The crate's own sources, read once per check, and the string literals in them.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, as (path relative to `src/`, text), sorted by path.
pub fn rust_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.strip_prefix(&root).unwrap().to_path_buf(), text));
            }
        }
    }
    out.sort();
    out
}

/// The string literals of Rust code, as (line, contents as written, escapes and all), in
/// order. Comments (`//`, doc comments, nested `/* */`) are skipped, as are char literals
/// (`'"'` opens no string) and lifetimes; raw strings (`r#"..."#`) count.
pub fn string_literals(code: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = code.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    // Moves past `n` characters, counting lines.
    let advance = |i: &mut usize, line: &mut usize, n: usize| {
        for _ in 0..n {
            if chars.get(*i) == Some(&'\n') {
                *line += 1;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        let before = i.checked_sub(1).map(|j| chars[j]);
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    advance(&mut i, &mut line, 2);
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    advance(&mut i, &mut line, 2);
                    if depth == 0 {
                        break;
                    }
                } else {
                    advance(&mut i, &mut line, 1);
                }
            }
        } else if c == '"' {
            let start = line;
            advance(&mut i, &mut line, 1);
            let mut text = String::new();
            while i < chars.len() && chars[i] != '"' {
                let n = if chars[i] == '\\' { 2 } else { 1 };
                text.extend(chars[i..(i + n).min(chars.len())].iter());
                advance(&mut i, &mut line, n);
            }
            out.push((start, text));
            advance(&mut i, &mut line, 1);
        } else if c == 'r' && !before.is_some_and(|b| ident(b) && b != 'b') && matches!(next, Some('"' | '#')) {
            // A raw string, if `r`, then hashes, then a quote.
            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                advance(&mut i, &mut line, 1);
                continue;
            }
            let start = line;
            advance(&mut i, &mut line, hashes + 2);
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let mut text = String::new();
            while i < chars.len() && !chars[i..].starts_with(&close) {
                text.push(chars[i]);
                advance(&mut i, &mut line, 1);
            }
            out.push((start, text));
            advance(&mut i, &mut line, close.len());
        } else if c == '\'' {
            // `'\''` or `'x'` is a char; anything else (`'a`) a lifetime.
            if next == Some('\\') {
                advance(&mut i, &mut line, 2);
                while i < chars.len() && chars[i] != '\'' {
                    advance(&mut i, &mut line, 1);
                }
                advance(&mut i, &mut line, 1);
            } else if chars.get(i + 2) == Some(&'\'') {
                advance(&mut i, &mut line, 3);
            } else {
                advance(&mut i, &mut line, 1);
            }
        } else {
            advance(&mut i, &mut line, 1);
        }
    }
    out
}

#[test]
fn string_literals_are_found_past_comments_chars_and_lifetimes() {
    let code = "// \"not\" here\n\
                /* nor \"here\" /* \"nested\" */ */ let a = \"one\";\n\
                /// \"doc\"\n\
                fn f<'a>(x: &'a str) -> char { '\"' }\n\
                let b = '\\''; let c = \"two \\\" still two\"; let d = r#\"three \"quoted\"\"#;\n\
                let e = b\"four\"; let url = \"http://five\";\n";
    let found: Vec<(usize, String)> = string_literals(code);
    let expected = [(2, "one"), (5, "two \\\" still two"), (5, "three \"quoted\""), (6, "four"), (6, "http://five")];
    assert_eq!(found, expected.map(|(l, s)| (l, s.to_string())));
}
