use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Lang;
use crate::knobs::{common, KnobKind, KnobSpec, KnobValue};
use crate::query::PageQuery;
use crate::ui::html::with_code;
use crate::ui::words;
use crate::worker::protocol::LessonProse;

#[derive(Properties, PartialEq)]
pub struct KnobFormProps {
    pub lang: Lang,
    pub query: PageQuery,
    /// The knobs shown: the lesson's own, then the common ones it uses.
    pub specs: Vec<KnobSpec>,
    /// What the knobs mean (from the worker, with the lesson's Python; the ids alone until
    /// they come).
    pub words: Option<Rc<LessonProse>>,
    pub disabled: bool,
    /// A knob changed: its name and the raw value typed or picked.
    pub onchange: Callback<(String, String)>,
}

/// One control per knob (a list of words, or a number box with its range) under its label
/// and id, with a line of help. Values are checked by the reducer, which clamps and notes
/// what was out of range. Changes are caught once, on the form.
#[function_component]
pub fn KnobForm(props: &KnobFormProps) -> Html {
    let lang = props.lang;
    let onchange = props.onchange.reform(|e: Event| {
        let control: web_sys::Element = e.target_unchecked_into();
        let value = js_sys::Reflect::get(&control, &"value".into()).ok().and_then(|v| v.as_string());
        (control.get_attribute("name").unwrap_or_default(), value.unwrap_or_default())
    });
    html! {
        <div class="knobs" id="knobs" {onchange}>
            { for props.specs.iter().map(|spec| {
                let name = spec.name;
                let id = format!("knob-{name}");
                let help_id = format!("knob-help-{name}");
                let value = props.query.value(name).map(KnobValue::to_string).unwrap_or_default();
                let said = props.words.as_ref().and_then(|w| w.knob(name));
                let title = words::allowed(lang, &spec.kind);
                let described = said.is_some().then(|| help_id.clone());
                let control = match spec.kind {
                    KnobKind::Choice(choices) => html! {
                        <select id={id.clone()} {name} disabled={props.disabled} aria-describedby={described} translate="no">
                            { for choices.iter().map(|c| html! { <option value={*c} selected={*c == value}>{ *c }</option> }) }
                        </select>
                    },
                    KnobKind::Int { min, max } => html! {
                        <input id={id.clone()} {name} type="number" min={min.to_string()} max={max.to_string()}
                               {value} disabled={props.disabled} aria-describedby={described} {title} />
                    },
                    _ => html! { <input id={id.clone()} {name} {value} disabled={props.disabled} aria-describedby={described} {title} /> },
                };
                let is_common = common::ALL.iter().any(|c| c.name == name);
                html! {
                    <div class={classes!("knob", is_common.then_some("common"))} data-knob={name}>
                        <label for={id}>
                            if let Some(said) = said { <span class="knob-label">{ with_code(said.label.get(lang)) }</span>{ " " } }
                            <code class="knob-name" translate="no">{ name }</code>
                        </label>
                        { control }
                        if let Some(said) = said { <p class="knob-help" id={help_id}>{ with_code(said.help.get(lang)) }</p> }
                    </div>
                }
            }) }
        </div>
    }
}
