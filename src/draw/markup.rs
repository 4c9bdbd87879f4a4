//! Text put into markup the page builds as strings (the SVG of the timeline, the wait-for
//! graph and the plots): every character that could end a text or an attribute, whichever
//! quote it uses, is escaped, so no name or label can become markup.

/// `text` with `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped, its `backticked` parts set as code (the lessons' and the page's
/// convention for identifiers in prose).
pub fn with_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escape(part));
            out.push_str("</code>");
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticked_parts_are_code_and_everything_is_escaped() {
        assert_eq!(with_code("a `<b>` c"), "a <code>&lt;b&gt;</code> c");
        assert_eq!(with_code("`x`"), "<code>x</code>");
    }

    #[test]
    fn every_character_that_ends_a_text_or_an_attribute_is_escaped() {
        assert_eq!(escape(r#"a&b <i> "x" 'y'"#), "a&amp;b &lt;i&gt; &quot;x&quot; &#39;y&#39;");
        assert_eq!(escape("안녕 ok"), "안녕 ok");
    }
}
