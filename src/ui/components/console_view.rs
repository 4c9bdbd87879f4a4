use yew::prelude::*;

use crate::engine::trace::{ConsoleWrite, PythonError};
use crate::i18n::{t, Key, Lang};
use crate::ui::timeline::{actor_color, format_ms};

#[derive(Properties, PartialEq)]
pub struct ConsoleViewProps {
    pub lang: Lang,
    pub writes: Vec<ConsoleWrite>,
    #[prop_or_default]
    pub errors: Vec<PythonError>,
    /// Thread names, by actor, for the tooltips.
    pub names: Vec<String>,
    #[prop_or_default]
    pub selected: Option<u32>,
    /// A line was picked: its index.
    pub onselect: Callback<u32>,
}

/// The console exactly as printed, each write coloured by its thread; picking a line marks
/// its moment on the timeline and its line in the code.
#[function_component]
pub fn ConsoleView(props: &ConsoleViewProps) -> Html {
    let lang = props.lang;
    if props.writes.is_empty() && props.errors.is_empty() {
        return html! { <pre class="console empty" id="console">{ t(lang, Key::ConsoleEmpty) }</pre> };
    }
    html! {
        <pre class="console" id="console">
            { for props.writes.iter().enumerate().map(|(i, w)| {
                let onselect = props.onselect.clone();
                let name = props.names.get(w.actor.0 as usize).cloned().unwrap_or_default();
                let selected = props.selected == Some(i as u32);
                html! {
                    <span class={classes!("write", selected.then_some("selected"))} style={format!("border-left-color: {}", actor_color(w.actor.0))}
                          data-actor={w.actor.0.to_string()} title={format!("{name}, {} ms", format_ms(w.at))}
                          onclick={move |_| onselect.emit(i as u32)}>
                        { &w.text }
                    </span>
                }
            }) }
            { for props.errors.iter().map(|e| {
                let name = props.names.get(e.actor.0 as usize).cloned().unwrap_or_default();
                html! { <span class="stderr">{ format!("Exception in thread {name}:\n{}: {}\n", e.exception, e.message) }</span> }
            }) }
        </pre>
    }
}
