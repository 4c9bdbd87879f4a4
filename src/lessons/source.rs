//! Builds a lesson's Python source line by line, handing out each line's number, so the
//! operations generated beside it point at exactly the text they come from.

use crate::engine::program::Line;

#[derive(Debug, Default)]
pub struct Source {
    lines: Vec<String>,
}

impl Source {
    pub fn new() -> Self {
        Source::default()
    }

    /// Adds a line (indented by `indent` levels of four spaces) and returns its number.
    pub fn line(&mut self, indent: usize, text: &str) -> Line {
        self.lines.push(format!("{}{}", "    ".repeat(indent), text));
        self.lines.len() as Line
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
