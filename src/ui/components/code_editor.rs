use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::ui::editing::{next_indent, reindent, selected_lines, utf16_offset, INDENT};
use crate::ui::highlight::highlight_line;
use crate::ui::html::with_code;
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
    /// A job runs: the text stays as it is until it ends.
    #[prop_or_default]
    pub readonly: bool,
}

/// The program, editable: a plain textarea over the highlighted text, so the browser's own
/// caret, selection, undo and input methods work; Tab indents, Shift+Tab dedents (the
/// selected lines, or the caret's) and Enter keeps the indentation (one more level after a
/// colon), all through the browser's editing commands so that undo undoes them too. Escape
/// lets the next Tab leave the editor, for keyboard users.
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
    // Escape, then Tab: focus moves on instead of indenting.
    let tab_leaves = use_mut_ref(|| false);
    let onkeydown = {
        let onrun = props.onrun.clone();
        let readonly = props.readonly;
        Callback::from(move |e: KeyboardEvent| {
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else { return };
            // Keys that finish an input method's composition (a Hangul syllable) are its.
            if e.is_composing() || e.key_code() == 229 {
                return;
            }
            let leaves = std::mem::replace(&mut *tab_leaves.borrow_mut(), e.key() == "Escape");
            let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
            let handled = match e.key().as_str() {
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    onrun.emit(());
                    true
                }
                _ if readonly => false,
                "Enter" if !e.shift_key() && plain => insert(&format!("\n{}", next_indent(&before_caret(&area)))),
                "Tab" if leaves || !plain => false,
                "Tab" => reindent_selection(&area, e.shift_key()),
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
                    aria-describedby="code-error" readonly={props.readonly} value={props.text.clone()} {oninput} {onkeydown} />
            </div>
            <p class={classes!("code-error", props.error.is_none().then_some("ok"))} id="code-error" aria-live="polite"
                data-compile-ms={format!("{:.2}", props.took_ns as f64 / 1e6)} data-answers={props.answers.to_string()}>
                if let Some(error) = &props.error {
                    <button class="link" id="code-error-jump" onclick={onjump}>{ words::code_place(props.lang, error.line, error.column) }</button>
                    { " " }{ with_code(error.message.get(props.lang)) }
                } else {
                    { with_code(t(props.lang, Key::EditorHelp)) }
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

/// Tab: one level of indentation at the caret, or on every selected line; Shift+Tab: one
/// level off the caret's line or every selected line. The selection stays on the lines.
fn reindent_selection(area: &HtmlTextAreaElement, dedent: bool) -> bool {
    let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
    if start == end && !dedent {
        return insert(INDENT);
    }
    let units: Vec<u16> = area.value().encode_utf16().collect();
    let (from, to) = selected_lines(&units, start, end);
    let block = String::from_utf16_lossy(&units[from..to]);
    let (changed, first) = reindent(&block, dedent);
    if changed == block {
        return true;
    }
    let _ = area.set_selection_range(from as u32, to as u32);
    insert(&changed);
    if start == end {
        // The caret stays where it was in its line's text.
        let caret = start.saturating_sub(first).max(from);
        let _ = area.set_selection_range(caret as u32, caret as u32);
    } else {
        let _ = area.set_selection_range(from as u32, (from + changed.encode_utf16().count()) as u32);
    }
    true
}

/// The text from the start to the caret (the selection's start).
fn before_caret(area: &HtmlTextAreaElement) -> String {
    let at = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let units: Vec<u16> = area.value().encode_utf16().take(at).collect();
    String::from_utf16_lossy(&units)
}
