//! Notes about the link and the form: a knob value not taken as given, an unknown lesson,
//! and what was used instead, in each language.

use crate::i18n::{group_digits, Lang};
use crate::lessons::knob_words;
use crate::query::code::{MAX_CODE_CHARS, MAX_LINK_CODE};
use crate::query::{CodeProblem, Note, Panel, SettingProblem, MAX_HOSTS};

/// A note about the link, in the page's language.
pub fn note(lang: Lang, note: &Note) -> String {
    match (lang, note) {
        (Lang::En, Note::More(n)) => {
            format!("… and {} more settings in the link that were not used as given.", group_digits(*n as i64))
        }
        (Lang::Ko, Note::More(n)) => {
            format!("… 그 밖에 링크의 설정 {}개도 주어진 대로 쓰이지 않았습니다.", group_digits(*n as i64))
        }
        (Lang::En, Note::UnknownLesson { given, known }) => {
            if known.is_empty() {
                format!("There is no lesson `{given}` (no lessons have landed yet); showing the index.")
            } else {
                format!("There is no lesson `{given}`; the lessons are {}. Showing the index.", code_list(known))
            }
        }
        (Lang::Ko, Note::UnknownLesson { given, known }) => {
            if known.is_empty() {
                format!("`{given}`라는 레슨은 없습니다(아직 추가된 레슨이 없음). 목록을 보여 줍니다.")
            } else {
                format!("`{given}`라는 레슨은 없습니다. 레슨: {}. 목록을 보여 줍니다.", code_list(known))
            }
        }
        (Lang::En, Note::IgnoredWithoutLesson { name, value }) => {
            format!("`{name}={value}` was ignored: it is not a common setting and no lesson is open.")
        }
        (Lang::Ko, Note::IgnoredWithoutLesson { name, value }) => {
            format!("`{name}={value}`는 무시되었습니다. 공통 설정이 아니고 열린 레슨도 없습니다.")
        }
        (Lang::En, Note::Knob(error)) => error.to_string(),
        (Lang::Ko, Note::Knob(error)) => knob_words::knob_error(error).ko,
        (lang, Note::Setting { name, given, why }) => setting(lang, name, given, *why),
        (lang, Note::Code(problem)) => code_problem(lang, *problem),
    }
}

/// Why the learner's program is not in the link, or not taken from it.
pub fn code_problem(lang: Lang, problem: CodeProblem) -> String {
    let most = group_digits(MAX_LINK_CODE as i64);
    match (lang, problem) {
        (Lang::En, CodeProblem::TooLong(n)) => format!(
            "The program in the link is {} characters long, and a link carries at most {most}: the lesson's own \
             program is shown. Share a longer program as text.",
            group_digits(n as i64)
        ),
        (Lang::Ko, CodeProblem::TooLong(n)) => format!(
            "링크에 담긴 프로그램이 {}자로, 링크에는 {most}자까지만 담을 수 있어 레슨의 원래 프로그램을 보여 줍니다. \
             더 긴 프로그램은 텍스트로 나누세요.",
            group_digits(n as i64)
        ),
        (Lang::En, CodeProblem::Garbled) => {
            "The program in the link (`code=`) could not be read (it was cut or changed): the lesson's own program \
             is shown."
                .to_string()
        }
        (Lang::Ko, CodeProblem::Garbled) => {
            "링크의 프로그램(`code=`)을 읽을 수 없어(잘렸거나 바뀜) 레슨의 원래 프로그램을 보여 줍니다.".to_string()
        }
        (Lang::En, CodeProblem::TooLarge) => format!(
            "The program in the link is longer than {} characters: the lesson's own program is shown.",
            group_digits(MAX_CODE_CHARS as i64)
        ),
        (Lang::Ko, CodeProblem::TooLarge) => format!(
            "링크의 프로그램이 {}자보다 길어 레슨의 원래 프로그램을 보여 줍니다.",
            group_digits(MAX_CODE_CHARS as i64)
        ),
    }
}

fn setting(lang: Lang, name: &str, given: &str, why: SettingProblem) -> String {
    let panels = || Panel::ALL.iter().map(|p| p.word()).collect::<Vec<_>>().join(", ");
    match (lang, why) {
        (Lang::En, SettingProblem::Unknown) => format!("`{name}={given}` is not a setting of the page; ignored."),
        (Lang::Ko, SettingProblem::Unknown) => format!("`{name}={given}`는 페이지 설정이 아니어서 무시했습니다."),
        (Lang::En, SettingProblem::Panels) => {
            format!("`{name}={given}` names panels there are not; the panels are {}.", panels())
        }
        (Lang::Ko, SettingProblem::Panels) => format!("`{name}={given}`에 없는 패널이 있습니다. 패널: {}.", panels()),
        (Lang::En, SettingProblem::Origins) => format!(
            "`{name}={given}`: only origins such as `https://example.org`, at most {MAX_HOSTS}, are allowed; the others were left out."
        ),
        (Lang::Ko, SettingProblem::Origins) => format!(
            "`{name}={given}`: `https://example.org` 같은 오리진만, 최대 {MAX_HOSTS}개까지 쓸 수 있어서 나머지는 뺐습니다."
        ),
    }
}

/// Names set as code: `a`, `b`.
fn code_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::PageQuery;

    #[test]
    fn korean_notes_carry_no_english_words() {
        let query = crate::query::PageQuery::parse("?lesson=nope&seed=1e999&engine=turbo&cores=999&x=1");
        assert_eq!(query.notes.len(), 5, "{:?}", query.notes);
        for n in &query.notes {
            let text = note(Lang::Ko, n);
            // Only the echoed link text and knob values may be Latin: strip the backticked parts.
            let outside: String = text.split('`').step_by(2).collect();
            let english = outside.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 3 && *w != "live");
            assert_eq!(english.collect::<Vec<_>>(), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn a_malformed_schedule_in_the_link_says_what_and_that_it_runs_without() {
        let q = PageQuery::parse("?lesson=race_counter&schedule=40t");
        let en = note(Lang::En, &q.notes[0]);
        assert!(en.contains("`schedule=40t` is not a schedule") && en.contains("running without one"), "{en}");
        assert!(note(Lang::Ko, &q.notes[0]).contains("스케줄이 아닙니다"));
    }

    #[test]
    fn notes_of_a_hostile_link_are_short_and_free_of_direction_controls() {
        let q = PageQuery::parse(&crate::query::hostile_link());
        for n in &q.notes {
            for lang in [Lang::En, Lang::Ko] {
                let text = note(lang, n);
                assert!(text.chars().count() < 400, "{text}");
                let reversing =
                    |c: char| ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
                assert!(!text.chars().any(reversing), "{text:?}");
            }
        }
        assert!(note(Lang::En, &q.notes[1]).contains("seed=evil"));
        let threads = note(Lang::En, &q.notes[0]);
        assert!(threads.contains("99999…") && threads.contains("using 16"), "{threads}");
        assert_eq!(
            note(Lang::En, &Note::More(4_995)),
            "… and 4\u{a0}995 more settings in the link that were not used as given."
        );
    }
}
