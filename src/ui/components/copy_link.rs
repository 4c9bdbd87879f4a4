//! "Copy link": the page's link (lesson, knobs, program) on the clipboard, and a line that
//! says it is there. Where the browser refuses the clipboard, the link is shown to copy by
//! hand.

use yew::prelude::*;

use crate::i18n::Lang;
use crate::ui::words::{t, Key};

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    pub lang: Lang,
    /// The link's query string (`?lesson=...`).
    pub query: AttrValue,
}

/// What the last click did.
#[derive(Clone, PartialEq)]
enum Copied {
    Not,
    Done,
    /// The clipboard was refused: the link, to copy by hand.
    Refused(String),
}

#[function_component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let copied = use_state(|| Copied::Not);
    // A changed link has not been copied.
    {
        let copied = copied.clone();
        use_effect_with(props.query.clone(), move |_| {
            copied.set(Copied::Not);
            || ()
        });
    }
    let onclick = {
        let (copied, query) = (copied.clone(), props.query.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else { return };
            let location = window.location();
            let link =
                format!("{}{}{query}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
            let copied = copied.clone();
            crate::ui::clipboard::copy(
                &link.clone(),
                Callback::from(move |taken: bool| {
                    copied.set(if taken { Copied::Done } else { Copied::Refused(link.clone()) })
                }),
            );
        })
    };
    let lang = props.lang;
    html! {
        <>
            <button id="copy-link" class="quiet" {onclick}>{ t(lang, Key::CopyLink) }</button>
            <span class="copied" id="link-copied" role="status">
                { match &*copied {
                    Copied::Not => Html::default(),
                    Copied::Done => html! { { t(lang, Key::LinkCopied) } },
                    Copied::Refused(link) => html! { <>{ t(lang, Key::LinkToCopy) }{ " " }<code>{ link }</code></> },
                } }
            </span>
        </>
    }
}
