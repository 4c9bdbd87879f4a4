use std::rc::Rc;

use yew::prelude::*;

use crate::engine::trace::{Nanos, Trace};
use crate::i18n::{t, Key, Lang};
use crate::ui::timeline::{actor_color, format_ms, layout, View, AXIS_HEIGHT, LABEL_WIDTH, LANE_HEIGHT};

#[derive(Properties, PartialEq)]
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
}

const WIDTH: f64 = 960.0;

/// The trace as SVG, a pure drawing of [`layout`], with zoom buttons.
#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = props.lang;
    let whole = View::whole(&props.trace);
    let view = use_state(|| whole);
    // A new trace starts at the whole run.
    {
        let view = view.clone();
        use_effect_with(props.trace.clone(), move |_| {
            view.set(whole);
            || ()
        });
    }
    let current = if view.to <= whole.to { *view } else { whole };
    let l = layout(&props.trace, WIDTH, Some(current));
    let axis_y = l.height - AXIS_HEIGHT;
    let x_of = |at: Nanos| {
        let span = (current.to - current.from).max(1) as f64;
        LABEL_WIDTH + (WIDTH - LABEL_WIDTH) * ((at.clamp(current.from, current.to) - current.from) as f64 / span)
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
    html! {
        <figure class="timeline" id="timeline">
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
            <svg viewBox={format!("0 0 {} {}", l.width, l.height)} role="img" aria-label={props.caption.clone()}>
                { for l.lanes.iter().map(|lane| html! {
                    <g class={classes!("lane", matches!(lane.kind, crate::ui::timeline::LaneKind::Gil(_)).then_some("gil-lane"))}>
                        <rect class="lane-bg" x="0" y={lane.y.to_string()} width={l.width.to_string()} height={LANE_HEIGHT.to_string()} />
                        <text x="6" y={(lane.y + 15.0).to_string()}>
                            { &lane.label }
                            { lane.pool_thread.map(|p| format!(" · pool #{p}")).unwrap_or_default() }
                        </text>
                    </g>
                }) }
                { for l.boxes.iter().map(|b| {
                    let lane_y = l.lanes[b.lane].y;
                    let (y, h) = if b.thin { (lane_y + LANE_HEIGHT - 6.0, 3.0) } else { (lane_y + 3.0, LANE_HEIGHT - 9.0) };
                    let style = b.holder.map(|a| format!("fill: {}", actor_color(a)));
                    html! {
                        <rect class={classes!("span", b.class)} style={style} x={format!("{:.1}", b.x)} y={format!("{y:.1}")}
                              width={format!("{:.1}", b.width)} height={format!("{h:.1}")}>
                            <title>{ &b.title }</title>
                        </rect>
                    }
                }) }
                { for l.marks.iter().map(|m| {
                    let y = l.lanes[m.lane].y + 3.0;
                    let onprint = props.onprint.clone();
                    let index = m.console;
                    html! {
                        <rect class={classes!("mark", m.class)} x={format!("{:.1}", m.x - 1.5)} y={format!("{y:.1}")} width="3" height={(LANE_HEIGHT - 6.0).to_string()}
                              onclick={move |_| if let Some(i) = index { onprint.emit(i) }}>
                            <title>{ &m.title }</title>
                        </rect>
                    }
                }) }
                if let Some(focus) = props.focus.filter(|f| *f >= current.from && *f <= current.to) {
                    <line class="focus" x1={format!("{:.1}", x_of(focus))} x2={format!("{:.1}", x_of(focus))} y1="0" y2={axis_y.to_string()} />
                }
                <line class="axis" x1={LABEL_WIDTH.to_string()} x2={l.width.to_string()} y1={axis_y.to_string()} y2={axis_y.to_string()} />
                { for l.ticks.iter().map(|tick| html! {
                    <text class="tick" x={format!("{:.1}", tick.x)} y={(axis_y + 16.0).to_string()}>{ &tick.label }</text>
                }) }
                <text class="tick unit" x="6" y={(axis_y + 16.0).to_string()}>{ t(lang, Key::Milliseconds) }</text>
            </svg>
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
