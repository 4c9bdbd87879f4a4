//! Languages and the words in them that every floor shares: the page's languages
//! ([`Lang`]), a text given in each ([`Text`]), and how numbers are written. A leaf: it
//! imports nothing from the crate. The page's own catalogue is `ui::words`.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// The `lang` knob's value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Where the language is in [`Lang::ALL`] (texts in every language come in its order).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
        }
    }
}

/// A text given in both languages (lesson titles, teasers, explanations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ko => self.ko,
        }
    }
}

/// A text written at run time in both languages (a compiler's refusal, a lesson's words as
/// they cross to the page). [`said!`](crate::said) writes one from two formats.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prose {
    pub en: String,
    pub ko: String,
}

impl Prose {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

impl From<Text> for Prose {
    fn from(text: Text) -> Prose {
        Prose { en: text.en.to_string(), ko: text.ko.to_string() }
    }
}

/// A [`Prose`] from an English and a Korean format string, each naming the same values:
/// `said!("`{name}` is not defined", "`{name}`이(가) 정의되지 않았습니다")`.
#[macro_export]
macro_rules! said {
    ($en:literal, $ko:literal $(,)?) => {
        $crate::i18n::Prose { en: format!($en), ko: format!($ko) }
    };
}

/// A whole number with its thousands grouped by no-break spaces (`40 000`), as the lessons
/// print figures in both languages.
pub fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_grouped_by_thousands() {
        assert_eq!(group_digits(6212), "6\u{a0}212");
        assert_eq!(group_digits(40_000), "40\u{a0}000");
        assert_eq!(group_digits(-1_234_567), "-1\u{a0}234\u{a0}567");
        assert_eq!(group_digits(999), "999");
    }

    #[test]
    fn said_writes_each_language_from_its_own_format() {
        let name = "x";
        let said = crate::said!("`{name}` is not defined", "`{name}`이(가) 정의되지 않았습니다");
        assert_eq!((said.get(Lang::En), said.get(Lang::Ko)), ("`x` is not defined", "`x`이(가) 정의되지 않았습니다"));
    }

    #[test]
    fn language_codes_round_trip_and_each_language_is_at_its_index() {
        for (i, lang) in Lang::ALL.into_iter().enumerate() {
            assert_eq!(lang.index(), i);
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
    }
}
