use std::rc::Rc;

use yew::prelude::*;

use crate::draw::timeline::{format_ms, View, LABEL_WIDTH};
use crate::draw::timeline_svg::{Frame, WIDTH};
use crate::draw::timeline_words::state_word;
use crate::engine::trace::{Nanos, Trace};
use crate::i18n::Lang;
use crate::ui::state::Drawing;
use crate::ui::words::{t, Key};

#[derive(Properties)]
pub struct TimelineProps {
    pub lang: Lang,
    /// The run (its number, as the worker knows it) and its trace as the page has it.
    pub run: u32,
    pub trace: Rc<Trace>,
    /// Which state of the run (a stepped run's turns; 0 for a finished run).
    #[prop_or_default]
    pub version: u64,
    pub drawings: Drawings,
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

/// The timelines the worker drew (the newest few), and how to ask for another.
#[derive(Clone, PartialEq)]
pub struct Drawings {
    pub drawn: Vec<Rc<Drawing>>,
    pub ondraw: Callback<(u32, u64, Frame)>,
}

impl Drawings {
    /// The newest drawing of `run` (in any frame: the one asked for may be on its way).
    fn of(&self, run: u32) -> Option<Rc<Drawing>> {
        self.drawn.iter().rev().find(|d| d.run == run).cloned()
    }
}

impl PartialEq for TimelineProps {
    // The same trace is the same allocation: comparing it by value would cost a walk of it.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.trace, &other.trace)
            && (self.lang, self.run, self.version, self.focus, self.until)
                == (other.lang, other.run, other.version, other.focus, other.until)
            && self.drawings == other.drawings
            && self.caption == other.caption
            && self.onprint == other.onprint
            && self.id == other.id
    }
}

/// The run's timeline as the engine worker draws it (the page holds no layout), with zoom
/// buttons; the picked console line's moment is a line over it. Print marks are picked by
/// click, or by Enter or Space once focused; caught once, on the container.
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
    let frame = Frame {
        view: (current != whole).then_some(current),
        until: props.until,
        lang,
        caption: props.caption.to_string(),
    };
    // Asked for whenever what is to be shown changes, or when no drawing of the run is kept
    // any more; the last drawing stays meanwhile.
    let drawing = props.drawings.of(props.run);
    {
        let ondraw = props.drawings.ondraw.clone();
        let key = (props.run, props.version, frame.clone(), drawing.is_none());
        use_effect_with(key, move |(run, version, frame, _)| {
            ondraw.emit((*run, *version, frame.clone()));
            || ()
        });
    }
    let drawing = drawing.as_ref();
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
    // A print mark, clicked or pressed with Enter or Space, picks its console line.
    let picked = |target: Option<web_sys::Element>| target?.get_attribute("data-console")?.parse::<u32>().ok();
    let onclick = {
        let onprint = props.onprint.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(i) = picked(e.target_dyn_into()) {
                onprint.emit(i);
            }
        })
    };
    let onkeydown = {
        let onprint = props.onprint.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let (true, Some(i)) = (matches!(e.key().as_str(), "Enter" | " "), picked(e.target_dyn_into())) {
                e.prevent_default();
                onprint.emit(i);
            }
        })
    };
    let body = match drawing.map(|d| (d, d.markup.clone())) {
        Some((drawing, Some(markup))) => {
            // The picked moment, over the drawing (as drawn: the frame it was drawn in).
            let drawn = drawing.frame.view_of(&props.trace);
            let focus = props.focus.filter(|f| *f >= drawn.from && *f <= drawn.to).map(|f| {
                let share = (f - drawn.from) as f64 / (drawn.to - drawn.from).max(1) as f64;
                let left = (LABEL_WIDTH + (WIDTH - LABEL_WIDTH) * share) / WIDTH * 100.0;
                html! { <div class="focus-line" style={format!("left: {left:.2}%")} /> }
            });
            let fresh = drawing.version == props.version && drawing.frame == frame;
            html! {
                <div class="timeline-svg" {onclick} {onkeydown} aria-busy={(!fresh).to_string()}>
                    { Html::from_html_unchecked(AttrValue::from(markup)) }
                    { focus.unwrap_or_default() }
                </div>
            }
        }
        Some((_, None)) => html! { <p class="muted timeline-gone">{ t(lang, Key::TimelineGone) }</p> },
        None => html! { <p class="muted timeline-drawing">{ t(lang, Key::TimelineDrawing) }</p> },
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
            { body }
            <ul class="legend">
                { for ["run", "wait-gil", "sleep", "wait", "hold", "starting", "print"].iter().map(|class| html! {
                    <li><span class={classes!("swatch", *class)} />{ state_word(class, lang) }</li>
                }) }
            </ul>
        </figure>
    }
}
