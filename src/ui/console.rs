//! The console as rows of text, for a view that draws only the rows in sight: each write
//! split at its line ends, pieces of one line kept together whoever wrote them (two
//! threads' text can share a line), the gap where writes were left out, then Python's
//! exceptions as they print to stderr. Pure, so it is tested natively.

use crate::engine::python::errors;
use crate::engine::trace::{ConsoleWrite, PythonError};

/// A piece of a row: text from one write (`write` indexes the console).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub write: u32,
    pub actor: u16,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    Text(Vec<Piece>),
    /// Writes left out here.
    Gap,
    /// A line of an exception's report.
    Error(String),
}

/// The rows of a console; the gap (if any) goes before write `gap_at`.
pub fn rows(writes: &[ConsoleWrite], gap_at: Option<usize>, errors: &[PythonError], names: &[String]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut line: Vec<Piece> = Vec::new();
    for (i, write) in writes.iter().enumerate() {
        if gap_at == Some(i) {
            if !line.is_empty() {
                rows.push(Row::Text(std::mem::take(&mut line)));
            }
            rows.push(Row::Gap);
        }
        for text in write.text.split_inclusive('\n') {
            line.push(Piece { write: i as u32, actor: write.actor.0, text: text.to_string() });
            if text.ends_with('\n') {
                rows.push(Row::Text(std::mem::take(&mut line)));
            }
        }
    }
    if !line.is_empty() {
        rows.push(Row::Text(line));
    }
    if gap_at.is_some_and(|at| at >= writes.len()) {
        rows.push(Row::Gap);
    }
    for error in errors {
        let name = names.get(error.actor.0 as usize).map_or("?", String::as_str);
        rows.extend(
            errors::uncaught(error.raised_in, name, &error.exception, &error.message).into_iter().map(Row::Error),
        );
    }
    rows
}

/// The rows to draw for a scroll position: those in sight and a few either side.
pub fn window(rows: usize, scroll_px: f64, view_px: f64, row_px: f64) -> (usize, usize) {
    const AROUND: usize = 20;
    let first = (scroll_px.max(0.0) / row_px) as usize;
    let seen = (view_px / row_px).ceil() as usize + 1;
    (first.saturating_sub(AROUND).min(rows), (first + seen + AROUND).min(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::ActorId;
    use crate::engine::program::RaisedIn;

    fn write(actor: u16, text: &str) -> ConsoleWrite {
        ConsoleWrite { actor: ActorId(actor), at: 0, text: text.into() }
    }

    fn texts(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Row::Text(pieces) => pieces.iter().map(|p| p.text.as_str()).collect(),
                Row::Gap => "…".into(),
                Row::Error(e) => format!("! {e}"),
            })
            .collect()
    }

    #[test]
    fn writes_become_lines_and_two_threads_can_share_one() {
        // Unbuffered output: text and newline are two writes, and another thread's text
        // can land between them.
        let writes = [write(1, "a"), write(2, "b\n"), write(1, "\n"), write(0, "x\ny\n")];
        let r = rows(&writes, None, &[], &[]);
        assert_eq!(texts(&r), ["ab\n", "\n", "x\n", "y\n"]);
        let Row::Text(first) = &r[0] else { panic!() };
        assert_eq!(first.iter().map(|p| (p.write, p.actor)).collect::<Vec<_>>(), [(0, 1), (1, 2)]);
    }

    #[test]
    fn the_gap_and_the_exceptions_have_rows_of_their_own() {
        let writes = [write(0, "first\n"), write(0, "last\n")];
        let errors = [PythonError {
            actor: ActorId(1),
            line: 3,
            exception: "EOFError".into(),
            message: "".into(),
            origin: None,
            raised_in: RaisedIn::Thread,
        }];
        let names = ["MainThread".to_string(), "Thread-1".to_string()];
        let r = rows(&writes, Some(1), &errors, &names);
        assert_eq!(
            texts(&r),
            [
                "first\n",
                "…",
                "last\n",
                "! Exception in thread Thread-1:",
                "! Traceback (most recent call last):",
                "! EOFError"
            ]
        );
    }

    #[test]
    fn only_the_rows_in_sight_and_a_few_around_are_drawn() {
        assert_eq!(window(100_000, 0.0, 400.0, 20.0), (0, 41));
        assert_eq!(window(100_000, 20_000.0, 400.0, 20.0), (980, 1041));
        assert_eq!(window(30, 0.0, 400.0, 20.0), (0, 30));
    }
}
