//! Small helpers the page's components share: text with `code` in it, and an engine's
//! message as a sentence.

use yew::prelude::*;

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

/// An engine's message as a sentence: its first letter a capital.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
