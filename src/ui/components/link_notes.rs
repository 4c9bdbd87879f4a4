use yew::prelude::*;

use crate::i18n::Lang;
use crate::query::Note;
use crate::ui::html::with_code;
use crate::ui::words::{self, t, Key};

#[derive(Properties, PartialEq)]
pub struct LinkNotesProps {
    pub lang: Lang,
    pub notes: Vec<Note>,
}

/// What in the link was not used as given, and what was used instead.
#[function_component]
pub fn LinkNotes(props: &LinkNotesProps) -> Html {
    if props.notes.is_empty() {
        return html! {};
    }
    html! {
        <div class="banner notes" role="alert" id="link-notes">
            <p>{ t(props.lang, Key::NotesHeading) }</p>
            <ul>
                { for props.notes.iter().map(|note| html! { <li>{ with_code(&words::note(props.lang, note)) }</li> }) }
            </ul>
        </div>
    }
}
