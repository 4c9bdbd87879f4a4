//! The timeline's words in each language: the names of its states (its legend, and each
//! box's tooltip), and the tooltips of its boxes, marks and arrows.

use crate::i18n::Lang;

/// What a box or mark of this class shows (the classes are [`super::timeline::span_class`]'s
/// and the marks').
pub fn state_word(class: &str, lang: Lang) -> &'static str {
    let (en, ko) = match class {
        "run" => ("running", "실행 중"),
        "wait-gil" => ("waiting for the GIL", "GIL 대기"),
        "hold-gil" => ("holding the GIL", "GIL 보유"),
        "sleep" => ("sleeping", "잠자는 중"),
        "wait" => ("blocked", "막힘"),
        "hold" => ("holding a lock", "락 보유"),
        "starting" => ("starting up", "시작하는 중"),
        "print" => ("print", "출력"),
        _ => ("error", "오류"),
    };
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

/// A box's tooltip: `Thread-1: running 0.5–2 ms (line 7, ×3)`.
pub fn span_title(lang: Lang, name: &str, class: &str, (from, to): (String, String), line: u32, count: u32) -> String {
    let state = state_word(class, lang);
    match (lang, count > 1) {
        (Lang::En, true) => format!("{name}: {state} {from}–{to} ms (line {line}, ×{count})"),
        (Lang::En, false) => format!("{name}: {state} {from}–{to} ms (line {line})"),
        (Lang::Ko, true) => format!("{name}: {state} {from}–{to} ms ({line}번째 줄, ×{count})"),
        (Lang::Ko, false) => format!("{name}: {state} {from}–{to} ms ({line}번째 줄)"),
    }
}

pub fn print_title(lang: Lang, name: &str, at: String, text: &str) -> String {
    match lang {
        Lang::En => format!("{name} printed at {at} ms: {text}"),
        Lang::Ko => format!("{name}, {at} ms에 출력: {text}"),
    }
}

pub fn message_title(lang: Lang, seq: u32, sent: String, received: String) -> String {
    match lang {
        Lang::En => format!("message {seq}: sent at {sent} ms, received at {received} ms"),
        Lang::Ko => format!("메시지 {seq}: {sent} ms에 보내고 {received} ms에 받음"),
    }
}

/// Said after a tooltip whose mark or box stands for `more` others drawn on the same pixels.
pub fn more_here(lang: Lang, more: usize) -> String {
    match lang {
        Lang::En => format!(" (+{more} more here; zoom in)"),
        Lang::Ko => format!(" (여기에 {more}개 더 있음, 확대해 보세요)"),
    }
}

/// The GIL lane of process `process` (the main one's is just `GIL`).
pub fn gil_lane(lang: Lang, process: u32) -> String {
    match (lang, process) {
        (_, 0) => "GIL".to_string(),
        (Lang::En, p) => format!("GIL (process {p})"),
        (Lang::Ko, p) => format!("GIL (프로세스 {p})"),
    }
}

/// Said after a live thread's name: the pool thread that ran it.
pub fn pool_thread(lang: Lang, pool: usize) -> String {
    match lang {
        Lang::En => format!(" · pool thread {pool}"),
        Lang::Ko => format!(" · 풀 스레드 {pool}"),
    }
}
