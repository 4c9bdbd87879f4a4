use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::knobs::{common, KnobKind, KnobSpec, KnobValue};
use crate::query::PageQuery;

#[derive(Properties, PartialEq)]
pub struct KnobFormProps {
    pub query: PageQuery,
    /// The knobs shown: the lesson's own, then the common ones it uses.
    pub specs: Vec<KnobSpec>,
    pub disabled: bool,
    /// A knob changed: its name and the raw value typed or picked.
    pub onchange: Callback<(String, String)>,
}

/// One control per knob: a list of words, or a number box with its range. Values are
/// checked by the reducer, which clamps and notes what was out of range.
#[function_component]
pub fn KnobForm(props: &KnobFormProps) -> Html {
    html! {
        <div class="knobs" id="knobs">
            { for props.specs.iter().map(|spec| {
                let name = spec.name;
                let value = props.query.value(name).map(KnobValue::to_string).unwrap_or_default();
                let onchange_cb = props.onchange.clone();
                let control = match spec.kind {
                    KnobKind::Choice(choices) => {
                        let onchange = Callback::from(move |e: Event| {
                            let select: HtmlSelectElement = e.target_unchecked_into();
                            onchange_cb.emit((name.to_string(), select.value()));
                        });
                        html! {
                            <select id={format!("knob-{name}")} name={name} disabled={props.disabled} {onchange}>
                                { for choices.iter().map(|c| html! { <option value={*c} selected={*c == value}>{ *c }</option> }) }
                            </select>
                        }
                    }
                    KnobKind::Int { min, max } => {
                        let onchange = Callback::from(move |e: Event| {
                            let input: HtmlInputElement = e.target_unchecked_into();
                            onchange_cb.emit((name.to_string(), input.value()));
                        });
                        html! {
                            <input id={format!("knob-{name}")} name={name} type="number" min={min.to_string()} max={max.to_string()}
                                   value={value.clone()} disabled={props.disabled} {onchange} />
                        }
                    }
                    KnobKind::Seed | KnobKind::Decimal { .. } | KnobKind::Schedule => {
                        let onchange = Callback::from(move |e: Event| {
                            let input: HtmlInputElement = e.target_unchecked_into();
                            onchange_cb.emit((name.to_string(), input.value()));
                        });
                        html! { <input id={format!("knob-{name}")} name={name} value={value.clone()} disabled={props.disabled} {onchange} /> }
                    }
                };
                let is_common = common::ALL.iter().any(|c| c.name == name);
                html! {
                    <label class={classes!("knob", is_common.then_some("common"))} title={spec.allowed()}>
                        <span class="knob-name">{ name }</span>
                        { control }
                    </label>
                }
            }) }
        </div>
    }
}
