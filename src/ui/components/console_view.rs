use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use crate::draw::timeline::{actor_color, format_ms};
use crate::engine::trace::{ConsoleWrite, PythonError};
use crate::i18n::Lang;
use crate::ui::console::{rows, window, Row};
use crate::ui::words::{self, t, Key};

/// Height of one console row in pixels (the stylesheet's `.console .row`).
const ROW_PX: f64 = 20.0;
/// Height the console shows at most, in pixels; it scrolls beyond.
const VIEW_PX: f64 = 416.0;

/// Writes left out of the console shown: where, and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsoleGap {
    /// The index of the first write after the gap.
    pub at: usize,
    pub writes: u64,
    /// Lines left out, once the run is over (while it goes on, only writes are counted).
    pub lines: Option<u64>,
}

#[derive(Properties, PartialEq)]
pub struct ConsoleViewProps {
    pub lang: Lang,
    pub writes: Rc<Vec<ConsoleWrite>>,
    #[prop_or_default]
    pub errors: Rc<Vec<PythonError>>,
    /// Thread names, by actor, for the tooltips and exceptions.
    pub names: Rc<Vec<String>>,
    #[prop_or_default]
    pub selected: Option<u32>,
    /// A line was picked: its write's index.
    pub onselect: Callback<u32>,
    #[prop_or_default]
    pub gap: Option<ConsoleGap>,
    /// Save the whole output (offered with the gap once the run is over).
    #[prop_or_default]
    pub ondownload: Option<Callback<()>>,
    /// The output is still coming: a console scrolled to its end stays there.
    #[prop_or_default]
    pub follow: bool,
    /// The element's id (`console` unless two are shown).
    #[prop_or(AttrValue::Static("console"))]
    pub id: AttrValue,
}

/// The console exactly as printed, each line marked by the thread that wrote it; picking
/// a line marks its moment on the timeline and its line in the code. Only the rows in sight
/// are drawn, so a console of any length costs the page the same.
#[function_component]
pub fn ConsoleView(props: &ConsoleViewProps) -> Html {
    let lang = props.lang;
    let scroll = use_state(|| 0.0f64);
    let node = use_node_ref();
    let at_end = use_mut_ref(|| true);
    let all = {
        let (writes, errors, names, gap) = (props.writes.clone(), props.errors.clone(), props.names.clone(), props.gap);
        use_memo((Rc::as_ptr(&writes) as usize, Rc::as_ptr(&errors) as usize, gap), move |_| {
            rows(&writes, gap.map(|g| g.at), &errors, &names)
        })
    };
    // While a run streams its output, a console scrolled to its end stays there.
    {
        let node = node.clone();
        let at_end = at_end.clone();
        use_effect_with((all.len(), props.follow), move |(_, follow)| {
            if let (true, true, Some(element)) = (*follow, *at_end.borrow(), node.cast::<Element>()) {
                element.set_scroll_top(element.scroll_height());
            }
            || ()
        });
    }
    if all.is_empty() {
        return html! { <div class="console empty" id={props.id.clone()}>{ t(lang, Key::ConsoleEmpty) }</div> };
    }
    let onscroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            let element: Element = e.target_unchecked_into();
            let top = element.scroll_top() as f64;
            let bottom = (element.scroll_height() - element.client_height()) as f64;
            *at_end.borrow_mut() = bottom - top <= 2.0 * ROW_PX;
            scroll.set(top);
        })
    };
    let (first, last) = window(all.len(), *scroll, VIEW_PX, ROW_PX);
    // A focused line is picked with Enter or Space, as a click picks it.
    let onkeydown = Callback::from(|e: KeyboardEvent| {
        let Some(line) = e.target_dyn_into::<web_sys::HtmlElement>() else { return };
        if matches!(e.key().as_str(), "Enter" | " ") && line.class_name().starts_with("write") {
            e.prevent_default();
            line.click();
        }
    });
    let row = |row: &Row| -> Html {
        match row {
            Row::Text(pieces) => {
                let color = pieces.first().map_or("transparent", |p| actor_color(p.actor));
                html! {
                    <div class="row" style={format!("border-left-color: {color}")}>
                        { for pieces.iter().map(|piece| {
                            let onselect = props.onselect.clone();
                            let write = piece.write;
                            let at = props.writes.get(write as usize).map_or(0, |w| w.at);
                            let name = props.names.get(piece.actor as usize).cloned().unwrap_or_default();
                            let selected = props.selected == Some(write);
                            html! {
                                <span class={classes!("write", selected.then_some("selected"))} data-actor={piece.actor.to_string()}
                                      tabindex="0" role="button" aria-pressed={selected.to_string()}
                                      aria-label={words::console_write(lang, &name, &format_ms(at), &piece.text)}
                                      title={format!("{name}, {} ms", format_ms(at))} onclick={move |_| onselect.emit(write)}>
                                    { &piece.text }
                                </span>
                            }
                        }) }
                    </div>
                }
            }
            Row::Gap => {
                let gap = props.gap.unwrap_or(ConsoleGap { at: 0, writes: 0, lines: None });
                html! { <div class="row gap" id="console-gap">{ words::console_gap(lang, gap.writes, gap.lines) }</div> }
            }
            Row::Error(text) => html! { <div class="row stderr">{ text }</div> },
        }
    };
    // A cut console says so above it, where it is seen, with the way to the whole output.
    let note = props.gap.map(|gap| {
        html! {
            <p class="console-note" id="console-omitted">
                { words::console_cut(lang, props.writes.len(), gap.writes, gap.lines) }
                if let Some(ondownload) = props.ondownload.clone() {
                    { " " }
                    <button id="console-download" onclick={ondownload.reform(|_: MouseEvent| ())}>{ t(lang, Key::ConsoleDownload) }</button>
                }
            </p>
        }
    });
    html! {
        <>
            { note.unwrap_or_default() }
            <div class="console" id={props.id.clone()} role="log" ref={node} {onscroll} {onkeydown} data-rows={all.len().to_string()}>
                <div class="spacer" style={format!("height: {}px", first as u64 * ROW_PX as u64)} />
                { for all[first..last].iter().map(row) }
                <div class="spacer" style={format!("height: {}px", (all.len() - last) as u64 * ROW_PX as u64)} />
            </div>
        </>
    }
}
