use yew::prelude::*;

use crate::i18n::Lang;
use crate::ui::components::code_editor::CodeEditor;
use crate::ui::components::code_view::CodeView;
use crate::ui::state::Action;
use crate::ui::words::{self, t, Key};
use crate::worker::protocol::CompileError;

#[derive(Properties, PartialEq)]
pub struct CodePaneProps {
    pub lang: Lang,
    /// The program shown: the lesson's as the worker wrote it, or the learner's.
    pub text: Option<AttrValue>,
    /// The code view is the editor.
    pub editing: bool,
    /// The text is the learner's, not the lesson's.
    pub edited: bool,
    pub error: Option<CompileError>,
    /// How long the worker took to compile the text last.
    #[prop_or_default]
    pub took_ns: u64,
    #[prop_or_default]
    pub answers: u32,
    /// Why the learner's program is not in the link, if it is not.
    pub left_out_of_link: Option<String>,
    /// Editing is offered (not in an embed without controls).
    pub editable: bool,
    /// A job runs: the text stays as it is until it ends.
    #[prop_or_default]
    pub busy: bool,
    /// The learner reset their program to the lesson's: it can be restored.
    #[prop_or_default]
    pub restorable: bool,
    #[prop_or_default]
    pub marked: Option<u32>,
    pub onaction: Callback<Action>,
    pub onrun: Callback<()>,
}

/// The program pane: the lesson's Python, read-only until "Edit"; then the editor, with
/// "Reset to the lesson" once the learner has changed it.
#[function_component]
pub fn CodePane(props: &CodePaneProps) -> Html {
    let lang = props.lang;
    let onaction = props.onaction.clone();
    let Some(text) = props.text.clone() else {
        return html! { <p class="notice" id="source-loading">{ t(lang, Key::SourceLoading) }</p> };
    };
    let buttons = html! {
        <span class="pane-actions">
            if props.editable && !props.editing {
                <button id="edit-code" onclick={onaction.reform(|_| Action::OpenEditor)}>{ t(lang, Key::EditCode) }</button>
            }
            if props.editable && props.edited {
                <button id="reset-code" onclick={onaction.reform(|_| Action::ResetCode)}>{ t(lang, Key::ResetCode) }</button>
            }
            if props.editable && props.restorable {
                <button id="restore-code" onclick={onaction.reform(|_| Action::RestoreCode)}>{ t(lang, Key::RestoreCode) }</button>
            }
        </span>
    };
    html! {
        <>
            <div class="pane-head">
                <h3>{ t(lang, if props.edited { Key::CodeHeadingEdited } else { Key::CodeHeading }) }</h3>
                { buttons }
            </div>
            if props.editing && props.editable {
                <CodeEditor lang={lang} text={text} error={props.error.clone()} took_ns={props.took_ns} answers={props.answers} marked={props.marked}
                    onchange={onaction.reform(Action::EditCode)} oncheck={onaction.reform(|_| Action::CheckCode)}
                    onrun={props.onrun.clone()} readonly={props.busy} />
                if let Some(why) = &props.left_out_of_link {
                    <p class="notice" id="code-not-linked">{ why.clone() }</p>
                }
            } else {
                <CodeView source={text} marked={props.marked} />
            }
            if props.edited {
                <p class="edited-note" id="edited-note">{ words::t(lang, Key::EditedNote) }</p>
            }
        </>
    }
}
