//! Builds a lesson's Python source line by line, handing out each line's number, so the
//! operations generated beside it point at exactly the text they come from.

use crate::engine::program::{Line, Op, OpKind};

/// A line of a lesson's Python as [`Source::line`] handed it out. Operations are made from
/// it ([`SourceLine::op`]), never from a bare number, so every operation points at a line
/// the source has: the line the lesson wrote together with the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceLine(Line);

impl SourceLine {
    /// The operation `kind`, run by this line.
    pub fn op(self, kind: OpKind) -> Op {
        Op { kind, line: self.0 }
    }

    /// The line's number, 1-based.
    pub fn number(self) -> Line {
        self.0
    }
}

#[derive(Debug, Default)]
pub struct Source {
    lines: Vec<String>,
}

impl Source {
    pub fn new() -> Self {
        Source::default()
    }

    /// Adds a line (indented by `indent` levels of four spaces); operations it runs are
    /// made from what it returns.
    pub fn line(&mut self, indent: usize, text: &str) -> SourceLine {
        // One call, one line: a line break inside would shift every later line's number.
        assert!(!text.contains('\n'), "a Source line has no line break: {text:?}");
        self.lines.push(format!("{}{}", "    ".repeat(indent), text));
        SourceLine(self.lines.len() as Line)
    }

    pub fn blank(&mut self) {
        self.lines.push(String::new());
    }

    pub fn finish(self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

/// The text of a 1-based line of `source`.
pub fn line_text(source: &str, line: Line) -> &str {
    source.lines().nth(line.saturating_sub(1) as usize).unwrap_or("")
}
