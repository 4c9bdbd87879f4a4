//! A small Python highlighter for the code view: enough for the lessons' programs
//! (keywords, builtins, strings with f-string prefixes, numbers, comments, defined names).
//! Pure, so it is tested natively.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Plain,
    Keyword,
    Builtin,
    Str,
    Number,
    Comment,
    /// The name after `def` or `class`.
    Defined,
}

impl Token {
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "tok-plain",
            Token::Keyword => "tok-kw",
            Token::Builtin => "tok-builtin",
            Token::Str => "tok-str",
            Token::Number => "tok-num",
            Token::Comment => "tok-com",
            Token::Defined => "tok-def",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
    "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", "True", "False", "None",
];

const BUILTINS: &[&str] =
    &["print", "range", "len", "list", "dict", "set", "int", "str", "sum", "min", "max", "enumerate", "zip", "self"];

/// Splits one line into highlighted pieces; their texts joined give the line back.
pub fn highlight_line(line: &str) -> Vec<(Token, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out: Vec<(Token, String)> = Vec::new();
    let push = |out: &mut Vec<(Token, String)>, token: Token, text: String| match out.last_mut() {
        Some((last, s)) if *last == token => s.push_str(&text),
        _ => out.push((token, text)),
    };
    let mut after_def = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            push(&mut out, Token::Comment, chars[i..].iter().collect());
            break;
        }
        let is_prefix = |j: usize| j < chars.len() && matches!(chars[j], 'f' | 'r' | 'b' | 'F' | 'R' | 'B');
        let quote_at = |j: usize| j < chars.len() && matches!(chars[j], '"' | '\'');
        if quote_at(i) || (is_prefix(i) && quote_at(i + 1) && (i == 0 || !continues_name(chars[i - 1]))) {
            let start = i;
            if !quote_at(i) {
                i += 1;
            }
            let quote = chars[i];
            i += 1;
            while i < chars.len() && chars[i] != quote {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            push(&mut out, Token::Str, chars[start..i].iter().collect());
            continue;
        }
        if starts_name(c) {
            let start = i;
            while i < chars.len() && continues_name(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let token = if after_def {
                after_def = false;
                Token::Defined
            } else if KEYWORDS.contains(&word.as_str()) {
                after_def = word == "def" || word == "class";
                Token::Keyword
            } else if BUILTINS.contains(&word.as_str()) {
                Token::Builtin
            } else {
                Token::Plain
            };
            push(&mut out, token, word);
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            push(&mut out, Token::Number, chars[start..i].iter().collect());
            continue;
        }
        push(&mut out, Token::Plain, c.to_string());
        i += 1;
    }
    out
}

/// A character that may begin a Python name: a letter, `_`, or any non-ASCII character
/// (Python takes most of those in names; telling them apart would bring Unicode's tables
/// into the page for a colour).
fn starts_name(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || !c.is_ascii()
}

fn continues_name(c: char) -> bool {
    starts_name(c) || c.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(Token, &str)> {
        let pieces = highlight_line(line);
        let joined: String = pieces.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(joined, line, "pieces must give the line back");
        // Leak for the borrow's sake in a test only.
        pieces
            .into_iter()
            .map(|(t, s)| (t, &*Box::leak(s.into_boxed_str())))
            .filter(|(_, s)| !s.trim().is_empty())
            .collect()
    }

    #[test]
    fn keywords_builtins_numbers_and_defined_names() {
        let k = kinds("    for _ in range(1000000):");
        assert!(k.contains(&(Token::Keyword, "for")) && k.contains(&(Token::Keyword, "in")));
        assert!(k.contains(&(Token::Builtin, "range")) && k.contains(&(Token::Number, "1000000")));
        let k = kinds("def work():");
        assert_eq!(k[..2], [(Token::Keyword, "def"), (Token::Defined, "work")]);
    }

    #[test]
    fn strings_with_prefixes_and_comments_are_whole() {
        let k = kinds(r#"print(f"counter = {counter} (expected 4)")  # done"#);
        assert!(k.contains(&(Token::Str, r#"f"counter = {counter} (expected 4)""#)), "{k:?}");
        assert!(k.contains(&(Token::Comment, "# done")));
        let k = kinds("x = 'it\\'s'  # a # b");
        assert!(k.contains(&(Token::Str, "'it\\'s'")), "{k:?}");
        assert_eq!(k.last(), Some(&(Token::Comment, "# a # b")));
    }

    #[test]
    fn a_name_ending_in_f_before_a_quote_is_not_a_prefix() {
        let k = kinds("elf'x'");
        assert_eq!(k, [(Token::Plain, "elf"), (Token::Str, "'x'")]);
    }

    #[test]
    fn a_name_in_korean_is_one_name_and_keywords_inside_names_are_not_keywords() {
        let k = kinds("def 일하기(횟수2if):");
        assert_eq!(k[..2], [(Token::Keyword, "def"), (Token::Defined, "일하기")]);
        assert_eq!(k[2], (Token::Plain, "(횟수2if):"), "{k:?}");
    }
}
