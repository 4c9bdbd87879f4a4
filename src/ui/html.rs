//! Small helpers the page's components share: text with `code` in it, and an engine's
//! message as a sentence.

use yew::prelude::*;

use crate::i18n::{Lang, Prose};

/// Renders `backticked` parts of a text as code.
pub fn with_code(text: &str) -> Html {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                html! { <code>{ part }</code> }
            } else {
                html! { { part } }
            }
        })
        .collect()
}

/// An engine's message as a sentence: its first letter a capital. The engines' messages
/// are ours and begin in ASCII, so ASCII's capitals do (and the page carries no Unicode
/// case tables).
pub fn sentence(message: &str) -> String {
    let mut text = message.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// A message in the page's language, as a sentence: the English with its first letter a
/// capital ([`sentence`]), the Korean as it is.
pub fn message_in(lang: Lang, message: &Prose) -> String {
    match lang {
        Lang::En => sentence(&message.en),
        Lang::Ko => message.ko.clone(),
    }
}

/// A job's progress, announced to screen readers: a bar (`done` of `total`, or moving
/// without an end when `total` is 0 and `done` too) and what it says in words.
pub fn progress(id: &'static str, bar: Option<(u64, u64)>, words: String) -> Html {
    html! {
        <div class="progress" {id} role="status">
            if let Some((done, total)) = bar {
                if total > 0 {
                    <progress max={total.to_string()} value={done.to_string()} />
                } else {
                    <progress />
                }
            }
            <span>{ words }</span>
        </div>
    }
}
