//! The editor's text rules, pure so they are tested natively: the indentation a new line
//! gets, and where a compiler's line and column fall in the textarea.

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
    fn a_place_is_counted_in_utf16_units_as_the_textarea_counts() {
        let text = "ab\n안녕 x\n😀y";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 4), 6);
        // An emoji is two UTF-16 units.
        assert_eq!(utf16_offset(text, 3, 2), 10);
        assert_eq!(utf16_offset(text, 9, 1), text.encode_utf16().count() as u32);
    }
}
