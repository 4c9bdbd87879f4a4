use yew::prelude::*;

use crate::i18n::Lang;
use crate::query::Theme;
use crate::ui::words::{t, Key};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub lang: Lang,
    pub theme: Theme,
    pub onlang: Callback<Lang>,
    pub ontheme: Callback<Theme>,
}

/// The title, the tagline, and the language and theme switches.
#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let lang = props.lang;
    let themes = Theme::ALL.iter().map(|&theme| {
        let ontheme = props.ontheme.clone();
        let label = match theme {
            Theme::Auto => t(lang, Key::ThemeAuto),
            Theme::Light => t(lang, Key::ThemeLight),
            Theme::Dark => t(lang, Key::ThemeDark),
        };
        html! {
            <button class="lang" aria-pressed={(theme == props.theme).to_string()} data-theme-choice={theme.word()}
                    onclick={move |_| ontheme.emit(theme)}>{ label }</button>
        }
    });
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
                <h1 translate="no">{ "Interleave" }</h1>
                <p class="tagline">{ t(props.lang, Key::Tagline) }</p>
            </div>
            <div class="switches">
                <nav class="lang-switch" aria-label={t(lang, Key::Language)}>{ for switch }</nav>
                <nav class="lang-switch" id="theme-switch" aria-label={t(lang, Key::Theme)}>{ for themes }</nav>
            </div>
        </header>
    }
}
