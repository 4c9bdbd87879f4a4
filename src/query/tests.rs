//! The link's parsing and writing.

use super::*;

#[test]
fn a_schedule_round_trips_in_the_link_and_a_malformed_one_leaves_a_note() {
    let q = PageQuery::parse("?lesson=race_counter&gil=off&schedule=40t1x3.12t0.2w");
    assert!(q.notes.is_empty(), "{:?}", q.notes);
    assert_eq!(q.to_query_string(), "?lesson=race_counter&gil=off&schedule=40t1x3.12t0.2w");
    let q = PageQuery::parse("?lesson=race_counter&schedule=40t");
    assert_eq!(q.value("schedule").map(|v| v.to_string()), Some(String::new()));
    assert!(
        matches!(&q.notes[0], Note::Knob(KnobError::NotASchedule { value, .. }) if value == "40t"),
        "{:?}",
        q.notes
    );
    assert_eq!(q.to_query_string(), "?lesson=race_counter");
}

#[test]
fn the_empty_link_is_the_default_page() {
    let q = PageQuery::parse("");
    assert!(q.lesson.is_none());
    assert!(q.notes.is_empty());
    assert_eq!(q.lang(), Lang::En);
    assert_eq!(q.to_query_string(), "");
}

#[test]
fn a_bad_link_gives_one_note_per_problem_and_a_usable_page() {
    let q = PageQuery::parse("?lesson=nope&threads=-1&threads=abc&seed=1e999");
    assert!(q.lesson.is_none());
    assert!(q.notes.iter().any(|n| matches!(n, Note::UnknownLesson { given, .. } if given == "nope")), "{:?}", q.notes);
    assert!(q
        .notes
        .iter()
        .any(|n| matches!(n, Note::Knob(KnobError::Repeated { knob, used }) if knob == "threads" && used == "abc")));
    assert!(q.notes.iter().any(|n| matches!(n, Note::IgnoredWithoutLesson { name, .. } if name == "threads")));
    assert!(q.notes.iter().any(|n| matches!(n, Note::Knob(KnobError::NotANumber { knob: "seed", .. }))));
    assert_eq!(q.value("seed"), Some(&KnobValue::Seed(1)));
}

#[test]
fn common_knobs_round_trip_through_the_link() {
    let q = PageQuery::parse("?engine=live&seed=7&cores=2&lang=ko&gil=off&time_scale=0.25");
    assert!(q.notes.is_empty(), "{:?}", q.notes);
    assert_eq!(q.lang(), Lang::Ko);
    let again = PageQuery::parse(&q.to_query_string());
    assert_eq!(again, q);
    assert_eq!(q.to_query_string(), "?engine=live&seed=7&cores=2&time_scale=0.25&gil=off&lang=ko");
}

#[test]
fn switching_language_changes_the_link() {
    let mut q = PageQuery::parse("?seed=3");
    q.set_lang(Lang::Ko);
    assert_eq!(q.to_query_string(), "?seed=3&lang=ko");
    q.set_lang(Lang::En);
    assert_eq!(q.to_query_string(), "?seed=3");
}

#[test]
fn escapes_are_decoded_and_stray_percents_kept() {
    let q = PageQuery::parse("?engine=%6Cive&lesson=a%20b+c%zz%");
    assert_eq!(q.value("engine"), Some(&KnobValue::Choice("live")));
    assert!(matches!(&q.notes[0], Note::UnknownLesson { given, .. } if given == "a b c%zz%"), "{:?}", q.notes);
}

/// Regression: a link could echo any amount of text into the notes, as many notes as it
/// had parameters, and right-to-left controls that turn a note around on screen. (How
/// the notes read is tested with the page's words, `ui::words`.)
#[test]
fn a_hostile_link_gets_short_clean_notes_and_only_so_many() {
    let q = PageQuery::parse(&hostile_link());
    assert_eq!(q.notes.len(), MAX_NOTES + 1);
    assert_eq!(q.notes.last(), Some(&Note::More(5_002 - MAX_NOTES)));
    assert!(
        matches!(&q.notes[1], Note::Knob(KnobError::NotANumber { value, .. }) if value == "evil"),
        "{:?}",
        q.notes[1]
    );
    assert!(
        matches!(&q.notes[0], Note::Knob(KnobError::OutOfRange { value, .. }) if value.chars().count() == 41),
        "{:?}",
        q.notes[0]
    );
}

#[test]
fn page_settings_round_trip_through_the_link_and_bad_ones_leave_notes() {
    let link = "?lesson=race_counter&threads=3&embed=1&view=timeline,code&controls=minimal&theme=dark&load=click&host=https://Tutor.example:443,http://localhost:8000";
    let q = PageQuery::parse(link);
    assert!(q.notes.is_empty(), "{:?}", q.notes);
    assert!(q.page.embed && q.page.load_on_click);
    assert_eq!((q.page.theme, q.page.controls), (Theme::Dark, Controls::Minimal));
    assert_eq!(q.page.panels, vec![Panel::Code, Panel::Timeline], "in the page's order");
    assert_eq!(q.page.hosts, vec!["https://tutor.example", "http://localhost:8000"]);
    assert!(q.page.shows(Panel::Code) && !q.page.shows(Panel::Findings));
    let written = q.to_query_string();
    assert_eq!(PageQuery::parse(&written).to_query_string(), written);
    assert_eq!(PageQuery::parse(&written).page, q.page);
    // "Open in Interleave": the same run on the full page, in the same theme.
    assert_eq!(q.full_page_query(), "?lesson=race_counter&threads=3&theme=dark");
    // Without `embed`, every panel shows whatever `view` says.
    assert!(PageQuery::parse("?view=code").page.shows(Panel::Explore));

    let q = PageQuery::parse(
        "?embed=yes&theme=pink&view=code,<b>&host=javascript:alert(1),https://a.example/path,https://ok.example&zoom=2",
    );
    assert!(!q.page.embed && q.page.theme == Theme::Auto);
    assert_eq!(q.page.panels, vec![Panel::Code]);
    assert_eq!(q.page.hosts, vec!["https://ok.example"]);
    let names: Vec<&str> = q
        .notes
        .iter()
        .map(|n| match n {
            Note::Knob(e) => e.knob(),
            Note::Setting { name, .. } => name,
            Note::IgnoredWithoutLesson { name, .. } => name,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["embed", "theme", "view", "host", "zoom"]);
    assert!(matches!(&q.notes[3], Note::Setting { why: SettingProblem::Origins, .. }));
    // No panel at all keeps the default ones.
    assert_eq!(PageQuery::parse("?embed=1&view=nothing").page.panels, Panel::DEFAULT.to_vec());
}

#[test]
fn only_plain_origins_are_taken_as_hosts() {
    for (given, taken) in [
        ("https://a.example", Some("https://a.example")),
        ("HTTPS://A.Example:443/", Some("https://a.example")),
        ("http://127.0.0.1:5173", Some("http://127.0.0.1:5173")),
        ("https://a.example/path", None),
        ("https://user@a.example", None),
        ("ftp://a.example", None),
        ("https://a.example:99999", None),
        ("https://", None),
        ("https://a..example", None),
        ("https://[::1]:80", None),
    ] {
        assert_eq!(origin(given).as_deref(), taken, "{given}");
    }
}

#[test]
fn a_program_in_the_link_opens_with_its_lesson_or_gets_a_note() {
    let value = code::encode("print(1)\n").unwrap();
    let q = PageQuery::parse(&format!("?code={value}&lesson=race_counter"));
    assert_eq!(q.code(), Some("print(1)\n"), "the lesson is read first, wherever it is");
    assert_eq!(q.to_query_string(), format!("?lesson=race_counter&code={value}"));
    let q = PageQuery::parse("?lesson=race_counter&code=%21%21");
    assert_eq!((q.code(), &q.notes[..]), (None, &[Note::Code(CodeProblem::Garbled)][..]));
    let q = PageQuery::parse(&format!("?code={value}"));
    assert!(q.code().is_none() && matches!(q.notes[..], [Note::IgnoredWithoutLesson { .. }]), "{:?}", q.notes);
    // Another lesson opened: the program stays with the one it was written in.
    let mut q = PageQuery::parse(&format!("?lesson=race_counter&code={value}"));
    q.open_lesson(crate::lessons::find("gil").unwrap());
    assert!(q.code().is_none());
}

#[test]
fn a_pinned_run_round_trips_in_the_link_and_gives_its_own_knobs() {
    let mut q = PageQuery::parse("?lesson=race_counter&threads=4&lock=each&lang=ko");
    q.set_pin_from_key("?lesson=race_counter&threads=2&lock=none&seed=9&lang=en");
    let link = q.to_query_string();
    let again = PageQuery::parse(&link);
    assert_eq!(again.pin(), q.pin());
    assert_eq!(again.to_query_string(), link);
    assert!(again.notes.is_empty(), "{:?}", again.notes);
    // The pinned run: its knobs, the rest at their defaults, the page's language kept.
    let pinned = again.pinned_query().unwrap();
    assert_eq!(pinned.value("threads").map(|v| v.to_string()), Some("2".into()));
    assert_eq!(pinned.value("seed").map(|v| v.to_string()), Some("9".into()));
    assert_eq!(pinned.value("lock").map(|v| v.to_string()), Some("none".into()));
    assert_eq!(pinned.lang(), Lang::Ko);
    assert!(pinned.pin().is_none());
    // The run itself does not change with the pin.
    assert_eq!(again.run_key(), PageQuery::parse("?lesson=race_counter&threads=4&lock=each").run_key());
}

#[test]
fn a_bad_pin_is_refused_knob_by_knob_with_a_note() {
    let q = PageQuery::parse("?lesson=race_counter&pin=threads%3D4%26lock%3Dsideways%26nope%3D1");
    assert_eq!(q.pin(), Some(&[("threads".to_string(), "4".to_string())][..]));
    assert!(!q.notes.is_empty());
    let q = PageQuery::parse("?pin=threads%3D4");
    assert!(q.pin().is_none());
    assert!(q.notes.iter().any(|n| matches!(n, Note::IgnoredWithoutLesson { name, .. } if name == "pin")));
}
