use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::ui::editing::{next_indent, utf16_offset, INDENT};
use crate::ui::highlight::highlight_line;
use crate::ui::words::{self, t, Key};
use crate::worker::protocol::CompileError;

/// How long the learner pauses typing before the text is compiled.
const CHECK_AFTER_MS: u32 = 300;

#[derive(Properties, PartialEq)]
pub struct CodeEditorProps {
    pub lang: Lang,
    pub text: AttrValue,
    /// Where the compiler refuses the text, if it does.
    pub error: Option<CompileError>,
    /// How long the worker took to compile it last (for the benchmark).
    #[prop_or_default]
    pub took_ns: u64,
    /// How many answers the worker has given (for the benchmark, which waits for the next).
    #[prop_or_default]
    pub answers: u32,
    /// A line to mark (where the picked console line was printed).
    #[prop_or_default]
    pub marked: Option<u32>,
    pub onchange: Callback<String>,
    /// The learner paused typing (and once when the editor opens).
    pub oncheck: Callback<()>,
    /// Ctrl+Enter.
    pub onrun: Callback<()>,
}

/// The program, editable: a plain textarea over the highlighted text, so the browser's own
/// caret, selection, undo and input methods work; Tab indents, Shift+Tab dedents and Enter
/// keeps the indentation (one more level after a colon), all through the browser's
/// editing commands so that undo undoes them too.
#[function_component]
pub fn CodeEditor(props: &CodeEditorProps) -> Html {
    let input = use_node_ref();
    let pause = use_mut_ref(|| None::<Timeout>);
    {
        let oncheck = props.oncheck.clone();
        use_effect_with((), move |_| {
            oncheck.emit(());
            || ()
        });
    }
    let oninput = {
        let (onchange, oncheck, pause) = (props.onchange.clone(), props.oncheck.clone(), pause.clone());
        Callback::from(move |e: InputEvent| {
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else { return };
            onchange.emit(area.value());
            let oncheck = oncheck.clone();
            *pause.borrow_mut() = Some(Timeout::new(CHECK_AFTER_MS, move || oncheck.emit(())));
        })
    };
    let onkeydown = {
        let onrun = props.onrun.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else { return };
            let handled = match e.key().as_str() {
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    onrun.emit(());
                    true
                }
                "Enter" if !e.shift_key() && !e.alt_key() => {
                    insert(&format!("\n{}", next_indent(&before_caret(&area))))
                }
                "Tab" if e.shift_key() => dedent(&area),
                "Tab" if !e.ctrl_key() && !e.alt_key() && !e.meta_key() => insert(INDENT),
                _ => false,
            };
            if handled {
                e.prevent_default();
            }
        })
    };
    let onjump = {
        let (input, error) = (input.clone(), props.error.clone());
        Callback::from(move |_: MouseEvent| {
            let (Some(area), Some(error)) = (input.cast::<HtmlTextAreaElement>(), error.as_ref()) else { return };
            let at = utf16_offset(&area.value(), error.line, error.column);
            let _ = area.focus();
            let _ = area.set_selection_range(at, at);
        })
    };
    let error_line = props.error.as_ref().map(|e| e.line);
    let lines: Vec<&str> = props.text.split('\n').collect();
    html! {
        <div class="editor-wrap">
            <div class={classes!("editor", props.error.is_some().then_some("refused"))} id="code-editor">
                <pre class="code" id="code" aria-hidden="true"><code>
                    { for lines.iter().enumerate().map(|(i, line)| {
                        let number = i as u32 + 1;
                        let refused = error_line == Some(number);
                        let class = classes!("line", (props.marked == Some(number)).then_some("marked"), refused.then_some("refused"));
                        html! {
                            <span class={class} data-line={number.to_string()}>
                                <span class="ln">{ if refused { "●".to_string() } else { number.to_string() } }</span>
                                { for highlight_line(line).into_iter().map(|(token, text)| html! { <span class={token.class()}>{ text }</span> }) }
                                { "\n" }
                            </span>
                        }
                    }) }
                </code></pre>
                <textarea ref={input} id="code-input" spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                    aria-label={t(props.lang, Key::EditorLabel)} aria-invalid={props.error.is_some().to_string()}
                    aria-describedby="code-error" value={props.text.clone()} {oninput} {onkeydown} />
            </div>
            <p class={classes!("code-error", props.error.is_none().then_some("ok"))} id="code-error" aria-live="polite"
                data-compile-ms={format!("{:.2}", props.took_ns as f64 / 1e6)} data-answers={props.answers.to_string()}>
                if let Some(error) = &props.error {
                    <button class="link" id="code-error-jump" onclick={onjump}>{ words::code_place(props.lang, error.line, error.column) }</button>
                    { " " }{ error.message.clone() }
                } else {
                    { t(props.lang, Key::EditorHelp) }
                }
            </p>
        </div>
    }
}

/// Types `text` at the caret as the learner would, so the browser's undo sees it.
fn insert(text: &str) -> bool {
    let document = web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<HtmlDocument>().ok());
    document.is_some_and(|d| d.exec_command_with_show_ui_and_value("insertText", false, text).unwrap_or(false))
}

/// Removes up to one level of indentation from the caret's line.
fn dedent(area: &HtmlTextAreaElement) -> bool {
    let before = before_caret(area);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..];
    let spaces = line.chars().take_while(|c| *c == ' ').count().min(INDENT.len());
    if spaces == 0 {
        return true;
    }
    let start = before[..line_start].encode_utf16().count() as u32;
    let _ = area.set_selection_range(start, start + spaces as u32);
    let document = web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<HtmlDocument>().ok());
    document.is_some_and(|d| d.exec_command_with_show_ui_and_value("delete", false, "").unwrap_or(false))
}

/// The text from the start to the caret (the selection's start).
fn before_caret(area: &HtmlTextAreaElement) -> String {
    let at = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let units: Vec<u16> = area.value().encode_utf16().take(at).collect();
    String::from_utf16_lossy(&units)
}
