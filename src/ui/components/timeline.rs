use std::rc::Rc;

use yew::prelude::*;

use crate::engine::trace::Trace;
use crate::i18n::{self, t, Key, Lang};
use crate::ui::timeline::{layout, AXIS_HEIGHT, LABEL_WIDTH, LANE_HEIGHT};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub lang: Lang,
    pub trace: Rc<Trace>,
}

const WIDTH: f64 = 900.0;

/// The trace as SVG: a pure drawing of [`layout`].
#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = props.lang;
    let l = layout(&props.trace, WIDTH);
    let axis_y = l.height - AXIS_HEIGHT;
    let distinct = {
        let mut threads: Vec<u32> = props.trace.actors.iter().filter_map(|a| a.pool_thread).collect();
        threads.sort_unstable();
        threads.dedup();
        threads.len()
    };
    html! {
        <figure class="timeline">
            <figcaption>
                { t(lang, Key::TimelineLabel) }
                { " · " }{ i18n::measured_on(lang, distinct) }
                if props.trace.condensed { <span class="condensed">{ " · " }{ t(lang, Key::TraceCondensed) }</span> }
            </figcaption>
            <svg viewBox={format!("0 0 {} {}", l.width, l.height)} role="img" aria-label={t(lang, Key::TimelineLabel)}>
                { for l.lanes.iter().map(|lane| html! {
                    <g class="lane">
                        <rect class="lane-bg" x="0" y={lane.y.to_string()} width={l.width.to_string()} height={LANE_HEIGHT.to_string()} />
                        <text x="6" y={(lane.y + 15.0).to_string()}>
                            { &lane.label }
                            { lane.pool_thread.map(|p| format!(" · pool #{p}")).unwrap_or_default() }
                        </text>
                    </g>
                }) }
                { for l.boxes.iter().map(|b| html! {
                    <rect class={classes!("span", b.class)} x={format!("{:.1}", b.x)} y={(l.lanes[b.lane].y + 3.0).to_string()}
                          width={format!("{:.1}", b.width)} height={(LANE_HEIGHT - 6.0).to_string()}>
                        <title>{ &b.title }</title>
                    </rect>
                }) }
                <line class="axis" x1={LABEL_WIDTH.to_string()} x2={l.width.to_string()} y1={axis_y.to_string()} y2={axis_y.to_string()} />
                { for l.ticks.iter().map(|tick| html! {
                    <text class="tick" x={format!("{:.1}", tick.x)} y={(axis_y + 16.0).to_string()}>{ &tick.label }</text>
                }) }
                <text class="tick unit" x="6" y={(axis_y + 16.0).to_string()}>{ t(lang, Key::Milliseconds) }</text>
            </svg>
        </figure>
    }
}
