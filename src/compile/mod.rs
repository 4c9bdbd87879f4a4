//! The learner's own Python, compiled to the Program both engines run. The text is parsed
//! by Ruff's parser (`ruff_python_parser`, pinned exactly in Cargo.toml), never by hand;
//! the syntax tree is then lowered statement by statement into each thread's operations,
//! every operation pointing at the line it comes from. A subset of Python is supported
//! (see [`module`]); anything else is refused with its line and column and a sentence on
//! what is supported instead, and text that is not Python gets the parser's message.

mod assign;
mod body;
mod calls;
mod clock;
mod control;
mod counted;
mod expr;
mod functions;
mod lists;
mod locks;
mod loops;
mod main_function;
mod messages;
mod module;
mod pools;
mod print;
mod processes;
mod scope;
mod syntax;
mod texts;
mod threads;

use std::fmt;

use crate::i18n::Prose;
use ruff_text_size::{Ranged, TextSize};
use serde::{Deserialize, Serialize};

pub use module::compile;
pub use texts::{print_text_or_number, text_code, TEXT_CODE_BASE};

/// Why a program was refused, where (it crosses to the page, which marks the place).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileError {
    /// 1-based, as Python counts lines.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// Why, in both languages.
    pub message: Prose,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message.en)
    }
}

impl std::error::Error for CompileError {}

/// A refusal at the start of `node` in `source`.
pub(crate) fn refuse(source: &str, node: &impl Ranged, message: impl Into<Prose>) -> CompileError {
    at(source, node.start(), message)
}

/// A refusal at byte `offset` of `source` (inside a character: at that character).
pub(crate) fn at(source: &str, offset: TextSize, message: impl Into<Prose>) -> CompileError {
    let mut offset = (u32::from(offset) as usize).min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    CompileError { line, column, message: message.into() }
}

/// The 1-based line `node` starts on.
pub(crate) fn line_of(source: &str, node: &impl Ranged) -> u32 {
    let offset = (u32::from(node.start()) as usize).min(source.len());
    source[..offset].matches('\n').count() as u32 + 1
}

/// The longest program compiled, in characters: a learner's program is a page or two.
pub const MAX_SOURCE: usize = 100_000;
/// How deep brackets and runs of unary signs may go (CPython's parser stops at 200 nested
/// brackets): deeper ones would exhaust the stack of a parser that recurses.
const MAX_NESTING: usize = 200;

/// Refuses a program too large, or nested too deeply, to compile safely.
fn check_size(source: &str) -> Result<(), CompileError> {
    if let Some((end, _)) = source.char_indices().nth(MAX_SOURCE) {
        let end = TextSize::try_from(end).unwrap_or_default();
        let message =
            crate::said!("the program is longer than {MAX_SOURCE} characters", "프로그램이 {MAX_SOURCE}자보다 깁니다");
        return Err(at(source, end, message));
    }
    let (mut depth, mut signs) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    for (i, c) in source.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q || c == '\n' => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => quote = Some('\n'),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        signs = match (quote, c) {
            (None, '-' | '+' | '~') => signs + 1,
            (None, ' ' | '\t') => signs,
            _ => 0,
        };
        if depth > MAX_NESTING || signs > MAX_NESTING {
            let here = TextSize::try_from(i).unwrap_or_default();
            let message =
                crate::said!("nested more than {MAX_NESTING} deep", "{MAX_NESTING}단계보다 깊이 중첩되어 있습니다");
            return Err(at(source, here, message));
        }
    }
    Ok(())
}
