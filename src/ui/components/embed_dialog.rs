//! The Embed dialog: the snippets that put the lesson, as it is now, into a tutorial page,
//! each with a Copy button.

use yew::prelude::*;

use crate::i18n::Lang;
use crate::query::PageQuery;
use crate::ui::html::with_code;
use crate::ui::snippet;
use crate::ui::words::{t, Key};

#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    pub lang: Lang,
    pub query: PageQuery,
    pub title: AttrValue,
    pub onclose: Callback<()>,
}

/// Where the page is served from (its directory), for the snippets' links.
fn base() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    format!("{origin}{dir}")
}

/// Copies `text` to the clipboard where the browser allows it.
/// The snippets that embed this lesson as it is now: an iframe, or an element for
/// `embed.js` (auto-height and the host API).
#[function_component]
pub fn EmbedDialog(props: &EmbedDialogProps) -> Html {
    let lang = props.lang;
    let copied = use_state(|| None::<usize>);
    let base = base();
    let snippets = [
        (t(lang, Key::EmbedFrame), snippet::iframe(&base, &props.query, &props.title)),
        (t(lang, Key::EmbedScript), snippet::with_script(&base, &props.query)),
    ];
    let onclose = props.onclose.reform(|_: MouseEvent| ());
    html! {
        <section class="embed-dialog" id="embed-dialog" role="dialog" aria-labelledby="embed-heading">
            <h3 id="embed-heading">{ t(lang, Key::EmbedHeading) }</h3>
            <p class="explanation">{ with_code(t(lang, Key::EmbedExplain)) }</p>
            { for snippets.into_iter().enumerate().map(|(i, (label, text))| {
                let oncopy = {
                    let copied = copied.clone();
                    let text = text.clone();
                    Callback::from(move |_: MouseEvent| {
                        let copied = copied.clone();
                        // Said only once the browser has it; else the text stays to select.
                        crate::ui::clipboard::copy(&text, Callback::from(move |taken: bool| copied.set(taken.then_some(i))));
                    })
                };
                html! {
                    <div class="snippet">
                        <label for={format!("snippet-{i}")}>{ with_code(label) }</label>
                        <textarea id={format!("snippet-{i}")} readonly=true rows="4" value={text} />
                        <button id={format!("copy-snippet-{i}")} onclick={oncopy}>
                            { if *copied == Some(i) { t(lang, Key::Copied) } else { t(lang, Key::CopySnippet) } }
                        </button>
                    </div>
                }
            }) }
            <div class="actions"><button id="embed-close" onclick={onclose}>{ t(lang, Key::CloseDialog) }</button></div>
        </section>
    }
}
