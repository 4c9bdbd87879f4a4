//! The editor's text rules, pure so they are tested natively: the indentation a new line
//! gets, indenting and dedenting whole lines, and where a compiler's line and column fall
//! in the textarea.

/// One level of indentation, as the lessons write it.
pub const INDENT: &str = "    ";

/// The indentation a new line after `before` gets: the current line's, one level more
/// after a colon.
pub fn next_indent(before: &str) -> String {
    let line = before.rsplit('\n').next().unwrap_or("");
    let mut indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let code = line.split('#').next().unwrap_or("").trim_end();
    if code.ends_with(':') {
        indent.push_str(INDENT);
    }
    indent
}

/// The textarea offset (in UTF-16 units) of 1-based `line` and `column` (in characters).
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            let within: String = l.chars().take(column.saturating_sub(1) as usize).collect();
            return offset + within.encode_utf16().count() as u32;
        }
        offset += l.encode_utf16().count() as u32 + 1;
    }
    text.encode_utf16().count() as u32
}

/// Lines `block` indented by one level each, or (`dedent`) with up to one level of leading
/// spaces taken off each; and how many spaces the first line gained or lost.
pub fn reindent(block: &str, dedent: bool) -> (String, usize) {
    let mut first = None;
    let lines: Vec<String> = block
        .split('\n')
        .map(|line| {
            let (changed, by) = if dedent {
                let spaces = line.chars().take_while(|c| *c == ' ').count().min(INDENT.len());
                (line[spaces..].to_string(), spaces)
            } else if line.is_empty() {
                (String::new(), 0)
            } else {
                (format!("{INDENT}{line}"), INDENT.len())
            };
            first.get_or_insert(by);
            changed
        })
        .collect();
    (lines.join("\n"), first.unwrap_or(0))
}

/// The whole lines a selection from `start` to `end` (UTF-16 offsets, as the textarea
/// gives them) touches, as UTF-16 offsets: from the first line's start to the last line's
/// end (a selection that ends at a line's start leaves that line out).
pub fn selected_lines(units: &[u16], start: usize, end: usize) -> (usize, usize) {
    let newline = u16::from(b'\n');
    let (start, end) = (start.min(units.len()), end.min(units.len()));
    let from = units[..start].iter().rposition(|u| *u == newline).map_or(0, |i| i + 1);
    let end = if end > start && units[end - 1] == newline { end - 1 } else { end };
    let to = units[end..].iter().position(|u| *u == newline).map_or(units.len(), |i| end + i);
    (from, to.max(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_line_keeps_the_indent_and_adds_one_after_a_colon() {
        assert_eq!(next_indent("def f():"), "    ");
        assert_eq!(next_indent("x = 1\n    y = 2"), "    ");
        assert_eq!(next_indent("    for i in range(3):  # each"), "        ");
        assert_eq!(next_indent("    print(\"a: b\")"), "    ");
        assert_eq!(next_indent(""), "");
    }

    #[test]
    fn tab_and_shift_tab_indent_and_dedent_whole_lines() {
        assert_eq!(reindent("a\n  b\n\n        c", false), ("    a\n      b\n\n            c".into(), 4));
        assert_eq!(reindent("  a\n      b\nc", true), ("a\n  b\nc".into(), 2));
        let units: Vec<u16> = "ab\ncd\nef\n".encode_utf16().collect();
        // The caret inside `cd`, a selection from `b` into `e`, and one ending at a line start.
        assert_eq!(selected_lines(&units, 4, 4), (3, 5));
        assert_eq!(selected_lines(&units, 1, 7), (0, 8));
        assert_eq!(selected_lines(&units, 0, 6), (0, 5));
        assert_eq!(selected_lines(&units, 9, 9), (9, 9));
    }

    #[test]
    fn a_place_is_counted_in_utf16_units_as_the_textarea_counts() {
        let text = "ab\n안녕 x\n😀y";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 4), 6);
        // An emoji is two UTF-16 units.
        assert_eq!(utf16_offset(text, 3, 2), 10);
        assert_eq!(utf16_offset(text, 9, 1), text.encode_utf16().count() as u32);
    }
}
