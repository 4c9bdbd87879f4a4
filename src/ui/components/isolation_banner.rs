use yew::prelude::*;

use crate::i18n::Lang;
use crate::ui::words::{t, Key};

#[derive(Properties, PartialEq)]
pub struct IsolationBannerProps {
    pub lang: Lang,
}

/// Shown when the page is not cross-origin isolated: live threads are off, the rest works.
#[function_component]
pub fn IsolationBanner(props: &IsolationBannerProps) -> Html {
    html! {
        <div class="banner isolation" role="status" id="isolation-banner">
            { crate::ui::html::with_code(t(props.lang, Key::IsolationBanner)) }
        </div>
    }
}
