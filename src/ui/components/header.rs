use yew::prelude::*;

use crate::i18n::Lang;
use crate::ui::words::{t, Key};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub lang: Lang,
    pub onlang: Callback<Lang>,
}

/// The title, the tagline and the language switch.
#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let switch = Lang::ALL.iter().map(|&lang| {
        let onlang = props.onlang.clone();
        let pressed = lang == props.lang;
        html! {
            <button class="lang" aria-pressed={pressed.to_string()} lang={lang.code()}
                    data-lang={lang.code()} onclick={move |_| onlang.emit(lang)}>
                { lang.native_name() }
            </button>
        }
    });
    html! {
        <header class="site">
            <div>
                <h1>{ "Interleave" }</h1>
                <p class="tagline">{ t(props.lang, Key::Tagline) }</p>
            </div>
            <nav class="lang-switch" aria-label={t(props.lang, Key::Language)}>{ for switch }</nav>
        </header>
    }
}
