use std::rc::Rc;

use yew::prelude::*;

use crate::draw::timeline::{format_ms, layout, svg_markup, View};
use crate::engine::trace::{Nanos, Trace};
use crate::i18n::Lang;
use crate::ui::words::{t, Key};

#[derive(Properties)]
pub struct TimelineProps {
    pub lang: Lang,
    pub trace: Rc<Trace>,
    pub caption: AttrValue,
    /// A moment to mark (a console line the learner picked).
    #[prop_or_default]
    pub focus: Option<Nanos>,
    /// A print mark was clicked: its console index.
    #[prop_or_default]
    pub onprint: Callback<u32>,
    /// The axis runs at least this far (two runs compared share one axis).
    #[prop_or_default]
    pub until: Nanos,
    /// The element's id (`timeline` unless two are shown).
    #[prop_or(AttrValue::Static("timeline"))]
    pub id: AttrValue,
}

impl PartialEq for TimelineProps {
    // The same trace is the same allocation: comparing it by value would cost as much as
    // drawing it.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.trace, &other.trace)
            && self.lang == other.lang
            && self.caption == other.caption
            && self.focus == other.focus
            && self.onprint == other.onprint
            && self.until == other.until
            && self.id == other.id
    }
}

const WIDTH: f64 = 960.0;

/// The trace as SVG ([`svg_markup`] of [`layout`]), with zoom buttons; clicks on print
/// marks are caught once, on the container.
#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = props.lang;
    let whole = View::whole(&props.trace);
    let whole = View { to: whole.to.max(props.until), ..whole };
    let view = use_state(|| whole);
    // A new trace starts at the whole run.
    {
        let view = view.clone();
        use_effect_with(Rc::as_ptr(&props.trace) as usize, move |_| {
            view.set(whole);
            || ()
        });
    }
    let current = if view.to <= whole.to { *view } else { whole };
    let markup = {
        let trace = props.trace.clone();
        let (focus, label, unit) = (props.focus, props.caption.clone(), t(lang, Key::Milliseconds));
        use_memo((Rc::as_ptr(&trace) as usize, current, focus, label.clone(), unit), move |_| {
            Html::from_html_unchecked(AttrValue::from(svg_markup(
                &layout(&trace, WIDTH, Some(current)),
                focus,
                &label,
                unit,
            )))
        })
    };
    let center = props
        .focus
        .filter(|f| *f >= current.from && *f <= current.to)
        .unwrap_or(current.from + (current.to - current.from) / 2);
    let zoom_in = {
        let view = view.clone();
        Callback::from(move |_| view.set(current.zoom_in(center)))
    };
    let zoom_out = {
        let view = view.clone();
        Callback::from(move |_| view.set(current.zoom_out(whole)))
    };
    let reset = {
        let view = view.clone();
        Callback::from(move |_| view.set(whole))
    };
    let onclick = {
        let onprint = props.onprint.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(target) = e.target_dyn_into::<web_sys::Element>() else { return };
            if let Some(i) = target.get_attribute("data-console").and_then(|v| v.parse().ok()) {
                onprint.emit(i);
            }
        })
    };
    html! {
        <figure class="timeline" id={props.id.clone()}>
            <figcaption>
                <span>{ props.caption.clone() }</span>
                if props.trace.condensed { <span class="condensed">{ " · " }{ t(lang, Key::TraceCondensed) }</span> }
                <span class="zoom">
                    <button onclick={zoom_in} title={t(lang, Key::ZoomIn)} aria-label={t(lang, Key::ZoomIn)}>{ "+" }</button>
                    <button onclick={zoom_out} title={t(lang, Key::ZoomOut)} aria-label={t(lang, Key::ZoomOut)}>{ "−" }</button>
                    <button onclick={reset} title={t(lang, Key::ZoomReset)}>{ t(lang, Key::ZoomReset) }</button>
                    <span class="window">{ format!("{}–{} {}", format_ms(current.from), format_ms(current.to), t(lang, Key::Milliseconds)) }</span>
                </span>
            </figcaption>
            <div class="timeline-svg" {onclick}>{ (*markup).clone() }</div>
            <Legend lang={lang} />
        </figure>
    }
}

#[derive(Properties, PartialEq)]
struct LegendProps {
    lang: Lang,
}

#[function_component]
fn Legend(props: &LegendProps) -> Html {
    let lang = props.lang;
    let items = [
        ("run", Key::StateRun),
        ("wait-gil", Key::StateWaitGil),
        ("sleep", Key::StateSleep),
        ("wait", Key::StateWait),
        ("hold", Key::StateHold),
        ("starting", Key::StateStarting),
        ("print", Key::StatePrint),
    ];
    html! {
        <ul class="legend">
            { for items.iter().map(|(class, key)| html! {
                <li><span class={classes!("swatch", *class)} />{ t(lang, *key) }</li>
            }) }
        </ul>
    }
}
