//! The learner's own Python, compiled to the Program both engines run. The text is parsed
//! by Ruff's parser (`ruff_python_parser`, pinned exactly in Cargo.toml), never by hand;
//! the syntax tree is then lowered statement by statement into each thread's operations,
//! every operation pointing at the line it comes from. A subset of Python is supported
//! (see [`module`]); anything else is refused with its line and column and a sentence on
//! what is supported instead, and text that is not Python gets the parser's message.

mod body;
mod control;
mod expr;
mod module;
mod print;
mod scope;

use std::fmt;

use ruff_text_size::{Ranged, TextSize};

pub use module::compile;

/// Why a program was refused, where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// 1-based, as Python counts lines.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for CompileError {}

/// A refusal at the start of `node` in `source`.
pub(crate) fn refuse(source: &str, node: &impl Ranged, message: impl Into<String>) -> CompileError {
    at(source, node.start(), message)
}

/// A refusal at byte `offset` of `source`.
pub(crate) fn at(source: &str, offset: TextSize, message: impl Into<String>) -> CompileError {
    let offset = (u32::from(offset) as usize).min(source.len());
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
