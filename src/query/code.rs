//! The learner's program in the link (`code=`): its UTF-8 text, deflated (raw DEFLATE) and
//! written in base64url without padding, so it needs no percent-escapes. A link too long
//! to share, or a value that does not decode, is a [`CodeProblem`] the page names.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

/// The longest `code=` value written or read: links of a few kilobytes survive chats,
/// mail and servers; programs that compress to more are shared as text.
pub const MAX_LINK_CODE: usize = 6_000;
/// The longest program text a link may decode to, in characters (the compiler's own
/// limit); a value that would inflate to more is refused before it does.
pub const MAX_CODE_CHARS: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// The value is longer than [`MAX_LINK_CODE`] (its length).
    TooLong(usize),
    /// Not base64url, not DEFLATE, or not UTF-8 text.
    Garbled,
    /// It inflates to more than [`MAX_CODE_CHARS`].
    TooLarge,
}

/// The `code=` value for `text`, or [`CodeProblem::TooLong`] with the length it would have.
pub fn encode(text: &str) -> Result<String, CodeProblem> {
    let packed = URL_SAFE_NO_PAD.encode(compress_to_vec(text.as_bytes(), 9));
    if packed.len() > MAX_LINK_CODE {
        return Err(CodeProblem::TooLong(packed.len()));
    }
    Ok(packed)
}

/// The program a `code=` value carries.
pub fn decode(value: &str) -> Result<String, CodeProblem> {
    if value.len() > MAX_LINK_CODE {
        return Err(CodeProblem::TooLong(value.len()));
    }
    let packed = URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).map_err(|_| CodeProblem::Garbled)?;
    let bytes = decompress_to_vec_with_limit(&packed, MAX_CODE_CHARS * 4).map_err(|e| match e.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => CodeProblem::TooLarge,
        _ => CodeProblem::Garbled,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| CodeProblem::Garbled)?;
    if text.chars().count() > MAX_CODE_CHARS {
        return Err(CodeProblem::TooLarge);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_round_trips_in_a_short_link_safe_value() {
        let text = "import threading\n\nlock = threading.Lock()\nprint(f\"안녕 {1 + 2}\")\n".repeat(20);
        let value = encode(&text).unwrap();
        assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{value}");
        assert!(value.len() < text.len() / 4, "{} for {}", value.len(), text.len());
        assert_eq!(decode(&value), Ok(text));
        assert_eq!(decode(&encode("").unwrap()), Ok(String::new()));
    }

    #[test]
    fn bad_values_are_named_not_panics() {
        assert_eq!(decode("not base64!"), Err(CodeProblem::Garbled));
        assert_eq!(decode("AAAA"), Err(CodeProblem::Garbled));
        // Deflated bytes that are not UTF-8.
        let latin = URL_SAFE_NO_PAD.encode(compress_to_vec(&[0xff, 0xfe, 0x41], 9));
        assert_eq!(decode(&latin), Err(CodeProblem::Garbled));
        assert_eq!(decode(&"A".repeat(MAX_LINK_CODE + 1)), Err(CodeProblem::TooLong(MAX_LINK_CODE + 1)));
        // A small value that would inflate to megabytes is refused before it does.
        let bomb = URL_SAFE_NO_PAD.encode(compress_to_vec(&vec![b'x'; 4_000_000], 10));
        assert!(bomb.len() < MAX_LINK_CODE, "{}", bomb.len());
        assert_eq!(decode(&bomb), Err(CodeProblem::TooLarge));
        // Text that does not compress enough is too long to link, and says how long.
        let noise: String = (0..40_000u32).map(|i| char::from_u32(0xac00 + (i * 7919) % 11_000).unwrap()).collect();
        assert!(matches!(encode(&noise), Err(CodeProblem::TooLong(n)) if n > MAX_LINK_CODE));
    }
}
